import { type StateDb, migrate } from '../../state/index.js';
import type { Notification } from '../types.js';

/**
 * The notification queue and the attempt log, in the state database (owner `notify.delivery`).
 * One queue row per notification × integration; a row leaves the queue when it is delivered,
 * refused for good, superseded by a newer notification of the same group, or too old.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE notify_queue (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     receiver TEXT NOT NULL,
     integration TEXT NOT NULL,
     group_key TEXT NOT NULL,
     notification TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT
   );
   CREATE INDEX notify_queue_next ON notify_queue (next_at);
   CREATE INDEX notify_queue_group ON notify_queue (receiver, integration, group_key);
   CREATE TABLE notify_attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     receiver TEXT NOT NULL,
     integration TEXT NOT NULL,
     group_key TEXT NOT NULL,
     status TEXT NOT NULL,
     outcome TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     http_status INTEGER,
     error TEXT,
     duration_ms INTEGER NOT NULL,
     alerts INTEGER NOT NULL
   );
   CREATE INDEX notify_attempts_at ON notify_attempts (at);
   CREATE INDEX notify_attempts_receiver ON notify_attempts (receiver, at);`,
];

export interface QueueItem {
  readonly id: number;
  readonly receiver: string;
  /** `webhook[0]`. */
  readonly integration: string;
  readonly groupKey: string;
  readonly notification: Notification;
  /** ms. */
  readonly createdAt: number;
  /** ms; not sent before. */
  readonly nextAt: number;
  /** Attempts made so far. */
  readonly attempts: number;
}

/**
 * What happened to a notification after one attempt: `delivered`; `retrying` (will be sent
 * again); `dropped` (non-retryable failure, or its integration is gone); `expired` (retryable
 * failure past the maximum age); `superseded` (failed while a newer notification of its group
 * was queued); `test` (a "send test notification", never queued).
 */
export type AttemptOutcome = 'delivered' | 'retrying' | 'dropped' | 'expired' | 'superseded' | 'test';

/** One row of the attempt log. Times in ms. */
export interface Attempt {
  readonly id: number;
  readonly at: number;
  readonly receiver: string;
  readonly integration: string;
  readonly groupKey: string;
  readonly status: 'ok' | 'failed';
  readonly outcome: AttemptOutcome;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly httpStatus: number | undefined;
  readonly error: string | undefined;
  readonly durationMs: number;
  /** Alerts in the notification. */
  readonly alerts: number;
}

export interface AttemptFilter {
  readonly receiver?: string | undefined;
  readonly status?: 'ok' | 'failed' | undefined;
  /** ms, inclusive. */
  readonly since?: number | undefined;
  /** Newest first, at most this many. */
  readonly limit: number;
}

interface QueueRow {
  id: number;
  receiver: string;
  integration: string;
  group_key: string;
  notification: string;
  created_at: number;
  next_at: number;
  attempts: number;
}

interface AttemptRow {
  id: number;
  at: number;
  receiver: string;
  integration: string;
  group_key: string;
  status: string;
  outcome: string;
  attempt: number;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  alerts: number;
}

/** Statements over the two tables. The caller owns `db` (opens and closes it). */
export class DeliveryStore {
  constructor(private readonly db: StateDb) {
    migrate(db, 'notify.delivery', MIGRATIONS);
  }

