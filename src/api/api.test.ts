import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, silentLogger } from '../common/index.js';
import { labelsFromRecord } from '../model/index.js';
import { Engine } from '../promql/index.js';
import { createHttpServer, createMetricsRegistry, type HttpServer } from '../server/index.js';
import { MemoryQueryable } from '../storage/index.js';
import { formatValue, registerMetaRoutes, registerQueryRoutes, registerStatusRoutes, registerTargetsRoute, redactSecrets } from './index.js';

const T0 = 1_700_000_000_000; // ms
const STEP = 15_000;

/** Two jobs' request counters growing by 10 per 15 s, and a gauge. */
function fixture(): MemoryQueryable {
  const n = 241; // 1 h
  const ts = Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const series = [];
  for (const [job, inst, rate] of [['api', 'a:80', 1], ['api', 'b:80', 2], ['db', 'c:5432', 3]] as const) {
    series.push({ labels: labelsFromRecord({ __name__: 'http_requests_total', job, instance: inst }), t: ts, v: ts.map((_, i) => i * 15 * rate) });
  }
  series.push({ labels: labelsFromRecord({ __name__: 'node_filesystem_avail_bytes', mountpoint: '/' }), t: ts, v: ts.map(() => 5e9) });
  series.push({ labels: labelsFromRecord({ __name__: 'node_filesystem_size_bytes', mountpoint: '/' }), t: ts, v: ts.map(() => 1e11) });
  series.push({ labels: labelsFromRecord({ __name__: 'http_request_duration_seconds', job: 'api' }), t: ts, v: ts.map(() => 0.2) });
  return new MemoryQueryable(series);
}

