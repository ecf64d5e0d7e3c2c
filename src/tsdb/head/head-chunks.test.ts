import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord } from '../../model/index.js';
import { XorChunk, newChunkIterator } from '../chunkenc/index.js';
import { SAMPLES_PER_CHUNK } from './head-chunks.js';
import { Head } from './head.js';

const HOUR = 3_600_000;

/** Values that stress the XOR coder: noise, specials, long equal runs, huge and tiny magnitudes. */
function value(i: number, series: number): number {
  const k = (i * 7919 + series * 104729) % 97;
  if (k === 0) return NaN;
  if (k === 1) return -0;
  if (k === 2) return Infinity;
  if (k < 30) return 42; // runs of equal values
  if (k < 50) return Math.sin(i * 0.37 + series) * 1e300;
  if (k < 70) return (i * 0.1 + series) * 1e-300;
  return Math.random();
}

test('head chunks: bytes identical to an XorChunk of the same samples, across slot growth, cuts and windows', async () => {
  const head = new Head({ chunkRange: 2 * HOUR });
  const series = 300;
  const labels = Array.from({ length: series }, (_, s) => labelsFromRecord({ __name__: 'm', s: String(s) }));
  const expected = labels.map(() => [] as { t: number; v: number }[]);
  const refs = new Array<number>(series).fill(0);
  let t = 10 * HOUR - 30 * 60_000; // crosses a window boundary half an hour in
  for (let step = 0; step < 400; step++) {
    const app = head.appender();
    for (let s = 0; s < series; s++) {
      if ((step + s) % 5 === 0) continue; // irregular intervals per series
      const ts = t + ((s * 13 + step * 7) % 11) * 1000; // jitter, still increasing
      const v = value(step, s);
      refs[s] = app.append(refs[s]!, labels[s]!, ts, v);
      expected[s]!.push({ t: ts, v });
    }
    await app.commit();
    t += 15_000 + (step % 3) * 20_000;
  }
  for (let s = 0; s < series; s++) {
    const slot = head.seriesByLabels(labels[s]!);
    const views = head.chunks.chunks(slot);
    // Rebuild the expected chunks with the same cut rule, then compare bytes.
    let i = 0;
    for (const c of views) {
      const x = new XorChunk();
      const windowEnd = Math.floor(expected[s]![i]!.t / (2 * HOUR)) * 2 * HOUR + 2 * HOUR;
      while (i < expected[s]!.length && x.numSamples() < SAMPLES_PER_CHUNK && expected[s]![i]!.t < windowEnd) {
        x.append(expected[s]![i]!.t, expected[s]![i]!.v);
        i++;
      }
      assert.deepEqual(c.bytes, x.bytes(), `series ${s} chunk bytes`);
      assert.equal(c.count, x.numSamples());
      assert.ok(c.maxt < windowEnd, 'no chunk crosses a window');
    }
    assert.equal(i, expected[s]!.length, `series ${s}: every sample is in a chunk`);
    // Bit-exact decode (NaN payloads and -0 included).
    const got: number[] = [];
    for (const c of views) {
      const it = newChunkIterator('xor', c.bytes);
      while (it.next()) got.push(it.v);
    }
    assert.equal(got.length, expected[s]!.length);
    for (let k = 0; k < got.length; k++) assert.ok(Object.is(got[k], expected[s]![k]!.v), `series ${s} sample ${k}`);
  }
});

test('head chunks: a reader keeps its view while appends grow, cut and reuse slots, and truncation drops windows', async () => {
  const head = new Head({ chunkRange: 2 * HOUR });
  const a = labelsFromRecord({ __name__: 'a' });
  const b = labelsFromRecord({ __name__: 'b' });
  let ra = 0, rb = 0;
  let t = 0;
  const append = async (n: number): Promise<void> => {
    for (let k = 0; k < n; k++, t += 15_000) {
      const app = head.appender();
      ra = app.append(ra, a, t, Math.random());
      rb = app.append(rb, b, t, Math.random());
      await app.commit();
    }
  };
  await append(10);
  const before = head.chunks.chunks(head.seriesByLabels(a));
  const copy = before.map((c) => c.bytes.slice());
  await append(1000); // grows a's open chunk through the slot classes, frees slots, b reuses them
  assert.deepEqual(before.map((c) => c.bytes), copy, 'a view taken earlier is unchanged');
  const all = head.chunks.chunks(head.seriesByLabels(a));
  assert.equal(all.reduce((n, c) => n + c.count, 0), 1010);
  const held = all[0]!.bytes.slice();
  const heldView = all[0]!.bytes;
  const slabBytes = head.chunks.arena.bytes();
  head.truncateBefore(2 * HOUR);
  assert.ok(head.chunks.arena.bytes() < slabBytes, 'the first window went back');
  assert.deepEqual(heldView, held, 'a view of a dropped chunk stays readable');
  assert.equal(head.chunks.minTime(head.seriesByLabels(a)), 2 * HOUR);
  head.truncateBefore(t + 1);
  assert.equal(head.numSeries(), 0);
  assert.equal(head.chunks.closed.live(), 0);
});
