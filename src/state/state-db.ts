import Database from 'better-sqlite3';
import { VigieError } from '../common/index.js';

/**
 * Vigie's small relational state (incidents, alert history, silences, the notification queue,
 * users, dashboards), one SQLite file per data directory (`<data-dir>/vigie.db`). Time series
 * never go here: they live in the TSDB.
 *
 * Each owner (a module such as `probe.incidents` or `notify.silences`) creates and evolves its
 * own tables with `migrate`; owners never touch each other's tables.
 */
export type StateDb = Database.Database;

export class StateDbError extends VigieError {
  override name = 'StateDbError';
}

/**
 * Opens (creating if needed) the state database. WAL journal with synchronous=NORMAL: a
 * committed transaction survives a process crash; after a power loss the last transactions
 * may be lost, never corrupted. Pass ':memory:' in tests. The caller closes it (`db.close()`).
 */
export function openStateDb(path: string): StateDb {
  let db: StateDb;
  try {
    db = new Database(path);
  } catch (err) {
    throw new StateDbError(`cannot open state database ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  return db;
}

/**
 * Brings `owner`'s tables to the newest version: runs the SQL of every step past the stored
 * version, each step in its own transaction, then records the version. Steps are append-only:
 * never edit a released step, add a new one.
 */
export function migrate(db: StateDb, owner: string, steps: readonly string[]): void {
  const row = db.prepare('SELECT version FROM schema_versions WHERE owner = ?').get(owner) as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > steps.length) {
    throw new StateDbError(`state database: ${owner} is at schema version ${current}, newer than this Vigie knows (${steps.length}); upgrade Vigie`);
  }
  const save = db.prepare('INSERT INTO schema_versions (owner, version) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET version = excluded.version');
  for (let v = current; v < steps.length; v++) {
    const sql = steps[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      save.run(owner, v + 1);
    })();
  }
}
