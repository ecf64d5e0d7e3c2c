import type { Clock } from '../common/index.js';

/** Login throttling knobs (durations in ms); config `auth.login_rate_limit`. */
export interface LoginRateLimitOptions {
  /** Failures within `window` that trigger a lockout. */
  readonly failures: number;
  readonly window: number;
  /** First lockout; doubled at each further failure, capped at `window`. */
  readonly lockout: number;
  /** Keys remembered at most (oldest forgotten first); default 10,000. */
  readonly maxKeys?: number;
}

interface Entry {
  /** Times (ms) of the failures within the window, oldest first. */
  failures: number[];
  lockedUntil: number;
}

/**
 * Counts failed logins per key (`addr:<ip>`, `user:<name>`): after `failures` failures within
 * `window`, attempts are refused until the lockout ends; each failure past the limit doubles it.
 * In memory: a restart forgets it (the lockout is short anyway).
 */
export class LoginRateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;

  constructor(
    private readonly opts: LoginRateLimitOptions,
    private readonly clock: Clock,
  ) {
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Milliseconds to wait before any of `keys` may try again; 0 when all may try now. */
  retryAfter(keys: readonly string[]): number {
    const now = this.clock.now();
    let wait = 0;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e !== undefined && e.lockedUntil > now) wait = Math.max(wait, e.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failed attempt for each key. */
  fail(keys: readonly string[]): void {
    const now = this.clock.now();
    for (const k of keys) {
      let e = this.entries.get(k);
      if (e === undefined) {
        this.makeRoom(now);
        e = { failures: [], lockedUntil: 0 };
        this.entries.set(k, e);
      }
      e.failures = e.failures.filter((t) => t > now - this.opts.window);
      e.failures.push(now);
      const over = e.failures.length - this.opts.failures;
      if (over >= 0) e.lockedUntil = now + Math.min(this.opts.window, this.opts.lockout * 2 ** Math.min(over, 30));
    }
  }

  /** A successful login forgets the keys' failures. */
  succeed(keys: readonly string[]): void {
    for (const k of keys) this.entries.delete(k);
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.maxKeys) return;
    for (const [k, e] of this.entries) {
      const last = e.failures[e.failures.length - 1] ?? 0;
      if (e.lockedUntil <= now && last <= now - this.opts.window) this.entries.delete(k);
    }
    while (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
