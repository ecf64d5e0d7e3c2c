import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { MemoryQueryable } from '../storage/index.js';
import { exportRoute } from './export-route.js';
import { federateRoute } from './federate-route.js';
import { type HttpServer, createHttpServer } from './http-server.js';
import { createMetricsRegistry } from './metrics.js';

const T0 = Date.UTC(2024, 0, 15);
const NOW = T0 + 60_000;

describe('export and federate routes', () => {
  const data = new MemoryQueryable([
    { labels: labelsFromRecord({ __name__: 'up', job: 'a' }), t: [T0, T0 + 15_000], v: [1, 0] },
    { labels: labelsFromRecord({ __name__: 'up', job: 'b', dc: 'local' }), t: [T0 + 1000], v: [1] },
    { labels: labelsFromRecord({ __name__: 'old', job: 'a' }), t: [T0 - 3_600_000], v: [5] },
  ]);
  let server: HttpServer;
  before(() => {
    server = createHttpServer(
      {
        logger: silentLogger(),
        registry: createMetricsRegistry('test'),
        isReady: () => true,
        reload: () => Promise.resolve(),
        config: () => parseConfig('global:\n  external_labels:\n    dc: eu\n', 'test').config,
        version: 'test',
      },
      [exportRoute({ queryable: data, now: () => NOW }), federateRoute({ queryable: data, now: () => NOW })],
    );
  });
  after(() => server.close());
  const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers });

  it('GET /api/v1/export streams JSON lines by default', async () => {
    const r = await get(`/api/v1/export?match[]=up&match[]=${encodeURIComponent('{job="a"}')}`);
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^application\/x-ndjson/);
    assert.deepEqual(r.body.trim().split('\n').map((l) => JSON.parse(l) as unknown), [
      { metric: { __name__: 'old', job: 'a' }, values: [5], timestamps: [T0 - 3_600_000] },
      { metric: { __name__: 'up', dc: 'local', job: 'b' }, values: [1], timestamps: [T0 + 1000] },
      { metric: { __name__: 'up', job: 'a' }, values: [1, 0], timestamps: [T0, T0 + 15_000] },
    ]);
  });
  it('GET /api/v1/export with a range and CSV / OpenMetrics', async () => {
    let r = await get(`/api/v1/export?match[]=up&start=${T0 / 1000}&end=2024-01-15T00:00:01Z&format=csv`);
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^text\/csv/);
    assert.equal(r.body, `series,timestamp_ms,time,value\n"up{dc=""local"",job=""b""}",${T0 + 1000},2024-01-15T00:00:01.000Z,1\n"up{job=""a""}",${T0},2024-01-15T00:00:00.000Z,1\n`);
    r = await get('/api/v1/export?match[]=old&format=openmetrics');
    assert.equal(r.body, `# TYPE old unknown\nold{job="a"} 5 ${(T0 - 3_600_000) / 1000}\n# EOF\n`);
  });
  it('GET /api/v1/export refuses bad parameters with the JSON error shape', async () => {
    for (const [q, re] of [
      ['', /missing parameter "match\[\]"/],
      ['match[]=up{', /invalid parameter "match\[\]": "up\{": 1:4: parse error: unexpected end of input inside braces/],
      ['match[]=up&start=yesterday', /invalid parameter "start"/],
      ['match[]=up&start=10&end=5', /end timestamp must not be before start/],
      ['match[]=up&format=xml', /invalid parameter "format"/],
    ] as const) {
      const r = await get(`/api/v1/export?${q}`);
      assert.equal(r.statusCode, 400, q);
      const body = r.json<{ status: string; errorType: string; error: string }>();
      assert.equal(body.status, 'error');
      assert.equal(body.errorType, 'bad_data');
      assert.match(body.error, re);
    }
  });
  it('GET /federate answers the latest samples with external labels', async () => {
    const r = await get(`/federate?match[]=${encodeURIComponent('{job=~".+"}')}`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    // `old` is outside the 5 min lookback; the series' own dc wins over the external one.
    assert.equal(r.body, `# TYPE up untyped\nup{dc="local",job="b"} 1 ${T0 + 1000}\nup{dc="eu",job="a"} 0 ${T0 + 15_000}\n`);
  });
  it('GET /federate honours Accept: OpenMetrics', async () => {
    const r = await get('/federate?match[]=up', { accept: 'application/openmetrics-text;version=1.0.0' });
    assert.match(r.headers['content-type'] as string, /^application\/openmetrics-text/);
    assert.ok(r.body.endsWith('# EOF\n'));
    assert.match(r.body, /^# TYPE up unknown\n/);
  });
  it('GET /federate without match[] is empty, with a bad one 400', async () => {
    let r = await get('/federate');
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
    r = await get('/federate?match[]=%7B%7D');
    assert.equal(r.statusCode, 400);
    assert.match(r.body, /match\[\]/);
  });
});