describe('Prometheus HTTP API', () => {
  let server: HttpServer;
  const end = T0 + 240 * STEP;
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await server.app.inject({ method: 'GET', url: path });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  const post = async (path: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await server.app.inject({ method: 'POST', url: path, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };

  before(async () => {
    const deps = { queryable: fixture(), engine: new Engine(), clock: new ManualClock(end), timeoutMs: 10_000 };
    server = createHttpServer(
      { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: async () => {}, config: () => ({}) as never, version: 'test' },
      [
        (app) => {
          registerQueryRoutes(app, deps);
          registerMetaRoutes(app, deps);
          registerTargetsRoute(app, {
            active: () => [{ scrapePool: 'api', health: 'up' }, { scrapePool: 'db', health: 'down' }],
            dropped: () => [{ scrapePool: 'api' }],
            // keep_dropped_targets kept 1 of the 3 dropped; every pool is counted, as Prometheus.
            droppedCounts: () => ({ api: 3, db: 0 }),
          });
          registerStatusRoutes(app, {
            version: '1.2.3',
            startTime: new Date(T0),
            config: () => ({ remote_write: [{ url: 'http://x', basic_auth: { username: 'u', password: 'hunter2' } }] }),
            flags: { 'storage.tsdb.path': 'data' },
            tsdbStatus: () => Promise.resolve({ headStats: { numSeries: 5 } }),
            storageRetention: '15d',
          });
        },
      ],
    );
    await server.app.ready();
  });
  after(() => server.close());

  it('answers an instant query in Prometheus\' vector shape', async () => {
    const q = encodeURIComponent('sum by (job) (rate(http_requests_total[5m]))');
    const { status, body } = await get(`/api/v1/query?query=${q}&time=${end / 1000}`);
    assert.equal(status, 200);
    assert.equal(body['status'], 'success');
    const data = body['data'] as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    assert.equal(data.resultType, 'vector');
    const byJob: Record<string, [number, string]> = Object.fromEntries(data.result.map((r) => [r.metric['job'] ?? '', r.value]));
    assert.deepEqual(Object.keys(byJob).sort(), ['api', 'db']);
    assert.equal(byJob['api']![0], end / 1000);
    assert.ok(Math.abs(Number(byJob['api']![1]) - 3) < 1e-9, byJob['api']![1]); // 1/s + 2/s
    assert.ok(Math.abs(Number(byJob['db']![1]) - 3) < 1e-9, byJob['db']![1]);
  });

  it('answers a runbook query: disk almost full', async () => {
    const q = encodeURIComponent('node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1');
    const { body } = await get(`/api/v1/query?query=${q}&time=${new Date(end).toISOString()}`);
    const data = body['data'] as { result: { metric: Record<string, string>; value: [number, string] }[] };
    assert.deepEqual(data.result.map((r) => [r.metric, r.value[1]]), [[{ mountpoint: '/' }, '0.05']]);
  });

  it('answers a range query (POST form, as Grafana sends it) in the matrix shape', async () => {
    const { status, body } = await post('/api/v1/query_range', { query: 'rate(http_requests_total{job="api"}[1m])', start: String((end - 600_000) / 1000), end: String(end / 1000), step: '60' });
    assert.equal(status, 200);
    const data = body['data'] as { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
    assert.equal(data.resultType, 'matrix');
    assert.equal(data.result.length, 2);
    assert.equal(data.result[0]!.values.length, 11);
    assert.ok(data.result.every((s) => s.values.every(([, v]) => Math.abs(Number(v) - 1) < 1e-9 || Math.abs(Number(v) - 2) < 1e-9)));
  });

  it('answers form POSTs over a real socket (the request closes once its body is read)', async () => {
    const addr = await server.listen('127.0.0.1', 0);
    const r = await fetch(`http://127.0.0.1:${addr.port}/api/v1/query_range`, {
      method: 'POST',
      body: new URLSearchParams({ query: 'sum(rate(http_requests_total[1m]))', start: String((end - 300_000) / 1000), end: String(end / 1000), step: '60' }),
    });
    const body = (await r.json()) as { status: string; data: { result: unknown[] } };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.data.result.length, 1);
  });

  it('gives Prometheus\' error shapes and status codes', async () => {
    const bad = await get('/api/v1/query?query=' + encodeURIComponent('sum(rate(x[5m])'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body['errorType'], 'bad_data');
    assert.match(String(bad.body['error']), /parse error/);
    const typeErr = await get('/api/v1/query?query=' + encodeURIComponent('rate(http_requests_total)'));
    assert.equal(typeErr.status, 400);
    assert.match(String(typeErr.body['error']), /expected type range vector in call to function "rate", got instant vector/);
    // The runbook mistake of USERS.md: valid PromQL, so an empty answer, with Prometheus' explanation.
    const runbook = await get('/api/v1/query?query=' + encodeURIComponent('histogram_quantile(0.99, http_request_duration_seconds) > 1'));
    assert.equal(runbook.status, 200);
    assert.match(JSON.stringify([runbook.body['warnings'], runbook.body['infos']]), /_bucket|le/);
    assert.equal((await get('/api/v1/query')).status, 400);
    const wide = await get(`/api/v1/query_range?query=up&start=0&end=${end / 1000}&step=1`);
    assert.equal(wide.status, 400);
    assert.match(String(wide.body['error']), /11,000 points/);
    assert.equal((await get('/api/v1/query?query=up&time=yesterday')).status, 400);
  });

  it('serves series, label names and label values with match[]', async () => {
    const series = await get('/api/v1/series?match[]=' + encodeURIComponent('http_requests_total{job="api"}'));
    assert.deepEqual((series.body['data'] as unknown[]).length, 2);
    assert.equal((await get('/api/v1/series')).status, 400, 'match[] is required');
    const labels = await get('/api/v1/labels');
    assert.deepEqual(labels.body['data'], ['__name__', 'instance', 'job', 'mountpoint']);
    const names = await get('/api/v1/label/__name__/values');
    assert.deepEqual(names.body['data'], ['http_request_duration_seconds', 'http_requests_total', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes']);
    const jobs = await get('/api/v1/label/job/values?match[]=' + encodeURIComponent('{instance="c:5432"}'));
    assert.deepEqual(jobs.body['data'], ['db']);
  });

  it('holds Grafana\'s Prometheus data source contract (save & test, suggestions, metadata)', async () => {
    // "Save & test" (Grafana's pkg/promlib healthcheck.go): an instant query of 1+1 over the time
    // range 1 s..4 s, POSTed as a form by default (evaluated at the range's end), then
    // /api/v1/status/buildinfo, whose lack of "features" makes Grafana treat the source as Prometheus.
    const health = await post('/api/v1/query', { query: '1+1', time: '4' });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body['data'], { resultType: 'scalar', result: [4, '2'] });
    const build = (await get('/api/v1/status/buildinfo')).body['data'] as { version: string; features?: unknown };
    assert.equal(build.version, '1.2.3');
    assert.equal(build.features, undefined);
    // Metric and label suggestions, metadata for the query builder.
    assert.equal((await get(`/api/v1/label/__name__/values?start=${T0 / 1000}&end=${end / 1000}`)).status, 200);
    assert.equal((await post('/api/v1/labels', { start: String(T0 / 1000), end: String(end / 1000) })).status, 200);
    assert.deepEqual((await get('/api/v1/metadata')).body, { status: 'success', data: {} });
    assert.equal((await post('/api/v1/series', { 'match[]': 'http_requests_total', start: String(T0 / 1000), end: String(end / 1000) })).status, 200);
    assert.deepEqual((await get('/api/v1/query_exemplars?query=up')).body['data'], []);
  });

  it('lists scrape targets in Prometheus\' shape, filtered by state and pool', async () => {
    const all = (await get('/api/v1/targets')).body['data'] as { activeTargets: unknown[]; droppedTargets: unknown[]; droppedTargetCounts: Record<string, number> };
    assert.equal(all.activeTargets.length, 2);
    assert.deepEqual(all.droppedTargets, [{ scrapePool: 'api' }]);
    assert.deepEqual(all.droppedTargetCounts, { api: 3, db: 0 });
    const db = (await get('/api/v1/targets?state=active&scrapePool=db')).body['data'] as { activeTargets: { health: string }[]; droppedTargets: unknown[] };
    assert.deepEqual(db.activeTargets.map((t) => t.health), ['down']);
    assert.deepEqual(db.droppedTargets, []);
  });

  it('formats and parses queries', async () => {
    const f = await get('/api/v1/format_query?query=' + encodeURIComponent('sum(rate(x[5m]))by(job)'));
    assert.equal(f.body['data'], 'sum by (job) (rate(x[5m]))');
    const p = await get('/api/v1/parse_query?query=' + encodeURIComponent('up == 1'));
    assert.equal((p.body['data'] as { type: string }).type, 'binaryExpr');
  });

  it('redacts secrets in /api/v1/status/config', async () => {
    const c = await get('/api/v1/status/config');
    const yaml = String((c.body['data'] as { yaml: string }).yaml);
    assert.ok(!yaml.includes('hunter2'));
    assert.match(yaml, /password: <secret>/);
    assert.deepEqual(redactSecrets({ a: [{ bearer_token: 't' }] }), { a: [{ bearer_token: '<secret>' }] });
  });
});

describe('formatValue', () => {
  it('writes floats as Prometheus does: no exponent, special values spelled out', () => {
    assert.equal(formatValue(1e21), '1000000000000000000000');
    assert.equal(formatValue(1.5e-7), '0.00000015');
    assert.equal(formatValue(-2.5e22), '-25000000000000000000000');
    assert.equal(formatValue(0.1), '0.1');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(Infinity), '+Inf');
    assert.equal(formatValue(-Infinity), '-Inf');
  });
});
