import { type Clock, type Logger, VigieError } from '../common/index.js';
import { type Matcher, labelsFromRecord, matchesAll } from '../model/index.js';
import { type StateDb, migrate, sqlWhere } from '../state/index.js';
import type { AlertState, AlertTransition } from './contracts.js';

/** Schema steps of the alert history (owner `rules.history`); append-only. */
const STEPS: readonly string[] = [
  `CREATE TABLE rules_alert_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     t INTEGER NOT NULL,
     alertname TEXT NOT NULL,
     state TEXT NOT NULL,
     from_state TEXT NOT NULL,
     labels TEXT NOT NULL,
     annotations TEXT NOT NULL,
     value REAL
   );
   CREATE INDEX rules_alert_history_t ON rules_alert_history (t);
   CREATE INDEX rules_alert_history_name_t ON rules_alert_history (alertname, t);`,
];

/** One stored transition. `value` null when it was NaN (SQLite keeps no NaN). Times in ms. */
export interface HistoryEntry {
  readonly id: number;
  readonly t: number;
  readonly alertname: string;
  readonly state: AlertTransition['state'];
  readonly from: AlertState;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
}

/** Filters of `query`; bounds inclusive, ms. A list of matcher sets matches when any set matches the labels. */
export interface HistoryFilter {
  readonly alertname?: string | undefined;
  readonly state?: AlertTransition['state'] | undefined;
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly match?: readonly (readonly Matcher[])[] | undefined;
  /** Newest first, at most this many (default 1,000). */
  readonly limit?: number | undefined;
}

export class AlertHistoryError extends VigieError {
  override name = 'AlertHistoryError';
}

/**
 * The alert history: every transition of every alert instance (pending, firing, resolved),
 * in the state database, kept `retentionMs` (purged by `purge`, every hour once `start`ed).
 * The caller owns and closes the database.
 */
export class AlertHistory {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: StateDb,
    private readonly opts: { readonly retentionMs: number; readonly clock: Clock; readonly logger: Logger },
  ) {
    migrate(db, 'rules.history', STEPS);
  }

  /** Stores transitions in one transaction. Logs (never throws) on a database error: evaluation goes on. */
  record(transitions: readonly AlertTransition[]): void {
    if (transitions.length === 0) return;
    try {
      const ins = this.db.prepare('INSERT INTO rules_alert_history (t, alertname, state, from_state, labels, annotations, value) VALUES (?, ?, ?, ?, ?, ?, ?)');
      this.db.transaction(() => {
        for (const x of transitions) {
          ins.run(x.t, x.alertname, x.state, x.from, JSON.stringify(x.labels), JSON.stringify(x.annotations), Number.isNaN(x.value) ? null : x.value);
        }
      })();
    } catch (e) {
      this.opts.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'cannot store alert history');
    }
  }

  /** Transitions matching `f`, newest first. */
  query(f: HistoryFilter = {}): HistoryEntry[] {
    const { sql: where, args } = sqlWhere([
      ['alertname = ?', f.alertname],
      ['state = ?', f.state],
      ['t >= ?', f.since],
      ['t <= ?', f.until],
    ]);
    const limit = Math.max(1, Math.min(f.limit ?? 1000, 100_000));
    const sql = `SELECT id, t, alertname, state, from_state, labels, annotations, value FROM rules_alert_history ${where} ORDER BY t DESC, id DESC`;
    const out: HistoryEntry[] = [];
    const rows = this.db.prepare(sql).iterate(...args) as IterableIterator<{ id: number; t: number; alertname: string; state: string; from_state: string; labels: string; annotations: string; value: number | null }>;
    for (const r of rows) {
      const labels = JSON.parse(r.labels) as Record<string, string>;
      if (f.match !== undefined && f.match.length > 0) {
        const ls = labelsFromRecord(labels);
        if (!f.match.some((ms) => matchesAll(ms, ls))) continue;
      }
      out.push({ id: r.id, t: r.t, alertname: r.alertname, state: r.state as HistoryEntry['state'], from: r.from_state as AlertState, labels, annotations: JSON.parse(r.annotations) as Record<string, string>, value: r.value });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Deletes transitions older than the retention; returns how many. */
  purge(): number {
    return this.db.prepare('DELETE FROM rules_alert_history WHERE t < ?').run(this.opts.clock.now() - this.opts.retentionMs).changes;
  }

  /** Purges now and then every hour, until `stop`. */
  start(): void {
    const run = (): void => {
      try {
        const n = this.purge();
        if (n > 0) this.opts.logger.info({ deleted: n }, 'alert history purged');
      } catch (e) {
        this.opts.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'cannot purge alert history');
      }
    };
    run();
    this.timer = setInterval(run, 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
