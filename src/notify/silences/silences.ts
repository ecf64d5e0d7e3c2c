import { randomUUID } from 'node:crypto';
import { type Clock, VigieError } from '../../common/index.js';
import { Matcher } from '../../model/index.js';
import { type StateDb, migrate } from '../../state/index.js';

/** One matcher of a silence, in Alertmanager's API shape. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  /** `=~`/`!~` (anchored RE2) when true. */
  readonly isRegex: boolean;
  /** `=`/`=~` when true (default), `!=`/`!~` when false. */
  readonly isEqual: boolean;
}

/** A silence; times in ms. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** What a client sends to create (no id) or update (id) a silence. */
export interface SilenceInput {
  readonly id?: string | undefined;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** A silence that cannot be created or changed as asked; `notFound` for an unknown id. */
export class SilenceError extends VigieError {
  override name = 'SilenceError';
  constructor(
    message: string,
    readonly notFound = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** pending before startsAt, active in [startsAt, endsAt), expired from endsAt on. */
export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  return now >= s.endsAt ? 'expired' : 'active';
}

function toMatcher(m: SilenceMatcher): Matcher {
  const type = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return new Matcher(type, m.name, m.value);
}

const MIGRATIONS = [
  `CREATE TABLE notify_silences (
     id TEXT PRIMARY KEY,
     matchers TEXT NOT NULL,   -- JSON array of {name, value, isRegex, isEqual}
     starts_at INTEGER NOT NULL, -- ms since epoch
     ends_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     comment TEXT NOT NULL
   )`,
];

interface Row {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  updated_at: number;
  created_by: string;
  comment: string;
}

export interface SilencesOptions {
  readonly db: StateDb;
  readonly clock: Clock;
  /** ms an expired silence is kept (listed as expired) before it is purged; default 5 days (Alertmanager's data retention). */
  readonly retention?: number;
}

/**
 * Silences with Alertmanager's rules, written through to SQLite (table notify_silences, owner
 * `notify.silences`) so they survive a restart. The database is the caller's to close.
 */
export class Silences {
  private readonly db: StateDb;
  private readonly clock: Clock;
  private readonly retention: number;
  private readonly byId = new Map<string, { silence: Silence; matchers: Matcher[] }>();
  /** Bumped on each change; lets callers cache mute results. */
  version = 0;

  constructor(opts: SilencesOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.retention = opts.retention ?? 5 * 86_400_000;
    migrate(this.db, 'notify.silences', MIGRATIONS);
    for (const r of this.db.prepare('SELECT * FROM notify_silences').all() as Row[]) {
      const s: Silence = { id: r.id, matchers: JSON.parse(r.matchers) as SilenceMatcher[], startsAt: r.starts_at, endsAt: r.ends_at, updatedAt: r.updated_at, createdBy: r.created_by, comment: r.comment };
      try {
        this.byId.set(s.id, { silence: s, matchers: s.matchers.map(toMatcher) });
      } catch {
        // A row whose regexp no longer compiles is left in the table but ignored.
      }
    }
  }

  /** All silences not yet purged, with their state at `now`. */
  list(): Silence[] {
    return [...this.byId.values()].map((e) => e.silence);
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id)?.silence;
  }

  /**
   * Creates or updates a silence; returns its id. As Alertmanager: a start in the past becomes
   * now; an update that changes an active silence's matchers or start (or an expired
   * silence) expires the old one and creates a new silence with a new id.
   */
  set(input: SilenceInput): string {
    const now = this.clock.now();
    let startsAt = input.startsAt;
    if (input.matchers.length === 0) throw new SilenceError('silence invalid: at least one matcher required');
    let compiled: Matcher[];
    try {
      compiled = input.matchers.map(toMatcher);
    } catch (err) {
      throw new SilenceError(`silence invalid: ${err instanceof Error ? err.message : String(err)}`, false, { cause: err });
    }
    for (const m of input.matchers) if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) throw new SilenceError(`silence invalid: invalid label name ${JSON.stringify(m.name)}`);
    if (compiled.every((m) => m.matches(''))) throw new SilenceError('silence invalid: at least one matcher must not match the empty string');
    if (!Number.isFinite(input.startsAt) || !Number.isFinite(input.endsAt)) throw new SilenceError('silence invalid: startsAt and endsAt must be valid times');
    if (input.endsAt < startsAt) throw new SilenceError('silence invalid: end time must not be before start time');
    if (input.endsAt <= now) throw new SilenceError("silence invalid: end time can't be in the past");

    if (input.id !== undefined && input.id !== '') {
      const prev = this.byId.get(input.id);
      if (prev === undefined) throw new SilenceError(`silence ${input.id} not found`, true);
      if (this.canUpdateInPlace(prev.silence, input, now)) {
        this.store({ ...prev.silence, matchers: input.matchers, startsAt: input.startsAt, endsAt: input.endsAt, createdBy: input.createdBy, comment: input.comment, updatedAt: now }, compiled);
        return input.id;
      }
      if (silenceState(prev.silence, now) !== 'expired') this.expire(input.id);
    }
    if (startsAt < now) startsAt = now;
    const id = randomUUID();
    this.store({ id, matchers: input.matchers, startsAt, endsAt: input.endsAt, updatedAt: now, createdBy: input.createdBy, comment: input.comment }, compiled);
    return id;
  }

  private canUpdateInPlace(a: Silence, b: SilenceInput, now: number): boolean {
    if (JSON.stringify(a.matchers) !== JSON.stringify(b.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })))) return false;
    switch (silenceState(a, now)) {
      case 'active':
        return b.startsAt === a.startsAt && b.endsAt >= now;
      case 'pending':
        return b.startsAt >= now;
      case 'expired':
        return false;
    }
  }

  /** Ends a silence now (a pending one gets startsAt = endsAt = now). Throws for an unknown or already expired one. */
  expire(id: string): void {
    const e = this.byId.get(id);
    if (e === undefined) throw new SilenceError(`silence ${id} not found`, true);
    const now = this.clock.now();
    const state = silenceState(e.silence, now);
    if (state === 'expired') throw new SilenceError(`silence ${id} already expired`);
    const startsAt = state === 'pending' ? now : e.silence.startsAt;
    this.store({ ...e.silence, startsAt, endsAt: now, updatedAt: now }, e.matchers);
  }

  /** Ids of the silences active at `now` whose matchers all hold for `labels`. */
  mutedBy(labels: Readonly<Record<string, string>>, now = this.clock.now()): string[] {
    const out: string[] = [];
    for (const { silence, matchers } of this.byId.values()) {
      if (silenceState(silence, now) !== 'active') continue;
      if (matchers.every((m) => m.matches(labels[m.name] ?? ''))) out.push(silence.id);
    }
    return out.sort();
  }

  /** Deletes silences expired more than `retention` ago; returns how many. */
  purge(now = this.clock.now()): number {
    let n = 0;
    const del = this.db.prepare('DELETE FROM notify_silences WHERE id = ?');
    for (const [id, { silence }] of this.byId) {
      if (silence.endsAt + this.retention <= now) {
        del.run(id);
        this.byId.delete(id);
        n++;
      }
    }
    if (n > 0) this.version++;
    return n;
  }

  private store(s: Silence, matchers: Matcher[]): void {
    this.db
      .prepare(
        `INSERT INTO notify_silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           updated_at = excluded.updated_at, created_by = excluded.created_by, comment = excluded.comment`,
      )
      .run(s.id, JSON.stringify(s.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual }))), s.startsAt, s.endsAt, s.updatedAt, s.createdBy, s.comment);
    this.byId.set(s.id, { silence: s, matchers });
    this.version++;
  }
}
