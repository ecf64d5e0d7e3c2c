import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { labelsFromRecord, staleNaN } from '../../model/index.js';
import { Engine, QueryCanceledError, QueryEvalError, QueryTimeoutError, TooManySamplesError } from './index.js';
import { MemStorage } from './promqltest/index.js';

function storage(): MemStorage {
  const s = new MemStorage();
  for (let i = 0; i <= 10; i++) {
    s.append(labelsFromRecord({ __name__: 'req_total', job: 'a' }), i * 60_000, i * 10);
    s.append(labelsFromRecord({ __name__: 'req_total', job: 'b' }), i * 60_000, i * 20);
  }
  s.append(labelsFromRecord({ __name__: 'gauge' }), 0, 1);
  s.append(labelsFromRecord({ __name__: 'gauge' }), 60_000, staleNaN());
  return s;
}

test('instant vector, aggregation and rate', async () => {
  const e = new Engine();
  const s = storage();
  const r = await e.instantQuery(s, 'sum by (job) (rate(req_total[5m]))', 600_000);
  assert.equal(r.type, 'vector');
  if (r.type !== 'vector') return;
  const byJob = new Map(r.value.map((x) => [x.metric.find((l) => l.name === 'job')?.value, x.v]));
  assert.ok(Math.abs(byJob.get('a')! - 10 / 60) < 1e-9);
  assert.ok(Math.abs(byJob.get('b')! - 20 / 60) < 1e-9);
});

test('a stale marker ends the series; lookback applies', async () => {
  const e = new Engine();
  const s = storage();
  const r0 = await e.instantQuery(s, 'gauge', 30_000);
  assert.equal(r0.type === 'vector' && r0.value.length, 1);
  const r1 = await e.instantQuery(s, 'gauge', 90_000);
  assert.equal(r1.type === 'vector' && r1.value.length, 0);
});

test('range query returns a sorted matrix with typed arrays', async () => {
  const e = new Engine();
  const r = await e.rangeQuery(storage(), 'req_total * 2', 0, 120_000, 60_000);
  assert.equal(r.type, 'matrix');
  if (r.type !== 'matrix') return;
  assert.equal(r.value.length, 2);
  assert.ok(r.value[0]!.t instanceof Float64Array);
  assert.deepEqual(Array.from(r.value[0]!.v), [0, 20, 40]);
  assert.equal(r.value[0]!.metric.find((l) => l.name === '__name__'), undefined);
});

test('typed errors: eval, samples limit, cancel, timeout', async () => {
  const s = storage();
  await assert.rejects(new Engine().rangeQuery(s, 'req_total[5m]', 0, 60_000, 60_000), QueryEvalError);
  await assert.rejects(new Engine().instantQuery(s, 'req_total + on() req_total', 600_000), QueryEvalError);
  await assert.rejects(new Engine({ maxSamples: 5 }).rangeQuery(s, 'req_total', 0, 600_000, 60_000), TooManySamplesError);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(new Engine().instantQuery(s, 'req_total', 0, ac.signal), QueryCanceledError);
  const clock = new ManualClock(0);
  const slow = new Engine({ timeoutMs: 10, clock });
  const q = { querier: (a: number, b: number) => (clock.advance(100), s.querier(a, b)) };
  await assert.rejects(slow.rangeQuery(q, 'req_total + req_total', 0, 600_000, 60_000), QueryTimeoutError);
  await assert.rejects(new Engine().instantQuery(s, 'histogram_count(req_total)', 0), /native histograms are not supported/);
});
