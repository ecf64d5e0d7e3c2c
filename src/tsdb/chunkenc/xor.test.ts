import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkContract, assertSamples, prng } from './chunk.contract.js';
import { ChunkCorruptionError, ChunkError, XorChunk, chunkFromBytes, newChunkIterator } from './index.js';

chunkContract('xor', (ts, vs, n) => {
  const c = new XorChunk();
  const app = c.appender();
  for (let i = 0; i < n; i++) app.append(ts[i]!, vs[i]!);
  return c;
});

chunkContract('xor via chunkFromBytes', (ts, vs, n) => {
  const c = new XorChunk();
  for (let i = 0; i < n; i++) c.append(ts[i]!, vs[i]!);
  return chunkFromBytes('xor', c.bytes().slice());
});

test('xor: appending continues after chunkFromBytes and after compact', () => {
  const ts = new Float64Array(300), vs = new Float64Array(300);
  const r = prng(3);
  for (let i = 0; i < 300; i++) { ts[i] = 1000 + i * 15000 + Math.round(r() * 9); vs[i] = r() < 0.3 ? NaN : Math.round(r() * 1e4) / 100; }
  for (const cut of [0, 1, 2, 3, 150, 299]) {
    const a = new XorChunk();
    for (let i = 0; i < cut; i++) a.append(ts[i]!, vs[i]!);
    a.compact();
    const b = chunkFromBytes('xor', a.bytes().slice());
    for (let i = cut; i < 300; i++) b.appender().append(ts[i]!, vs[i]!);
    for (let i = cut; i < 300; i++) a.append(ts[i]!, vs[i]!);
    assert.deepEqual(b.bytes(), a.bytes());
    assertSamples(b.iterator(), ts, vs, 300);
  }
});

test('xor: an iterator sees the samples present when it was made', () => {
  const c = new XorChunk(8);
  for (let i = 0; i < 10; i++) c.append(i, i);
  const it = c.iterator();
  for (let i = 10; i < 500; i++) c.append(i, i * 3.7);
  let k = 0;
  while (it.next()) assert.equal(it.v, k++);
  assert.equal(k, 10);
  assert.equal(it.err(), undefined);
});

test('xor: bad appends throw ChunkError', () => {
  const c = new XorChunk();
  assert.throws(() => c.append(1.5, 0), ChunkError);
  c.append(10, 0);
  assert.throws(() => c.append(10, 0), ChunkError);
  assert.throws(() => c.append(9, 0), ChunkError);
  assert.throws(() => c.append(2 ** 60, 0), ChunkError);
  assert.equal(c.numSamples(), 1);
});

test('xor: corrupt and truncated bytes give typed errors, never hang', () => {
  const c = new XorChunk();
  const r = prng(11);
  for (let i = 0; i < 120; i++) c.append(1_700_000_000_000 + i * 15000, r() * 100);
  const good = c.bytes().slice();
  for (let len = 0; len < good.length; len++) {
    const cut = good.subarray(0, len);
    assert.throws(() => chunkFromBytes('xor', cut), ChunkCorruptionError);
    const it = newChunkIterator('xor', cut);
    let k = 0;
    while (it.next()) k++;
    assert.ok(k < 120);
    assert.ok(it.err() instanceof ChunkCorruptionError);
  }
  for (let trial = 0; trial < 2000; trial++) {
    const bad = good.slice();
    for (let j = 0; j < 1 + (trial % 5); j++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
    if (trial % 3 === 0) { bad[0] = 0xff; bad[1] = 0xff; }
    const it = newChunkIterator('xor', bad);
    let k = 0;
    while (it.next()) k++;
    assert.ok(k <= 0xffff);
    const e = it.err();
    if (e) assert.ok(e instanceof ChunkCorruptionError);
  }
});
