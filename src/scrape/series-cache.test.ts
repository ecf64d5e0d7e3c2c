import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyPool } from './key-pool.js';
import { SeriesCache } from './series-cache.js';
import { xorshift32 } from '../common/index.js';

const rng = xorshift32;

test('SeriesCache agrees with a Map through adds, scrapes, gc (entry and arena reuse) and reset', () => {
  const r = rng(3);
  const cache = new SeriesCache();
  /** key → [entry, lastIter]; orphans (after reset) tracked apart. */
  const model = new Map<string, { e: number; iter: number }>();
  const orphans = new Map<number, number>();
  const buf = Buffer.alloc(512);
  const put = (key: string): [number, number] => {
    const at = Math.floor(r() * 64); // keys at varying offsets of a reused buffer, like a body
    const n = buf.write(key, at, 'utf8');
    return [at, at + n];
  };
  for (let iter = 1; iter <= 400; iter++) {
    const present = 50 + Math.floor(r() * 200);
    for (let k = 0; k < present; k++) {
      const id = Math.floor(r() * (iter < 200 ? 600 : 300));
      const key = `m_${id % 7}{i="${id}",v="é${'x'.repeat(id % 40)}"}`;
      const [s, e] = put(key);
      let entry = cache.get(buf, s, e);
      const want = model.get(key);
      assert.equal(entry, want?.e ?? -1, `get ${key} at iter ${iter}`);
      if (entry < 0) {
        entry = cache.add(buf, s, e, id % 5 === 0, iter);
        assert.ok(![...model.values()].some((m) => m.e === entry) && !orphans.has(entry), 'a live entry index was handed out again');
        model.set(key, { e: entry, iter });
      }
      cache.lastIter[entry] = iter;
      model.get(key)!.iter = iter;
      assert.equal(cache.dropped[entry], id % 5 === 0 ? 1 : 0);
      assert.equal(Buffer.from(cache.key(entry)).toString('utf8'), key);
    }
    if (iter % 10 === 0) {
      cache.gc(iter, 10);
      for (const [k, m] of model) if (iter - m.iter > 10) model.delete(k);
      for (const [e, it] of orphans) if (iter - it > 10) orphans.delete(e);
    }
    if (iter === 250) {
      cache.reset();
      for (const m of model.values()) orphans.set(m.e, m.iter);
      model.clear();
    }
    assert.equal(cache.size(), model.size);
  }
});

test('SeriesCache: caches sharing a KeyPool store each text once and give it back on gc and clear', () => {
  const pool = new KeyPool();
  const a = new SeriesCache(pool), b = new SeriesCache(pool);
  const keys = Array.from({ length: 300 }, (_, i) => Buffer.from(`node_cpu_seconds_total{cpu="${i % 30}",mode="m${i}"}`));
  for (const k of keys) {
    a.add(k, 0, k.length, false, 1);
    b.add(k, 0, k.length, false, 1);
  }
  assert.equal(pool.size(), 300);
  assert.equal(pool.bytes(), keys.reduce((n, k) => n + k.length, 0), 'one copy of each text');
  for (const k of keys) assert.equal(Buffer.from(b.key(b.get(k, 0, k.length))).toString(), k.toString());
  a.clear();
  assert.equal(a.size(), 0);
  assert.equal(pool.size(), 300, 'b still holds them');
  // b sees only the first half again: gc frees the rest, and the pool with it.
  for (let i = 0; i < 150; i++) b.lastIter[b.get(keys[i]!, 0, keys[i]!.length)] = 20;
  b.gc(20, 10);
  assert.equal(b.size(), 150);
  assert.equal(pool.size(), 150);
  for (let i = 0; i < 300; i++) assert.equal(b.get(keys[i]!, 0, keys[i]!.length) >= 0, i < 150);
  b.clear();
  assert.equal(pool.size(), 0);
});

test('KeyPool agrees with a counted Map through acquires and releases (table deletion, compaction, id reuse)', () => {
  const r = rng(7);
  const pool = new KeyPool();
  const model = new Map<string, { id: number; uses: number }>();
  const held: string[] = [];
  const liveIds = new Set<number>();
  for (let step = 0; step < 100_000; step++) {
    if (held.length === 0 || r() < 0.55) {
      const key = `k${Math.floor(r() * 5000)}_${'y'.repeat(Math.floor(r() * 60))}`;
      const buf = Buffer.from(`..${key}..`);
      const id = pool.acquire(buf, 2, buf.length - 2, pool.hash(buf, 2, buf.length - 2));
      const m = model.get(key);
      if (m !== undefined) {
        assert.equal(id, m.id, `the same id for ${key}`);
        m.uses++;
      } else {
        assert.ok(!liveIds.has(id), 'a live id handed out again');
        liveIds.add(id);
        model.set(key, { id, uses: 1 });
      }
      held.push(key);
    } else {
      const i = Math.floor(r() * held.length);
      const key = held[i]!;
      held[i] = held[held.length - 1]!;
      held.pop();
      const m = model.get(key)!;
      pool.release(m.id);
      if (--m.uses === 0) {
        model.delete(key);
        liveIds.delete(m.id);
      }
    }
    if (step % 4999 === 0) {
      assert.equal(pool.size(), model.size);
      for (const [key, m] of model) {
        const buf = Buffer.from(key);
        assert.ok(pool.equals(m.id, buf, 0, buf.length), `bytes of ${key}`);
      }
    }
  }
});
