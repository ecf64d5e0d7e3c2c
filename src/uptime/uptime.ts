import type { Clock, Logger } from '../common/index.js';
import { labelValue } from '../model/index.js';
import type { VectorElement } from '../promql/index.js';

/** Evaluates a PromQL expression at `tMs` and returns its instant vector (a scalar result gives []). */
export type InstantQueryFunc = (expr: string, tMs: number, signal: AbortSignal) => Promise<readonly VectorElement[]>;

/** The windows uptime is reported over, with their PromQL range. */
export const UPTIME_WINDOWS = [
  { name: '24h', range: '24h', ttlMs: 60_000 },
  { name: '7d', range: '7d', ttlMs: 5 * 60_000 },
  { name: '30d', range: '30d', ttlMs: 15 * 60_000 },
] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number]['name'];

/** Fraction of successful probes (0..1) per window; null when there is no sample or the query failed. */
export type Uptime = Record<UptimeWindow, number | null>;

/** PromQL for the uptime of every instance of `job` over `range`: the mean of probe_success, by instance. */
export function uptimeQuery(job: string, range: string): string {
  return `avg by (instance) (avg_over_time(probe_success{job=${JSON.stringify(job)}}[${range}]))`;
}

/**
 * Uptime of probe targets computed from the stored `probe_success` samples through PromQL, one
 * query per job and window. A result is fresh for the window's `ttlMs` (longer windows change
 * slowly and cost more to read); past it, callers get the previous figures at once while one
 * query refreshes them in the background. Only the first call for a job waits for its queries,
 * at most until `signal` aborts (the query itself goes on, bounded by `queryTimeoutMs`).
 */
export class UptimeCalculator {
  private readonly cache = new Map<string, { at: number; value: Promise<Map<string, number>>; refreshing: boolean }>();

  constructor(
    private readonly query: InstantQueryFunc,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** ms one uptime query may run (default 60 s). */
    private readonly queryTimeoutMs = 60_000,
  ) {}

  /** Uptime per instance of `job`: instance → windows. Instances without samples get null. */
  async forJob(job: string, signal: AbortSignal): Promise<Map<string, Uptime>> {
    const perWindow = await Promise.all(UPTIME_WINDOWS.map((w) => untilAborted(this.window(job, w.name, w.range, w.ttlMs), signal)));
    const out = new Map<string, Uptime>();
    UPTIME_WINDOWS.forEach((w, i) => {
      for (const [instance, v] of perWindow[i]!) {
        let u = out.get(instance);
        if (u === undefined) out.set(instance, (u = { '24h': null, '7d': null, '30d': null }));
        u[w.name] = v;
      }
    });
    return out;
  }

  private window(job: string, name: string, range: string, ttlMs: number): Promise<Map<string, number>> {
    const key = `${job}\u0000${name}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && (now - hit.at < ttlMs || hit.refreshing)) return hit.value;
    const value = this.query(uptimeQuery(job, range), now, AbortSignal.timeout(this.queryTimeoutMs)).then(
      (vec) => new Map(vec.filter((e) => Number.isFinite(e.v)).map((e) => [labelValue(e.metric, 'instance'), e.v])),
      (err: unknown) => {
        this.logger.warn({ err, job, window: name }, 'uptime query failed');
        return undefined;
      },
    );
    const entry = { at: now, value: hit?.value ?? value.then((m) => m ?? new Map<string, number>()), refreshing: hit !== undefined };
    this.cache.set(key, entry);
    void value.then((m) => {
      // a failed query keeps the previous figures (or none) and is retried at the next call
      if (m === undefined) {
        if (hit === undefined) this.cache.delete(key);
        else this.cache.set(key, { ...hit, at: -Infinity, refreshing: false });
      } else this.cache.set(key, { at: now, value: Promise.resolve(m), refreshing: false });
    });
    return entry.value;
  }
}

/** `p`, or an empty map as soon as `signal` aborts. */
function untilAborted(p: Promise<Map<string, number>>, signal: AbortSignal): Promise<Map<string, number>> {
  if (signal.aborted) return Promise.resolve(new Map<string, number>());
  return new Promise<Map<string, number>>((resolve) => {
    const onAbort = (): void => resolve(new Map<string, number>());
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then((m) => {
      signal.removeEventListener('abort', onAbort);
      resolve(m);
    });
  });
}
