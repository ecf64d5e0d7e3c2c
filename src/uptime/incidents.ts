import { type StateDb, migrate, sqlWhere } from '../state/index.js';

/** What an incident is about: the target failed (`down`) or answered slower than its job's threshold (`slow`). */
export type IncidentStatus = 'down' | 'slow';

/** A period during which a target was down or slow. Times in ms since the epoch. */
export interface Incident {
  readonly id: number;
  readonly job: string;
  readonly instance: string;
  readonly module: string;
  readonly status: IncidentStatus;
  /** Why: the first failing probe's reason, or the slow probe's duration against the threshold. */
  readonly reason: string;
  /** Start time of the first probe that found the target down (or slow). */
  readonly startMs: number;
  /** Start time of the first probe that found it back up (or in another state); undefined while open. */
  readonly endMs: number | undefined;
}

/** Filters of `IncidentStore.list`; times in ms, inclusive. */
export interface IncidentQuery {
  readonly job?: string | undefined;
  readonly instance?: string | undefined;
  /** Incidents still open at or after this time (end ≥ since, or open). */
  readonly since?: number | undefined;
  /** Incidents started at or before this time. */
  readonly until?: number | undefined;
  /** At most this many, newest first. */
  readonly limit: number;
}

const OWNER = 'uptime.incidents';
const STEPS = [
  `CREATE TABLE uptime_incidents (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     job TEXT NOT NULL,
     instance TEXT NOT NULL,
     module TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('down', 'slow')),
     reason TEXT NOT NULL,
     started_ms INTEGER NOT NULL,
     ended_ms INTEGER
   );
   CREATE INDEX uptime_incidents_target ON uptime_incidents (job, instance, started_ms);
   CREATE INDEX uptime_incidents_started ON uptime_incidents (started_ms);
   CREATE INDEX uptime_incidents_open ON uptime_incidents (ended_ms) WHERE ended_ms IS NULL;`,
];

interface Row {
  id: number;
  job: string;
  instance: string;
  module: string;
  status: IncidentStatus;
  reason: string;
  started_ms: number;
  ended_ms: number | null;
}

const toIncident = (r: Row): Incident => ({
  id: r.id,
  job: r.job,
  instance: r.instance,
  module: r.module,
  status: r.status,
  reason: r.reason,
  startMs: r.started_ms,
  endMs: r.ended_ms ?? undefined,
});

/**
 * The incident history in the state database (table `uptime_incidents`, owner
 * `uptime.incidents`). Every write is its own committed statement, so an incident opened before
 * a crash or restart is still open after it. The caller owns `db` and closes it after this
 * store's last use.
 */
export class IncidentStore {
  constructor(private readonly db: StateDb) {
    migrate(db, OWNER, STEPS);
  }

  /** Every incident not yet closed. */
  openIncidents(): Incident[] {
    return (this.db.prepare('SELECT * FROM uptime_incidents WHERE ended_ms IS NULL ORDER BY started_ms').all() as Row[]).map(toIncident);
  }

  open(i: Omit<Incident, 'id' | 'endMs'>): Incident {
    const r = this.db
      .prepare('INSERT INTO uptime_incidents (job, instance, module, status, reason, started_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(i.job, i.instance, i.module, i.status, i.reason, i.startMs);
    return { ...i, id: Number(r.lastInsertRowid), endMs: undefined };
  }

  /** Closes incident `id` at `endMs` (never before its start); no-op if already closed. */
  close(id: number, endMs: number): void {
    this.db.prepare('UPDATE uptime_incidents SET ended_ms = MAX(started_ms, ?) WHERE id = ? AND ended_ms IS NULL').run(endMs, id);
  }

  list(q: IncidentQuery): Incident[] {
    const { sql: where, args } = sqlWhere([
      ['job = ?', q.job],
      ['instance = ?', q.instance],
      ['(ended_ms IS NULL OR ended_ms >= ?)', q.since],
      ['started_ms <= ?', q.until],
    ]);
    const sql = `SELECT * FROM uptime_incidents ${where} ORDER BY started_ms DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as Row[]).map(toIncident);
  }

  /** Deletes closed incidents that ended before `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    return this.db.prepare('DELETE FROM uptime_incidents WHERE ended_ms IS NOT NULL AND ended_ms < ?').run(beforeMs).changes;
  }
}
