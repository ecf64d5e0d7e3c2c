import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../server/index.js';
import { DashboardError, DashboardInvalidError, DashboardNotFoundError } from './errors.js';
import { exportDashboard, normalizeImport, slugOf, unwrapImport } from './grafana.js';
import type { DashboardMeta, DashboardStore } from './store.js';

/** Records an audit entry (src/auth's `Auth.audit` has this shape). Never pass secrets in `detail`. */
export type DashboardAuditFn = (actor: string, action: string, target: string, detail?: Readonly<Record<string, unknown>>, remoteAddress?: string) => void;

export interface DashboardRouteDeps {
  readonly store: DashboardStore;
  /** Who sent the request (src/auth: `auth.principalOf(req)?.name`); default 'anonymous'. */
  readonly actorOf?: (request: FastifyRequest) => string;
  /** Audit of create/update/delete/import (actions `dashboard.create|update|delete|import`). */
  readonly audit?: DashboardAuditFn;
}

/** Largest request body accepted by the dashboard routes (413 above). */
export const DASHBOARD_BODY_LIMIT = 5 * 1024 * 1024;

type UidReq = FastifyRequest<{ Params: { uid: string } }>;

const iso = (ms: number): string => new Date(ms).toISOString();
const metaJson = (m: DashboardMeta): Record<string, unknown> => ({ uid: m.uid, title: m.title, tags: m.tags, version: m.version, updatedAt: iso(m.updatedAt), updatedBy: m.updatedBy });
const urlOf = (uid: string): string => `/dashboards/${uid}`;

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new DashboardInvalidError(`expected a JSON object body (Content-Type: application/json), got ${Array.isArray(b) ? 'an array' : b === null ? 'null' : typeof b}`);
  }
  return b as Record<string, unknown>;
}

/** Runs `fn`; DashboardErrors become `{status:"error", errorType, error}` with their status. */
async function guarded(reply: FastifyReply, fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DashboardError) return reply.code(err.status).send({ status: 'error', errorType: err.errorType, error: err.message });
    throw err;
  }
}

function stringParams(request: FastifyRequest, name: string): string[] {
  const q = new URL(request.url, 'http://localhost').searchParams;
  return q.getAll(name);
}

/**
 * Dashboards in Grafana's JSON model, in Prometheus' `{status, data}` envelope:
 * `GET /api/v1/dashboards?query=&tag=` (summaries by title), `GET /api/v1/dashboards/:uid`,
 * `POST /api/v1/dashboards` `{dashboard, overwrite?, message?}` (create or update: 412
 * version_mismatch, 409 title clash), `DELETE /api/v1/dashboards/:uid`,
 * `POST /api/v1/dashboards/import` (a Grafana file, or `{dashboard, overwrite?, inputs?}`),
 * `GET /api/v1/dashboards/:uid/export` (the Grafana file alone, as an attachment).
 * Bodies up to DASHBOARD_BODY_LIMIT. Who may call what is src/auth's policy (changes: editor).
 */
export function dashboardRoutes(deps: DashboardRouteDeps): RoutePlugin {
  const actorOf = deps.actorOf ?? (() => 'anonymous');
  const audit: DashboardAuditFn = deps.audit ?? (() => undefined);
  return (root: FastifyInstance) => {
    void root.register((app, _opts, done) => {
      // Own JSON parser in this scope: keys such as __proto__ reach the schema check, which names
      // their path, instead of fastify's generic "not valid JSON".
      app.removeContentTypeParser('application/json');
      app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: DASHBOARD_BODY_LIMIT }, parseJsonBody);
      register(app);
      done();
    });
  };

  function register(app: FastifyInstance): void {
    app.get('/api/v1/dashboards', async (request) => {
      const [query] = stringParams(request, 'query');
      const data = deps.store.list({ query, tags: stringParams(request, 'tag').filter((t) => t !== '') }).map(metaJson);
      return Promise.resolve({ status: 'success', data });
    });

    app.get('/api/v1/dashboards/:uid', async (request: UidReq, reply) =>
      guarded(reply, () => {
        const d = deps.store.get(request.params.uid);
        if (d === undefined) throw new DashboardNotFoundError(request.params.uid);
        return { status: 'success', data: { ...metaJson(d), dashboard: d.dashboard } };
      }),
    );

    app.get('/api/v1/dashboards/:uid/export', async (request: UidReq, reply) =>
      guarded(reply, () => {
        const d = deps.store.get(request.params.uid);
        if (d === undefined) throw new DashboardNotFoundError(request.params.uid);
        reply.header('Content-Disposition', `attachment; filename="${slugOf(d.title, d.uid)}.json"`);
        reply.type('application/json; charset=utf-8');
        return exportDashboard(d.dashboard);
      }),
    );

    app.post('/api/v1/dashboards', { bodyLimit: DASHBOARD_BODY_LIMIT }, async (request, reply) =>
      guarded(reply, () => {
        const b = objectBody(request);
        const overwrite = b['overwrite'];
        if (overwrite !== undefined && typeof overwrite !== 'boolean') throw new DashboardInvalidError('overwrite: expected a boolean');
        const message = b['message'];
        if (message !== undefined && typeof message !== 'string') throw new DashboardInvalidError('message: expected a string');
        if (b['dashboard'] === undefined) throw new DashboardInvalidError('dashboard: required (the Grafana dashboard JSON)');
        const actor = actorOf(request);
        const r = deps.store.save({ dashboard: b['dashboard'], overwrite, message: message?.slice(0, 1000), by: actor });
        audit(actor, r.created ? 'dashboard.create' : 'dashboard.update', r.meta.uid, { title: r.meta.title, version: r.meta.version, ...(r.replacedUid !== undefined ? { replaced: r.replacedUid } : {}), ...(message !== undefined ? { message: message.slice(0, 200) } : {}) }, request.ip);
        return { status: 'success', data: { uid: r.meta.uid, version: r.meta.version, url: urlOf(r.meta.uid) } };
      }),
    );

    app.post('/api/v1/dashboards/import', { bodyLimit: DASHBOARD_BODY_LIMIT }, async (request, reply) =>
      guarded(reply, () => {
        const req = unwrapImport(request.body);
        const { dashboard, warnings } = normalizeImport(req.dashboard);
        const actor = actorOf(request);
        const r = deps.store.save({ dashboard, overwrite: req.overwrite, message: 'imported', by: actor });
        audit(actor, 'dashboard.import', r.meta.uid, { title: r.meta.title, version: r.meta.version, created: r.created, warnings: warnings.length, ...(r.replacedUid !== undefined ? { replaced: r.replacedUid } : {}) }, request.ip);
        return { status: 'success', data: { uid: r.meta.uid, title: r.meta.title, version: r.meta.version, url: urlOf(r.meta.uid), warnings } };
      }),
    );

    app.delete('/api/v1/dashboards/:uid', async (request: UidReq, reply) =>
      guarded(reply, () => {
        const m = deps.store.delete(request.params.uid);
        audit(actorOf(request), 'dashboard.delete', m.uid, { title: m.title, version: m.version }, request.ip);
        return { status: 'success', data: { uid: m.uid } };
      }),
    );
  }
}

/** JSON.parse (which keeps `__proto__` as a plain own key); a syntax error answers 400 naming it. */
function parseJsonBody(_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(Object.assign(new DashboardInvalidError('empty body: expected JSON'), { statusCode: 400 }));
    return;
  }
  try {
    done(null, JSON.parse(text) as unknown);
  } catch (err) {
    done(Object.assign(new DashboardInvalidError(`body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err }), { statusCode: 400 }));
  }
}
