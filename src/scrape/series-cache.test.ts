import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesCache } from './series-cache.js';

/** A deterministic xorshift generator (tests must be reproducible). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

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
      if (k % 16 === 0) cache.trim();
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
