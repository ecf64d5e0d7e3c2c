import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Auth } from '../auth/index.js';
import { ManualClock, silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { type HttpServer, createHttpServer, createMetricsRegistry } from '../server/index.js';
import { type StateDb, openStateDb } from '../state/index.js';
import { DASHBOARD_BODY_LIMIT, dashboardRoutes } from './routes.js';
import { openDashboardStore } from './store.js';

type Obj = Record<string, unknown>;
const T0 = Date.UTC(2024, 0, 15);
const ADMIN = 'admin-token-for-dashboard-tests-0123456789';
const FIXTURE = new URL('../../../test-fixtures/grafana/node-exporter-full.json', import.meta.url);

describe('dashboards over HTTP, behind auth', () => {
  let db: StateDb;
  let server: HttpServer;
  let auth: Auth;
  const tokens: Record<'viewer' | 'editor', string> = { viewer: '', editor: '' };
  before(async () => {
    db = openStateDb(':memory:');
    const clock = new ManualClock(T0);
    const config = parseConfig('', 'test.yml').config;
    auth = await Auth.open({ db, config: () => config.auth, clock, logger: silentLogger(), envToken: ADMIN, scrypt: { N: 2 ** 10, r: 8, p: 1 }, announce: () => undefined });
    const store = openDashboardStore(db, clock);
    server = createHttpServer(
      { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: () => Promise.resolve(), config: () => config, version: 'test' },
      [dashboardRoutes({ store, actorOf: (r) => auth.principalOf(r)?.name ?? 'anonymous', audit: auth.audit })],
    );
    auth.install(server.app);
    tokens.viewer = auth.tokens.create({ name: 'v', role: 'viewer', createdBy: 'test' }).token;
    tokens.editor = auth.tokens.create({ name: 'e', role: 'editor', createdBy: 'test' }).token;
  });
  after(async () => {
    await server.close();
    db.close();
  });

  const call = (method: string, url: string, body?: unknown, token = tokens.editor, contentType = 'application/json'): Promise<LightMyRequestResponse> =>
    server.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const ok = <T>(r: LightMyRequestResponse): T => {
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json<{ status: string; data: T }>();
    assert.equal(b.status, 'success');
    return b.data;
  };
  const err = (r: LightMyRequestResponse, status: number, errorType: string, re?: RegExp): void => {
    assert.equal(r.statusCode, status, r.body);
    const b = r.json<{ status: string; errorType: string; error: string }>();
    assert.deepEqual([b.status, b.errorType], ['error', errorType], r.body);
    if (re !== undefined) assert.match(b.error, re);
  };

  it('creates, lists, reads, updates with version checks, and deletes', async () => {
    const created = ok<{ uid: string; version: number; url: string }>(await call('POST', '/api/v1/dashboards', { dashboard: { title: 'Web', tags: ['prod'], panels: [{ id: 1, type: 'stat', gridPos: { x: 0, y: 0, w: 6, h: 4 } }] }, message: 'first' }));
    assert.equal(created.version, 1);
    assert.equal(created.url, `/dashboards/${created.uid}`);
    ok(await call('POST', '/api/v1/dashboards', { dashboard: { uid: 'db-2', title: 'Another' } }));
    const list = ok<Obj[]>(await call('GET', '/api/v1/dashboards', undefined, tokens.viewer));
    assert.deepEqual(list.map((d) => d['title']), ['Another', 'Web']);
    assert.deepEqual(list[1], { uid: created.uid, title: 'Web', tags: ['prod'], version: 1, updatedAt: new Date(T0).toISOString(), updatedBy: 'token:e' });
    assert.deepEqual(ok<Obj[]>(await call('GET', '/api/v1/dashboards?query=we', undefined, tokens.viewer)).map((d) => d['uid']), [created.uid]);
    assert.deepEqual(ok<Obj[]>(await call('GET', '/api/v1/dashboards?tag=prod', undefined, tokens.viewer)).map((d) => d['uid']), [created.uid]);

    const got = ok<Obj & { dashboard: Obj }>(await call('GET', `/api/v1/dashboards/${created.uid}`, undefined, tokens.viewer));
    assert.deepEqual([got['uid'], got['version'], got.dashboard['uid'], got.dashboard['title'], got.dashboard['version']], [created.uid, 1, created.uid, 'Web', 1]);

    const v2 = ok<{ version: number }>(await call('POST', '/api/v1/dashboards', { dashboard: { ...got.dashboard, title: 'Web 2' } }));
    assert.equal(v2.version, 2);
    err(await call('POST', '/api/v1/dashboards', { dashboard: { ...got.dashboard, title: 'Web 3' } }), 412, 'version_mismatch', /version is 2/);
    assert.equal(ok<{ version: number }>(await call('POST', '/api/v1/dashboards', { dashboard: { ...got.dashboard, title: 'Web 3' }, overwrite: true })).version, 3);
    err(await call('POST', '/api/v1/dashboards', { dashboard: { title: 'another' } }), 409, 'conflict', /already exists \(uid db-2\)/);

    assert.deepEqual(ok(await call('DELETE', '/api/v1/dashboards/db-2')), { uid: 'db-2' });
    err(await call('DELETE', '/api/v1/dashboards/db-2'), 404, 'not_found');
    err(await call('GET', '/api/v1/dashboards/db-2'), 404, 'not_found');
    err(await call('GET', '/api/v1/dashboards/db-2/export'), 404, 'not_found');

    const actions = auth.auditLog.list(50).filter((e) => e.action.startsWith('dashboard.')).map((e) => `${e.actor} ${e.action} ${e.target}`);
    assert.deepEqual(actions.reverse(), [`token:e dashboard.create ${created.uid}`, 'token:e dashboard.create db-2', `token:e dashboard.update ${created.uid}`, `token:e dashboard.update ${created.uid}`, 'token:e dashboard.delete db-2']);
  });

  it('imports Node Exporter Full, exports it for Grafana and imports the export back', async () => {
    const file = readFileSync(FIXTURE, 'utf8');
    const imported = ok<{ uid: string; title: string; version: number; url: string; warnings: string[] }>(await call('POST', '/api/v1/dashboards/import', file));
    assert.deepEqual(imported, { uid: 'rYdddlPWk', title: 'Node Exporter Full', version: 1, url: '/dashboards/rYdddlPWk', warnings: [] });
    const again = await call('POST', '/api/v1/dashboards/import', file);
    err(again, 412, 'version_mismatch', /version is 1, the one sent is 102/);

    const exp = await call('GET', '/api/v1/dashboards/rYdddlPWk/export', undefined, tokens.viewer);
    assert.equal(exp.statusCode, 200);
    assert.equal(exp.headers['content-disposition'], 'attachment; filename="node-exporter-full.json"');
    const exported = exp.json<Obj>();
    assert.equal(exported['status'], undefined, 'no envelope');
    assert.equal(exported['id'], null);
    assert.equal((exported['__inputs'] as Obj[])[0]?.['name'], 'DS_PROMETHEUS');
    assert.equal(exported['version'], 1);

    const back = ok<{ version: number; warnings: string[] }>(await call('POST', '/api/v1/dashboards/import', { dashboard: exported, overwrite: false, inputs: [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus', value: 'x' }] }));
    assert.deepEqual(back, { uid: 'rYdddlPWk', title: 'Node Exporter Full', version: 2, url: '/dashboards/rYdddlPWk', warnings: [] });
    const stored = ok<{ dashboard: Obj }>(await call('GET', '/api/v1/dashboards/rYdddlPWk')).dashboard;
    const original = JSON.parse(file) as Obj;
    assert.equal(JSON.stringify(stored['panels']), JSON.stringify(original['panels']), 'same panels after export and re-import');
    assert.equal(ok<{ version: number }>(await call('POST', '/api/v1/dashboards/import', { dashboard: original, overwrite: true })).version, 3);
  });

  it('answers hostile bodies with clear 400s (or 413), never a crash', async () => {
    const cases: [string, string | Obj | unknown[], number, RegExp][] = [
      ['/api/v1/dashboards', 'not json', 400, /JSON/i],
      ['/api/v1/dashboards', [1, 2], 400, /expected a JSON object body/],
      ['/api/v1/dashboards', { dashboard: [] }, 400, /^dashboard: expected a JSON object/],
      ['/api/v1/dashboards', {}, 400, /^dashboard: required/],
      ['/api/v1/dashboards', { dashboard: { title: 'x' }, overwrite: 'yes' }, 400, /^overwrite: expected a boolean/],
      ['/api/v1/dashboards', { dashboard: { title: 'x', panels: [{}, {}, {}, { gridPos: { x: 0, y: 0, w: 'a', h: 1 } }] } }, 400, /^dashboard\.panels\[3\]\.gridPos\.w: expected a number$/],
      ['/api/v1/dashboards', `{"dashboard":{"title":"x","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`, 400, /nested deeper than 64 levels/],
      ['/api/v1/dashboards', '{"dashboard":{"title":"x","__proto__":{"admin":true}}}', 400, /^dashboard\.__proto__: this key is not allowed$/],
      ['/api/v1/dashboards/import', '{"title":"x","panels":[{"constructor":{"prototype":{"admin":true}}}]}', 200, /./],
      ['/api/v1/dashboards/import', [], 400, /expected a JSON object .*an array/],
      ['/api/v1/dashboards/import', '"just a string"', 400, /expected a JSON object/],
      ['/api/v1/dashboards/import', { title: 7 }, 400, /^dashboard\.title: expected a string/],
      ['/api/v1/dashboards/import', `{"title":"x","panels":[${'{"type":"row","panels":['.repeat(5_000)}${']}'.repeat(5_000)}]}`, 400, /nested deeper than 64 levels/],
      ['/api/v1/dashboards/import', { title: 'x', uid: '../../etc' }, 400, /is not a valid uid/],
    ];
    for (const [url, body, status, re] of cases) {
      const r = await call('POST', url, body);
      if (status === 200) ok(r);
      else err(r, status, 'bad_data', re);
    }
    const huge = JSON.stringify({ dashboard: { title: 'big', description: 'x'.repeat(DASHBOARD_BODY_LIMIT) } });
    const tooBig = await call('POST', '/api/v1/dashboards', huge);
    assert.equal(tooBig.statusCode, 413, tooBig.body);
    assert.equal(tooBig.json<{ status: string }>().status, 'error');
    const nearly = JSON.stringify({ dashboard: { title: 'big', description: 'x'.repeat(4 * 1024 * 1024) } });
    assert.equal(ok<{ version: number }>(await call('POST', '/api/v1/dashboards', nearly)).version, 1, '4 MiB is accepted');
    const wrongType = await call('POST', '/api/v1/dashboards', 'title=x', tokens.editor, 'text/plain');
    assert.ok(wrongType.statusCode >= 400 && wrongType.statusCode < 500, wrongType.body);
    assert.equal(({} as Obj)['admin'], undefined);
  });

  it('lets viewers read and refuses them changes (403); editors may change', async () => {
    const uid = ok<{ uid: string }>(await call('POST', '/api/v1/dashboards', { dashboard: { uid: 'policy', title: 'Policy' } })).uid;
    ok(await call('GET', '/api/v1/dashboards/policy', undefined, tokens.viewer));
    assert.equal((await call('GET', '/api/v1/dashboards/policy/export', undefined, tokens.viewer)).statusCode, 200);
    err(await call('POST', '/api/v1/dashboards', { dashboard: { title: 'Viewer made' } }, tokens.viewer), 403, 'forbidden');
    err(await call('POST', '/api/v1/dashboards/import', { title: 'Viewer import' }, tokens.viewer), 403, 'forbidden');
    err(await call('DELETE', `/api/v1/dashboards/${uid}`, undefined, tokens.viewer), 403, 'forbidden');
    const anonymous = await server.app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${uid}` });
    assert.equal(anonymous.statusCode, 401);
    ok(await call('GET', '/api/v1/dashboards/policy'));
    ok(await call('POST', '/api/v1/dashboards/import', { title: 'Editor import' }));
    ok(await call('DELETE', `/api/v1/dashboards/${uid}`));
    ok(await call('POST', '/api/v1/dashboards', { dashboard: { title: 'Admin made' } }, ADMIN));
  });
});
