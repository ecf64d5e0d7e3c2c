import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { Engine } from '../promql/index.js';
import { type HttpServer, createHttpServer, createMetricsRegistry } from '../server/index.js';
import { openStateDb } from '../state/index.js';
import { MemStorage } from '../storage/index.js';
import { AlertHistory, type RuleFile, RuleManager, formatGoExp, memAppendable, ruleRoutes } from './index.js';

const T0 = Date.UTC(2024, 0, 15);
const DAY = 86_400_000;

const FILE: RuleFile = {
  path: '/etc/vigie/api.rules.yml',
  groups: [
    {
      name: 'api',
      intervalMs: 30_000,
      limit: 0,
      labels: {},
      rules: [
        { kind: 'recording', record: 'job:up:sum', expr: 'sum by (job) (up)', labels: {} },
        { kind: 'alerting', alert: 'ApiDown', expr: 'up{job="api"} == 0', forMs: 60_000, keepFiringForMs: 0, labels: { severity: 'page' }, annotations: { summary: 'API down' } },
      ],
    },
    { name: 'db', limit: 5, labels: {}, rules: [{ kind: 'alerting', alert: 'DbDown', expr: 'up{job="db"} == 0', forMs: 30_000, keepFiringForMs: 0, labels: { severity: 'ticket' }, annotations: {} }] },
  ],
};