  /**
   * Queues `n` for `integration`, replacing (and returning the count of) the queued items of
   * the same receiver, integration and group: a newer notification carries the group's whole
   * current state, and sending an older one after it would be wrong. An item being sent while
   * it is replaced finishes its try and is not retried (`has` turns false).
   */
  enqueue(n: Notification, integration: string, now: number): { id: number; superseded: number } {
    return this.db.transaction(() => {
      const superseded = this.db
        .prepare('DELETE FROM notify_queue WHERE receiver = ? AND integration = ? AND group_key = ?')
        .run(n.receiver, integration, n.groupKey).changes;
      const r = this.db
        .prepare('INSERT INTO notify_queue (receiver, integration, group_key, notification, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(n.receiver, integration, n.groupKey, JSON.stringify(n), now, now);
      return { id: Number(r.lastInsertRowid), superseded };
    })();
  }

  /** Deletes the queued items of one group for one integration; returns how many. */
  removeGroup(receiver: string, integration: string, groupKey: string): number {
    return this.db.prepare('DELETE FROM notify_queue WHERE receiver = ? AND integration = ? AND group_key = ?').run(receiver, integration, groupKey).changes;
  }

  /**
   * Items due at `now` (next_at ≤ now), oldest first, skipping `exceptIds`. A row whose
   * notification is not valid JSON (a damaged file) is deleted and reported to `onBad`.
   */
  due(now: number, limit: number, exceptIds: ReadonlySet<number>, onBad: (id: number, err: unknown) => void): QueueItem[] {
    const rows = this.db.prepare('SELECT * FROM notify_queue WHERE next_at <= ? ORDER BY next_at, id LIMIT ?').all(now, limit + exceptIds.size) as QueueRow[];
    const out: QueueItem[] = [];
    for (const r of rows) {
      if (exceptIds.has(r.id) || out.length >= limit) continue;
      try {
        out.push(toItem(r));
      } catch (err) {
        this.remove(r.id);
        onBad(r.id, err);
      }
    }
    return out;
  }

  /** The earliest next_at among items not in `exceptIds`; undefined when none is waiting. */
  nextDueAt(exceptIds: ReadonlySet<number>): number | undefined {
    const rows = this.db.prepare('SELECT id, next_at FROM notify_queue ORDER BY next_at, id LIMIT ?').all(exceptIds.size + 1) as { id: number; next_at: number }[];
    return rows.find((r) => !exceptIds.has(r.id))?.next_at;
  }

  reschedule(id: number, nextAt: number, attempts: number, error: string): void {
    this.db.prepare('UPDATE notify_queue SET next_at = ?, attempts = ?, last_error = ? WHERE id = ?').run(nextAt, attempts, error, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM notify_queue WHERE id = ?').run(id);
  }

  /** Whether the item is still queued (it may have been superseded while in flight). */
  has(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM notify_queue WHERE id = ?').get(id) !== undefined;
  }

  queueLength(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM notify_queue').get() as { n: number }).n;
  }

  record(a: Omit<Attempt, 'id'>): void {
    this.db
      .prepare(
        'INSERT INTO notify_attempts (at, receiver, integration, group_key, status, outcome, attempt, http_status, error, duration_ms, alerts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(a.at, a.receiver, a.integration, a.groupKey, a.status, a.outcome, a.attempt, a.httpStatus ?? null, a.error ?? null, Math.round(a.durationMs), a.alerts);
  }

  attempts(f: AttemptFilter): Attempt[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, arg: string | number): void => {
      where.push(clause);
      args.push(arg);
    };
    if (f.receiver !== undefined) add('receiver = ?', f.receiver);
    if (f.status !== undefined) add('status = ?', f.status);
    if (f.since !== undefined) add('at >= ?', f.since);
    const sql = `SELECT * FROM notify_attempts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as AttemptRow[]).map(toAttempt);
  }

  /** Deletes attempts older than `before` (ms, exclusive); returns how many. */
  pruneAttempts(before: number): number {
    return this.db.prepare('DELETE FROM notify_attempts WHERE at < ?').run(before).changes;
  }
}

function toItem(r: QueueRow): QueueItem {
  const n = JSON.parse(r.notification) as unknown;
  if (typeof n !== 'object' || n === null || !Array.isArray((n as { alerts?: unknown }).alerts)) throw new SyntaxError('not a notification');
  return {
    id: r.id,
    receiver: r.receiver,
    integration: r.integration,
    groupKey: r.group_key,
    notification: n as Notification,
    createdAt: r.created_at,
    nextAt: r.next_at,
    attempts: r.attempts,
  };
}

function toAttempt(r: AttemptRow): Attempt {
  return {
    id: r.id,
    at: r.at,
    receiver: r.receiver,
    integration: r.integration,
    groupKey: r.group_key,
    status: r.status === 'ok' ? 'ok' : 'failed',
    outcome: r.outcome as AttemptOutcome,
    attempt: r.attempt,
    httpStatus: r.http_status ?? undefined,
    error: r.error ?? undefined,
    durationMs: r.duration_ms,
    alerts: r.alerts,
  };
}
