import { randomBytes } from 'node:crypto';
import type { Clock } from '../common/index.js';
import { type StateDb, migrate } from '../state/index.js';
import { DashboardNotFoundError, DashboardTitleConflictError, DashboardVersionMismatchError } from './errors.js';
import { type Dashboard, checkUid, parseDashboard } from './schema.js';

/** A dashboard's summary. `updatedAt` in ms since the epoch. */
export interface DashboardMeta {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  /** 1 when created, +1 on each save. */
  readonly version: number;
  readonly updatedAt: number;
  /** Who saved it last (a user name, `token:<name>`...). */
  readonly updatedBy: string;
}

/** A stored dashboard: its summary and the Grafana JSON, whose uid/title/version match the summary. */
export interface StoredDashboard extends DashboardMeta {
  readonly dashboard: Dashboard;
}

export interface SaveRequest {
  /** The Grafana JSON; `uid` absent → a new dashboard with a generated uid. */
  readonly dashboard: unknown;
  /** Replace regardless of version, and replace a dashboard holding the same title. */
  readonly overwrite?: boolean | undefined;
  /** What changed (kept with the dashboard). */
  readonly message?: string | undefined;
  /** Who saves. */
  readonly by: string;
}

export interface SaveResult {
  readonly meta: DashboardMeta;
  readonly created: boolean;
  /** uid of a dashboard with the same title that `overwrite` replaced (deleted). */
  readonly replacedUid?: string;
}

export interface ListQuery {
  /** Case-insensitive substring of the title. */
  readonly query?: string | undefined;
  /** Dashboards having every one of these tags. */
  readonly tags?: readonly string[] | undefined;
}

const OWNER = 'dashboards';
const STEPS = [
  `CREATE TABLE dashboards (
     uid TEXT PRIMARY KEY,
     title TEXT NOT NULL COLLATE NOCASE UNIQUE,
     tags TEXT NOT NULL,
     version INTEGER NOT NULL,
     json TEXT NOT NULL,
     message TEXT NOT NULL DEFAULT '',
     created_ms INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL,
     updated_by TEXT NOT NULL
   );`,
];

interface Row {
  uid: string;
  title: string;
  tags: string;
  version: number;
  json: string;
  updated_ms: number;
  updated_by: string;
}

const META_COLUMNS = 'uid, title, tags, version, updated_ms, updated_by';
const toMeta = (r: Omit<Row, 'json'>): DashboardMeta => ({ uid: r.uid, title: r.title, tags: JSON.parse(r.tags) as string[], version: r.version, updatedAt: r.updated_ms, updatedBy: r.updated_by });

/** A new uid: 12 url-safe characters (72 random bits). */
export function newUid(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Dashboards in the state database (table `dashboards`, owner `dashboards`), in Grafana's JSON
 * model. Titles are unique (case-insensitive). Every save is one transaction. The caller owns
 * `db` and closes it after this store's last use.
 */
export class DashboardStore {
  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
  ) {
    migrate(db, OWNER, STEPS);
  }

  /** Summaries sorted by title (case-insensitive), filtered by `q`. */
  list(q: ListQuery = {}): DashboardMeta[] {
    const where: string[] = [];
    const args: string[] = [];
    if (q.query !== undefined && q.query !== '') {
      where.push('instr(lower(title), lower(?)) > 0');
      args.push(q.query);
    }
    for (const tag of q.tags ?? []) {
      where.push('EXISTS (SELECT 1 FROM json_each(dashboards.tags) WHERE json_each.value = ?)');
      args.push(tag);
    }
    const sql = `SELECT ${META_COLUMNS} FROM dashboards ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY title COLLATE NOCASE, uid`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toMeta);
  }

  get(uid: string): StoredDashboard | undefined {
    const r = this.db.prepare('SELECT * FROM dashboards WHERE uid = ?').get(uid) as Row | undefined;
    if (r === undefined) return undefined;
    return { ...toMeta(r), dashboard: JSON.parse(r.json) as Dashboard };
  }

  /**
   * Creates or updates. Throws DashboardInvalidError (bad JSON model), DashboardVersionMismatchError
   * (`dashboard.version` given, differing from the stored one, no overwrite) and
   * DashboardTitleConflictError (another dashboard has the title, no overwrite; with overwrite
   * that other dashboard is replaced, as in Grafana).
   */
  save(req: SaveRequest): SaveResult {
    const input = parseDashboard(req.dashboard, ['dashboard']);
    const givenUid = typeof input['uid'] === 'string' && input['uid'] !== '' ? checkUid(input['uid'], 'dashboard.uid') : undefined;
    const givenVersion = typeof input['version'] === 'number' ? input['version'] : undefined;
    const overwrite = req.overwrite === true;
    return this.db.transaction((): SaveResult => {
      const existing = givenUid === undefined ? undefined : (this.db.prepare('SELECT uid, version, created_ms FROM dashboards WHERE uid = ?').get(givenUid) as { uid: string; version: number; created_ms: number } | undefined);
      if (existing !== undefined && givenVersion !== undefined && givenVersion !== existing.version && !overwrite) {
        throw new DashboardVersionMismatchError(existing.uid, givenVersion, existing.version);
      }
      const uid = givenUid ?? this.freshUid();
      const clash = this.db.prepare('SELECT uid FROM dashboards WHERE title = ? AND uid <> ?').get(input.title, uid) as { uid: string } | undefined;
      if (clash !== undefined && !overwrite) throw new DashboardTitleConflictError(input.title, clash.uid);
      if (clash !== undefined) this.db.prepare('DELETE FROM dashboards WHERE uid = ?').run(clash.uid);
      const version = (existing?.version ?? 0) + 1;
      const now = this.clock.now();
      const tags = Array.isArray(input['tags']) ? (input['tags'] as string[]) : [];
      const { id: _id, ...rest } = input;
      const dashboard: Dashboard = { ...rest, uid, title: input.title, version };
      this.db
        .prepare(
          `INSERT INTO dashboards (uid, title, tags, version, json, message, created_ms, updated_ms, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(uid) DO UPDATE SET title = excluded.title, tags = excluded.tags, version = excluded.version, json = excluded.json,
             message = excluded.message, updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
        )
        .run(uid, input.title, JSON.stringify(tags), version, JSON.stringify(dashboard), req.message ?? '', existing?.created_ms ?? now, now, req.by);
      const meta: DashboardMeta = { uid, title: input.title, tags, version, updatedAt: now, updatedBy: req.by };
      return { meta, created: existing === undefined, ...(clash !== undefined ? { replacedUid: clash.uid } : {}) };
    })();
  }

  /** Deletes `uid`; throws DashboardNotFoundError when there is none. Returns what was deleted. */
  delete(uid: string): DashboardMeta {
    const r = this.db.prepare(`SELECT ${META_COLUMNS} FROM dashboards WHERE uid = ?`).get(uid) as Row | undefined;
    if (r === undefined) throw new DashboardNotFoundError(uid);
    this.db.prepare('DELETE FROM dashboards WHERE uid = ?').run(uid);
    return toMeta(r);
  }

  private freshUid(): string {
    for (;;) {
      const uid = newUid();
      if (this.db.prepare('SELECT 1 FROM dashboards WHERE uid = ?').get(uid) === undefined) return uid;
    }
  }
}

/** Opens (migrating) the dashboard store on the state database; the caller keeps owning and closing `db`. */
export function openDashboardStore(db: StateDb, clock: Clock): DashboardStore {
  return new DashboardStore(db, clock);
}
