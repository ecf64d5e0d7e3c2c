import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock, silentLogger } from '../common/index.js';
import { type Labels, type Matcher, matchesAll } from '../model/index.js';
import { Engine, TooManySamplesError } from '../promql/index.js';
import { createHttpServer, createMetricsRegistry, type HttpServer } from '../server/index.js';
import type { Querier, Queryable, SampleIterator, Series, SeriesSet } from '../storage/index.js';
import { registerQueryRoutes } from './index.js';

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const SERIES = 1_000_000;
const MAX_SAMPLES = 100_000;

/**
 * One million series `big{id="0000000".."0999999"}` with a sample every 15 s, made on the fly
 * (labels and samples exist only while the reader holds them), counting how many series
 * the engine pulled: the bound on its work.
 */
class HugeQueryable implements Queryable {
  pulled = 0;
  querier(mint: number, maxt: number): Querier {
    const select = (matchers: readonly Matcher[]): SeriesSet => {
      let i = -1;
      let cur: Series | undefined;
      return {
        next: () => {
          for (;;) {
            if (++i >= SERIES) return false;
            const labels: Labels = [{ name: '__name__', value: 'big' }, { name: 'id', value: String(i).padStart(7, '0') }];
            if (!matchesAll(matchers, labels)) continue;
            this.pulled++;
            cur = { labels, iterator: () => samples(mint, maxt) };
            return true;
          }
        },
        at: () => cur!,
        err: () => undefined,
      };
    };
    return { mint, maxt, select, labelNames: () => Promise.resolve(['__name__', 'id']), labelValues: () => Promise.resolve([]), close: () => undefined };
  }
}

/** Samples at T0 + k·15 s (k ≥ 0) within [mint, maxt], value k. */
function samples(mint: number, maxt: number): SampleIterator {
  let t = Math.max(T0, T0 + Math.ceil((mint - T0) / STEP) * STEP) - STEP;
  const it = {
    t: 0,
    v: 0,
    next(): boolean {
      t += STEP;
      if (t > maxt) return false;
      it.t = t;
      it.v = (t - T0) / STEP;
      return true;
    },
    seek(x: number): boolean {
      while (it.t < x) if (!it.next()) return false;
      return true;
    },
    err: () => undefined,
  };
  return it;
}

const MESSAGE = 'query processing would load too many samples into memory in query execution';

// A full collection before each heap reading (node --test runs without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('max-samples limit over one million series', () => {
  const end = T0 + 3600_000;

  for (const [what, run] of [
    ['instant vector selector', (e: Engine, q: Queryable) => e.instantQuery(q, 'count(big)', end)],
    ['range query with rate', (e: Engine, q: Queryable) => e.rangeQuery(q, 'sum(rate(big[5m]))', end - 600_000, end, 60_000)],
    ['range query of a binary operation', (e: Engine, q: Queryable) => e.rangeQuery(q, 'big * 2 > big', end - 600_000, end, 60_000)],
  ] as const) {
    it(`${what}: fails with Prometheus' error after bounded work and memory`, async () => {
      const q = new HugeQueryable();
      const engine = new Engine({ maxSamples: MAX_SAMPLES });
      const heap0 = heapUsed();
      const t0 = performance.now();
      await assert.rejects(run(engine, q), (e: unknown) => e instanceof TooManySamplesError && e.message === MESSAGE);
      const ms = performance.now() - t0;
      const grown = heapUsed() - heap0;
      // The limit stops the query long before it has read all series: a bound on work, not a timing.
      assert.ok(q.pulled <= 2 * MAX_SAMPLES, `pulled ${q.pulled} of ${SERIES} series`);
      assert.ok(ms < 10_000, `took ${ms.toFixed(0)} ms`);
      // Points held are at most MAX_SAMPLES (16 bytes each plus per-series overhead).
      assert.ok(grown < 200 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
    });
  }
});

describe('max-samples limit through the HTTP API', () => {
  let server: HttpServer;
  const end = T0 + 3600_000;
  before(async () => {
    const deps = { queryable: new HugeQueryable(), engine: new Engine({ maxSamples: MAX_SAMPLES }), clock: new ManualClock(end), timeoutMs: 30_000 };
    server = createHttpServer(
      { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: async () => {}, config: () => ({}) as never, version: 'test' },
      [(app) => registerQueryRoutes(app, deps)],
    );
    await server.app.ready();
  });
  after(() => server.close());

  for (const url of [
    `/api/v1/query?query=count(big)&time=${end / 1000}`,
    `/api/v1/query_range?query=${encodeURIComponent('sum(rate(big[5m]))')}&start=${(end - 600_000) / 1000}&end=${end / 1000}&step=60`,
  ]) {
    it(`${url.split('?')[0]} answers 422 execution`, async () => {
      const r = await server.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 422);
      const body = r.json<Record<string, unknown>>();
      assert.equal(body['status'], 'error');
      assert.equal(body['errorType'], 'execution');
      assert.equal(body['error'], MESSAGE);
    });
  }
});
