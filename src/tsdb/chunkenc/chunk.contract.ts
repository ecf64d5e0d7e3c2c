/**
 * Shared behaviour every chunk encoding must have. Each encoding's test calls
 * `chunkContract(name, build)` where `build` encodes samples and returns a readable chunk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staleNaN } from '../../model/index.js';
import type { Chunk, ChunkIterator } from './chunk.js';

export type BuildChunk = (ts: Float64Array, vs: Float64Array, n: number) => Chunk;

/** Bits of a float64 as a hex string (NaN payloads and -0 compared exactly). */
export function bitsHex(v: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b.toString('hex');
}

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE();
}

/** Deterministic PRNG for tests (no module state: one per call site). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const ADVERSARIAL_VALUES: readonly number[] = [
  0, -0, 1, -1, NaN, staleNaN(), fromBits('7ff8000000000001'), fromBits('fff8000000000000'), fromBits('7ff0000000000001'),
  fromBits('7fffffffffffffff'), Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
  2.2250738585072014e-308, 2.225073858507201e-308, 1e308, 5e-324, 0.1, 0.30000000000000004, 1 / 3, Math.PI, 123456789.123,
  2 ** 53, 2 ** 53 + 2, -(2 ** 53), 9007199254740991, 1e21, 1e-7, 12345.67, 1.2569e-5, 3.364552e6,
];

/** Asserts the chunk yields exactly (ts, vs) with bit-exact values. */
export function assertSamples(it: ChunkIterator, ts: Float64Array, vs: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    assert.equal(it.next(), true, `sample ${i} of ${n} missing (err: ${String(it.err())})`);
    assert.equal(it.t, ts[i], `t of sample ${i}`);
    if (bitsHex(it.v) !== bitsHex(vs[i]!)) assert.fail(`v of sample ${i}: got ${bitsHex(it.v)} want ${bitsHex(vs[i]!)}`);
  }
  assert.equal(it.next(), false);
  assert.equal(it.next(), false);
  assert.equal(it.err(), undefined);
}

function series(n: number, tf: (i: number) => number, vf: (i: number) => number): [Float64Array, Float64Array] {
  const ts = new Float64Array(n), vs = new Float64Array(n);
  for (let i = 0; i < n; i++) { ts[i] = tf(i); vs[i] = vf(i); }
  return [ts, vs];
}

export function chunkContract(name: string, build: BuildChunk, maxN = 5000): void {
  const roundTrip = (ts: Float64Array, vs: Float64Array, n = ts.length): Chunk => {
    const c = build(ts, vs, n);
    assert.equal(c.numSamples(), n);
    assertSamples(c.iterator(), ts, vs, n);
    return c;
  };

  test(`${name}: empty and single-sample chunks`, () => {
    roundTrip(new Float64Array(0), new Float64Array(0));
    for (const v of ADVERSARIAL_VALUES) roundTrip(new Float64Array([1700000000000]), new Float64Array([v]));
    roundTrip(new Float64Array([-5]), new Float64Array([-0]));
    const c = build(new Float64Array(0), new Float64Array(0), 0);
    const it = c.iterator();
    assert.equal(it.seek(0), false);
  });

  test(`${name}: adversarial values, every pair of neighbours`, () => {
    const a = ADVERSARIAL_VALUES;
    const vals: number[] = [];
    for (const x of a) for (const y of a) vals.push(x, y, y);
    const [ts, vs] = series(vals.length, (i) => 1000 * i, (i) => vals[i]!);
    roundTrip(ts, vs);
  });

  test(`${name}: random data of several shapes`, () => {
    const r = prng(42);
    const shapes: ((i: number, prev: number) => number)[] = [
      () => r() * 1e6,
      (i, p) => p + Math.round(r() * 3),
      (i, p) => Math.round((p + r() * 2) * 100) / 100,
      (i, p) => p + (r() - 0.5) * 0.02,
      (i) => (i % 500 < 400 ? 7 : i),
      (i, p) => (r() < 0.05 ? staleNaN() : p === p ? p + 0.01 : 1.5),
      (i) => Number(((i * 0.1) % 17).toFixed(2)),
      () => (r() < 0.5 ? -0 : 0),
      () => (r() - 0.5) * 1e300,
      () => r() * 1e-310,
    ];
    for (const shape of shapes) {
      for (const n of [2, 3, 119, 120, 480, Math.min(maxN, 5000)]) {
        let prev = 0;
        const [ts, vs] = series(n, (i) => 1_700_000_000_000 + 15_000 * i + (i % 7 === 3 ? Math.round(r() * 50) : 0), (i) => (prev = shape(i, prev)));
        roundTrip(ts, vs);
      }
    }
  });

  test(`${name}: irregular intervals, huge gaps and negative timestamps`, () => {
    const r = prng(7);
    const n = Math.min(maxN, 3000);
    let t = -(2 ** 52);
    const ts = new Float64Array(n), vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = r();
      t += k < 0.5 ? 1 + Math.floor(r() * 10) : k < 0.8 ? 1 + Math.floor(r() * 1e6) : k < 0.99 ? 1 + Math.floor(r() * 2 ** 32) : 1 + Math.floor(r() * 2 ** 48);
      ts[i] = t;
      vs[i] = i;
    }
    roundTrip(ts, vs);
    // The full safe range in two samples, and long runs of equal values.
    roundTrip(new Float64Array([-(2 ** 53) + 1, -1, 0, 1, 2 ** 52, 2 ** 53 - 1]), new Float64Array([1, 1, 1, 1, 1, 1]));
    roundTrip(...series(Math.min(maxN, 4000), (i) => i * 15000, () => 42.5));
  });

  test(`${name}: seek semantics`, () => {
    const [ts, vs] = series(300, (i) => 100 + 10 * i, (i) => i);
    const c = build(ts, vs, 300);
    const it = c.iterator();
    assert.equal(it.seek(0), true);
    assert.equal(it.t, 100);
    assert.equal(it.seek(95), true); // never backwards
    assert.equal(it.t, 100);
    assert.equal(it.seek(155), true);
    assert.equal(it.t, 160);
    assert.equal(it.v, 6);
    assert.equal(it.seek(160), true);
    assert.equal(it.t, 160);
    assert.equal(it.next(), true);
    assert.equal(it.t, 170);
    assert.equal(it.seek(3090), true);
    assert.equal(it.t, 3090);
    assert.equal(it.next(), false);
    assert.equal(it.seek(5000), false);
    const it2 = c.iterator();
    assert.equal(it2.seek(10_000), false);
    assert.equal(it2.next(), false);
    assert.equal(it2.err(), undefined);
  });

  test(`${name}: iterator reuse`, () => {
    const [ts, vs] = series(200, (i) => i * 1000, (i) => i * 1.5);
    const [ts2, vs2] = series(50, (i) => 5 + i * 7, (i) => -i);
    const a = build(ts, vs, 200), b = build(ts2, vs2, 50);
    const it = a.iterator();
    it.next();
    it.next();
    const it2 = b.iterator(it);
    assert.equal(it2, it);
    assertSamples(it2, ts2, vs2, 50);
    assertSamples(a.iterator(it2), ts, vs, 200);
    it.reset(b.bytes());
    assertSamples(it, ts2, vs2, 50);
  });
}
