import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';

test('backoff doubles from the initial delay, is capped, and is jittered into [d/2, d]', () => {
  const p = { initialMs: 1000, maxMs: 60_000, factor: 2 };
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(n, p, () => 0.999999)), [1000, 2000, 4000, 8000]);
  assert.deepEqual([1, 2, 3].map((n) => backoffDelay(n, p, () => 0)), [500, 1000, 2000]);
  assert.equal(backoffDelay(30, p, () => 0.999999), 60_000, 'capped');
  assert.equal(backoffDelay(1000, p, () => 0.5), 45_000, 'no overflow for huge attempt numbers');
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, p, Math.random);
    assert.ok(d >= 2000 && d <= 4000, `jittered delay ${d} within [2000, 4000]`);
  }
});
