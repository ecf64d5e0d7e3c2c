import { type StateDb, migrate } from '../../state/index.js';

/** What was last sent for one aggregation group to one receiver (Alertmanager's notification log). */
export interface LogEntry {
  /** Fingerprints of the firing alerts sent. */
  readonly firing: ReadonlySet<string>;
  /** Fingerprints of the resolved alerts sent. */
  readonly resolved: ReadonlySet<string>;
  /** ms of the notification. */
  readonly at: number;
}

const MIGRATIONS = [
  `CREATE TABLE notify_nflog (
     key TEXT PRIMARY KEY,      -- groupKey + "|" + receiver
     firing TEXT NOT NULL,      -- JSON array of fingerprints
     resolved TEXT NOT NULL,    -- JSON array of fingerprints
     at INTEGER NOT NULL        -- ms since epoch
   )`,
];

/**
 * The notification log, kept in memory and (when a state database is given) in SQLite
 * (table notify_nflog, owner `notify.nflog`), so a restart does not resend what was already
 * sent, as Alertmanager's nflog snapshot. The database is the caller's to close.
 */
export class NotificationLog {
  private readonly entries = new Map<string, LogEntry>();

  constructor(private readonly db?: StateDb | undefined) {
    if (db === undefined) return;
    migrate(db, 'notify.nflog', MIGRATIONS);
    for (const r of db.prepare('SELECT key, firing, resolved, at FROM notify_nflog').all() as { key: string; firing: string; resolved: string; at: number }[]) {
      this.entries.set(r.key, { firing: new Set(JSON.parse(r.firing) as string[]), resolved: new Set(JSON.parse(r.resolved) as string[]), at: r.at });
    }
  }

  get(key: string): LogEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, e: LogEntry): void {
    this.entries.set(key, e);
    this.db
      ?.prepare('INSERT INTO notify_nflog (key, firing, resolved, at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved, at = excluded.at')
      .run(key, JSON.stringify([...e.firing]), JSON.stringify([...e.resolved]), e.at);
  }

  /** Drops entries older than `before` (ms). */
  purge(before: number): void {
    for (const [k, e] of this.entries) if (e.at < before) this.entries.delete(k);
    this.db?.prepare('DELETE FROM notify_nflog WHERE at < ?').run(before);
  }
}
