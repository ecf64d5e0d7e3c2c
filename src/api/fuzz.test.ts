import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, silentLogger } from '../common/index.js';
import { labelsFromRecord } from '../model/index.js';
import { Engine } from '../promql/index.js';
import { createHttpServer, createMetricsRegistry, type HttpServer } from '../server/index.js';
import { MemoryQueryable } from '../storage/index.js';
import { registerQueryRoutes } from './index.js';

/**
 * Fuzzing /api/v1/query with random token streams and mutated valid queries (seeded, so a
 * failure reproduces): every answer must be a 200, a 400 bad_data (parse error) or a 422
 * execution error, never a 5xx, and each must come back promptly.
 */

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const CASES = 2_000;

function fixture(): MemoryQueryable {
  const n = 241;
  const ts = Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const series = [];
  for (const [job, inst, rate] of [['api', 'a:80', 1], ['api', 'b:80', 2], ['db', 'c:5432', 3]] as const) {
    series.push({ labels: labelsFromRecord({ __name__: 'http_requests_total', job, instance: inst }), t: ts, v: ts.map((_, i) => i * 15 * rate) });
    series.push({ labels: labelsFromRecord({ __name__: 'up', job, instance: inst }), t: ts, v: ts.map((_, i) => (i % 7 === 0 ? 0 : 1)) });
  }
  series.push({ labels: labelsFromRecord({ __name__: 'node_load1', instance: 'a:80' }), t: ts, v: ts.map((_, i) => Math.sin(i / 10)) });
  return new MemoryQueryable(series);
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = [
  'up',
  'http_requests_total{job="api"}',
  'rate(http_requests_total[5m])',
  'sum by (job) (rate(http_requests_total[5m]))',
  'up == 1',
  'up * on (instance) group_left (job) up',
  'topk(2, http_requests_total)',
  'count_values("v", up)',
  'label_replace(up, "x", "$1", "instance", "(.*):.*")',
  'avg_over_time(node_load1[10m:1m])',
  'histogram_quantile(0.9, sum by (le) (rate(http_requests_total[5m])))',
  'quantile(0.5, up) + scalar(sum(up))',
  '(up - up offset 1m) / up * 100',
  'absent(nope{job="x"})',
  'max_over_time(up[1h] @ 1700000000)',
  'up unless on (job) http_requests_total',
  'sort_desc(sum without (instance) (up))',
  'vector(1) or up',
  'time() - timestamp(up)',
  'predict_linear(node_load1[10m], 60)',
  '-(1 + 2) ^ 3 % 4 atan2 5',
  'clamp(node_load1, -0.5, 0.5)',
  'round(node_load1, 0.1) != bool 0',
  'holt_winters(node_load1[10m], 0.5, 0.5)',
  'rate(http_requests_total[1m:15s] offset -1m)',
  'max_over_time(vector(1)[10y:1ms])', // 3e11 steps: the sample limit, not a failed allocation (was a 500)
];

const TOKENS = [
  'up', 'http_requests_total', 'node_load1', 'x', '__name__', 'job', 'instance', 'le',
  '{', '}', '(', ')', '[', ']', ',', '=', '!=', '=~', '!~', '==', '>', '<', '>=', '<=',
  '+', '-', '*', '/', '%', '^', 'atan2', 'and', 'or', 'unless', 'bool', 'on', 'ignoring',
  'group_left', 'group_right', 'by', 'without', 'offset', '@', 'start()', 'end()', ':',
  'sum', 'avg', 'count', 'topk', 'quantile', 'count_values', 'rate', 'irate', 'increase', 'abs',
  'histogram_quantile', 'label_replace', 'vector', 'scalar', 'time', 'absent', 'sort',
  '"api"', "'a:80'", '`raw`', '"\\u00e9"', '"unterminated', '1', '0', '-1', '1e308', 'Inf', 'NaN', '0x1f', '1.5',
  '[10y:1ms]', '5m', '1h', '1y', '1ms', '0s', '30s', '1h30m', '-5m', '#comment\n', ' ', '\n', '\t', '\\', '"', '`', '$', '~', '!', ';', '\u0000', '\u00ff', '😀',
];

function pick<T>(rnd: () => number, a: readonly T[]): T {
  return a[Math.floor(rnd() * a.length)]!;
}

function tokenStream(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 14);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rnd, TOKENS) + (rnd() < 0.5 ? ' ' : '');
  return s;
}

function mutate(rnd: () => number, q: string): string {
  let s = q;
  const k = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < k; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 4));
        break;
      case 1: // insert a token
        s = s.slice(0, at) + pick(rnd, TOKENS) + s.slice(at);
        break;
      case 2: // replace a character
        s = s.slice(0, at) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + s.slice(at + 1);
        break;
      case 3: // duplicate a span
        s = s.slice(0, at) + s.slice(at, at + 1 + Math.floor(rnd() * 10)) + s.slice(at);
        break;
      case 4: // truncate
        s = s.slice(0, at);
        break;
      default: // splice in part of another valid query
        s = s.slice(0, at) + pick(rnd, VALID).slice(Math.floor(rnd() * 10)) + s.slice(at);
    }
  }
  return s;
}

describe('HTTP fuzz of /api/v1/query', () => {
  let server: HttpServer;
  const end = T0 + 240 * STEP;
  before(async () => {
    const deps = { queryable: fixture(), engine: new Engine({ timeoutMs: 5_000, maxSamples: 5_000_000 }), clock: new ManualClock(end), timeoutMs: 5_000 };
    server = createHttpServer(
      { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: async () => {}, config: () => ({}) as never, version: 'test' },
      [(app) => registerQueryRoutes(app, deps)],
    );
    await server.app.ready();
  });
  after(() => server.close());

  it(`${CASES} seeded random and mutated queries never answer 5xx`, async () => {
    const rnd = prng(20240601);
    const counts = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const q = i % 2 === 0 ? tokenStream(rnd) : mutate(rnd, pick(rnd, VALID));
      const post = rnd() < 0.25;
      const t0 = performance.now();
      const r = await (post
        ? server.app.inject({ method: 'POST', url: '/api/v1/query', payload: new URLSearchParams({ query: q, time: String(end / 1000) }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        : server.app.inject({ method: 'GET', url: `/api/v1/query?query=${encodeURIComponent(q)}&time=${end / 1000}` }));
      const ms = performance.now() - t0;
      const what = `case ${i} ${JSON.stringify(q)}: ${r.statusCode} ${r.body.slice(0, 300)}`;
      assert.ok(ms < 5_000, `${what} took ${ms.toFixed(0)} ms`);
      const body = r.json<Record<string, unknown>>();
      if (r.statusCode === 200) {
        assert.equal(body['status'], 'success', what);
      } else if (r.statusCode === 400) {
        assert.equal(body['errorType'], 'bad_data', what);
        // A parse error; the empty query is refused before parsing ("query must not be empty").
        assert.match(String(body['error']), /parse error|^invalid parameter "query": query must not be empty$/, what);
      } else {
        // A query that parses may still fail to evaluate (e.g. many-to-many matching).
        assert.equal(r.statusCode, 422, what);
        assert.equal(body['errorType'], 'execution', what);
      }
      counts.set(String(r.statusCode), (counts.get(String(r.statusCode)) ?? 0) + 1);
    }
    // Both kinds of answer occur: the generator is not trivially all-invalid.
    assert.ok((counts.get('200') ?? 0) > 50, JSON.stringify([...counts]));
    assert.ok((counts.get('400') ?? 0) > 500, JSON.stringify([...counts]));
  });
});