describe('rule routes and alert history', () => {
  const mem = new MemStorage();
  const clock = new ManualClock(T0);
  const db = openStateDb(':memory:');
  const history = new AlertHistory(db, { retentionMs: 90 * DAY, clock, logger: silentLogger() });
  const manager = new RuleManager({
    engine: new Engine(),
    queryable: mem,
    appendable: memAppendable(mem),
    sendAlerts: () => {},
    evaluationIntervalMs: 60_000,
    restoreForState: false,
    onTransitions: (t) => history.record(t),
    clock,
    logger: silentLogger(),
  });
  let server: HttpServer;
  before(async () => {
    for (let t = T0 - 60_000; t <= T0 + 600_000; t += 15_000) {
      mem.append(labelsFromRecord({ __name__: 'up', job: 'api', instance: 'a' }), t, t < T0 + 60_000 ? 1 : 0);
      mem.append(labelsFromRecord({ __name__: 'up', job: 'db', instance: 'd' }), t, 1);
    }
    await manager.update([FILE]);
    for (let t = T0; t <= T0 + 180_000; t += 30_000) for (const g of manager.groups()) await g.evaluate(t);
    server = createHttpServer(
      { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: () => Promise.resolve(), config: () => parseConfig('', 'test').config, version: 'test' },
      [ruleRoutes({ groups: () => manager.groups(), history })],
    );
  });
  after(async () => {
    await server.close();
    db.close();
  });
  const get = async (url: string): Promise<{ status: number; body: { status: string; data: unknown; error?: string; errorType?: string } }> => {
    const r = await server.app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json() };
  };

  it('GET /api/v1/rules answers Prometheus\' shape', async () => {
    const r = await get('/api/v1/rules');
    assert.equal(r.status, 200);
    const data = r.body.data as { groups: Record<string, unknown>[] };
    assert.equal(data.groups.length, 2);
    const api = data.groups[0]!;
    assert.equal(api['name'], 'api');
    assert.equal(api['file'], '/etc/vigie/api.rules.yml');
    assert.equal(api['interval'], 30);
    assert.equal(api['limit'], 0);
    assert.equal(api['lastEvaluation'], new Date(T0 + 180_000).toISOString());
    assert.equal(typeof api['evaluationTime'], 'number');
    const [rec, alert] = api['rules'] as Record<string, unknown>[];
    assert.deepEqual(Object.keys(rec!).sort(), ['evaluationTime', 'health', 'labels', 'lastEvaluation', 'name', 'query', 'type']);
    assert.equal(rec!['type'], 'recording');
    assert.equal(rec!['health'], 'ok');
    assert.deepEqual(
      { ...alert!, evaluationTime: 0 },
      {
        state: 'firing',
        name: 'ApiDown',
        query: 'up{job="api"} == 0',
        duration: 60,
        keepFiringFor: 0,
        labels: { severity: 'page' },
        annotations: { summary: 'API down' },
        alerts: [
          {
            labels: { alertname: 'ApiDown', instance: 'a', job: 'api', severity: 'page' },
            annotations: { summary: 'API down' },
            state: 'firing',
            activeAt: new Date(T0 + 60_000).toISOString(),
            value: '0e+00',
          },
        ],
        health: 'ok',
        evaluationTime: 0,
        lastEvaluation: new Date(T0 + 180_000).toISOString(),
        type: 'alerting',
      },
    );
    const db = data.groups[1]!;
    assert.equal(db['interval'], 60, 'a group without interval uses the global evaluation_interval');
    assert.equal(db['limit'], 5);
    assert.equal(((db['rules'] as Record<string, unknown>[])[0]!)['state'], 'inactive');
  });

  it('filters: type, rule_name[], rule_group[], file[], exclude_alerts, match[]', async () => {
    const names = async (q: string): Promise<string[]> => {
      const r = await get(`/api/v1/rules?${q}`);
      assert.equal(r.status, 200, q);
      return (r.body.data as { groups: { rules: { name: string }[] }[] }).groups.flatMap((g) => g.rules.map((x) => x.name));
    };
    assert.deepEqual(await names('type=record'), ['job:up:sum']);
    assert.deepEqual(await names('type=alert'), ['ApiDown', 'DbDown']);
    assert.deepEqual(await names('rule_name[]=DbDown&rule_name[]=job:up:sum'), ['job:up:sum', 'DbDown']);
    assert.deepEqual(await names('rule_group[]=db'), ['DbDown']);
    assert.deepEqual(await names('file[]=/nope.yml'), []);
    assert.deepEqual(await names(`match[]=${encodeURIComponent('{severity="page"}')}`), ['ApiDown']);
    const r = await get('/api/v1/rules?type=alert&exclude_alerts=true');
    assert.equal((r.body.data as { groups: { rules: { alerts: unknown }[] }[] }).groups[0]!.rules[0]!.alerts, null);
    const bad = await get('/api/v1/rules?type=alerts');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errorType, 'bad_data');
    assert.match(bad.body.error ?? '', /type/);
    assert.equal((await get('/api/v1/rules?exclude_alerts=maybe')).status, 400);
    assert.equal((await get(`/api/v1/rules?match[]=${encodeURIComponent('{severity=')}`)).status, 400);
  });

  it('GET /api/v1/alerts lists pending and firing alerts', async () => {
    const r = await get('/api/v1/alerts');
    assert.equal(r.status, 200);
    const alerts = (r.body.data as { alerts: { labels: Record<string, string>; state: string }[] }).alerts;
    assert.deepEqual(alerts.map((a) => [a.labels['alertname'], a.state]), [['ApiDown', 'firing']]);
  });

  it('GET /api/v1/alerts/history returns the transitions newest first, with filters', async () => {
    const r = await get('/api/v1/alerts/history');
    assert.equal(r.status, 200);
    const entries = r.body.data as { time: string; alertname: string; state: string; from: string; labels: Record<string, string>; value: string }[];
    assert.deepEqual(entries.map((e) => `${e.alertname}:${e.from}>${e.state}@${e.time}`), [
      `ApiDown:pending>firing@${new Date(T0 + 120_000).toISOString()}`,
      `ApiDown:inactive>pending@${new Date(T0 + 60_000).toISOString()}`,
    ]);
    assert.deepEqual(entries[0]!.labels, { alertname: 'ApiDown', instance: 'a', job: 'api', severity: 'page' });
    assert.equal(entries[0]!.value, '0e+00');
    const firing = await get('/api/v1/alerts/history?state=firing');
    assert.equal((firing.body.data as unknown[]).length, 1);
    const since = await get(`/api/v1/alerts/history?since=${(T0 + 90_000) / 1000}`);
    assert.equal((since.body.data as unknown[]).length, 1);
    const until = await get(`/api/v1/alerts/history?until=${new Date(T0 + 90_000).toISOString()}`);
    assert.equal((until.body.data as unknown[]).length, 1);
    assert.equal(((await get('/api/v1/alerts/history?alertname=DbDown')).body.data as unknown[]).length, 0);
    assert.equal(((await get(`/api/v1/alerts/history?match[]=${encodeURIComponent('{job="api"}')}`)).body.data as unknown[]).length, 2);
    assert.equal(((await get('/api/v1/alerts/history?limit=1')).body.data as unknown[]).length, 1);
    for (const q of ['state=bogus', 'limit=-1', 'limit=abc', 'since=yesterday', `match[]=${encodeURIComponent('up{')}`]) {
      const bad = await get(`/api/v1/alerts/history?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.errorType, 'bad_data', q);
    }
  });

  it('history is purged past its retention', () => {
    clock.set(T0 + 91 * DAY);
    assert.equal(history.purge(), 2);
    assert.equal(history.query().length, 0);
  });
});

describe('formatGoExp', () => {
  it('formats as Go strconv.FormatFloat(v, \'e\', -1, 64)', () => {
    assert.deepEqual([1, 0, 0.5, 123.45, -2e-7, 1e21, NaN, Infinity, -Infinity].map(formatGoExp), ['1e+00', '0e+00', '5e-01', '1.2345e+02', '-2e-07', '1e+21', 'NaN', '+Inf', '-Inf']);
  });
});
