import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkContract, assertSamples, prng } from './chunk.contract.js';
import { ChunkCorruptionError, ChunkError, DenseEncoder, chunkFromBytes, encodeDense, newChunkIterator } from './index.js';

chunkContract('dense', (ts, vs, n) => chunkFromBytes('dense', encodeDense(ts, vs, n)));
for (const [compressor, valueMode] of [['none', 0], ['deflate', 1], ['brotli', 2], ['none', 1], ['none', 2], ['none', 3], ['brotli', 3]] as const) {
  const enc = new DenseEncoder();
  chunkContract(`dense ${compressor} mode ${valueMode}`, (ts, vs, n) => chunkFromBytes('dense', enc.encode(ts, vs, n, { compressor, valueMode })), 1000);
}

test('dense: appender is unsupported, bad input throws ChunkError', () => {
  const c = chunkFromBytes('dense', encodeDense(new Float64Array([1, 2]), new Float64Array([1, 2]), 2));
  assert.throws(() => c.appender(), ChunkError);
  assert.throws(() => encodeDense(new Float64Array([2, 1]), new Float64Array([1, 2]), 2), ChunkError);
  assert.throws(() => encodeDense(new Float64Array([0.5]), new Float64Array([1]), 1), ChunkError);
  assert.throws(() => encodeDense(new Float64Array([1]), new Float64Array([1]), 2), ChunkError);
});

test('dense: n shorter than the arrays encodes a prefix', () => {
  const ts = new Float64Array([1, 2, 3, 4]), vs = new Float64Array([5, 6, 7, 8]);
  assertSamples(chunkFromBytes('dense', encodeDense(ts, vs, 2)).iterator(), ts, vs, 2);
});

test('dense: corrupt and truncated bytes give typed errors, never hang', () => {
  const r = prng(5);
  const n = 600;
  const ts = new Float64Array(n), vs = new Float64Array(n);
  for (let i = 0; i < n; i++) { ts[i] = 1_700_000_000_000 + i * 15000; vs[i] = i % 50 === 0 ? NaN : Math.round(r() * 1e5) / 100; }
  for (const opts of [{ compressor: 'brotli' }, { compressor: 'none' }, { compressor: 'none', valueMode: 0 }, { compressor: 'deflate' }] as const) {
    const good = new DenseEncoder().encode(ts, vs, n, opts);
    assertSamples(chunkFromBytes('dense', good).iterator(), ts, vs, n);
    for (let len = 0; len < good.length; len += len < 40 ? 1 : 37) {
      const cut = good.subarray(0, len);
      let ok: boolean;
      try {
        const it = chunkFromBytes('dense', cut).iterator();
        while (it.next());
        ok = it.err() instanceof ChunkCorruptionError;
      } catch (e) {
        ok = e instanceof ChunkCorruptionError;
      }
      assert.ok(ok, `truncated to ${len} bytes not detected`);
    }
    for (let trial = 0; trial < 500; trial++) {
      const bad = good.slice();
      for (let j = 0; j < 1 + (trial % 4); j++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      const it = newChunkIterator('dense', bad);
      while (it.next());
      const e = it.err();
      if (e) assert.ok(e instanceof ChunkCorruptionError, String(e));
    }
  }
  assert.throws(() => chunkFromBytes('dense', new Uint8Array([0x11, 0xff, 0xff, 0xff, 0xff, 0x7f])), ChunkCorruptionError);
  assert.throws(() => chunkFromBytes('dense', new Uint8Array([0x91])), ChunkCorruptionError);
});
