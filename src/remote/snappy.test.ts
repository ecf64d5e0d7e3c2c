import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SnappyError, compress, uncompress, uncompressInto } from './index.js';

function rnd(seed: number): () => number {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('compress/uncompress round-trips random, repetitive and large inputs', () => {
  const r = rnd(7);
  const inputs: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(1), new TextEncoder().encode('abcabcabcabcabcabcabcabc'.repeat(1000))];
  const big = new Uint8Array(300_000);
  for (let i = 0; i < big.length; i++) big[i] = r() < 0.7 ? big[Math.max(0, i - 1 - Math.floor(r() * 100))]! : Math.floor(r() * 256);
  inputs.push(big);
  const noise = new Uint8Array(100_000);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 256);
  inputs.push(noise);
  for (const x of inputs) {
    const c = compress(x);
    assert.deepEqual(uncompress(c), x);
  }
  assert.ok(compress(inputs[2]!).length < 1500); // 24,000 bytes: copies of at most 64 bytes
});

test('hostile snappy input gives SnappyError, never an exception of another kind', () => {
  const good = compress(new TextEncoder().encode('hello hello hello hello hello world'.repeat(50)));
  // Every truncation
  for (let n = 0; n < good.length; n++) assert.throws(() => uncompress(good.subarray(0, n)), SnappyError);
  // Huge announced length: refused before allocating
  assert.throws(() => uncompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0), 1 << 20), /above the limit/);
  // Copy before any output
  assert.throws(() => uncompress(Uint8Array.of(10, 0x02 | (3 << 2), 1, 0)), /copy offset/);
  // Random garbage
  const r = rnd(3);
  for (let k = 0; k < 2000; k++) {
    const b = new Uint8Array(1 + Math.floor(r() * 64));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    try {
      uncompressInto(b, new Uint8Array(1 << 16));
    } catch (e) {
      assert.ok(e instanceof SnappyError, String(e));
    }
  }
});
