import type { Labels } from '../model/index.js';
import type { SeriesSamples } from './block/index.js';
import { newChunkIterator } from './chunkenc/index.js';
import type { Head } from './head/index.js';

/**
 * The head's samples within [mint, maxt] (inclusive), series in label order, decoded from
 * its XOR chunks so that the block writer encodes them densely (a 2 h block of the benchmark
 * fleet: ~0.85 bytes per sample instead of XOR's ~1.5, at ~0.15 µs of CPU per sample).
 * Series are read when reached: closed chunks through views, open ones as copies, so samples
 * appended meanwhile (outside the range: call with the head refusing samples in it,
 * minValidTime > maxt) do not disturb it. The arrays of one yielded value are reused for
 * the next (the block writer consumes each before asking for the next).
 */
export function* headSamplesInRange(head: Head, mint: number, maxt: number): Generator<SeriesSamples> {
  const S = head.series;
  const labels = S.labels;
  const slots = head.liveSlots().filter((slot) => S.maxTime[slot]! >= mint && head.chunks.minTime(slot) <= maxt);
  slots.sort((a, b) => labels.compare(a, b));
  let ts = new Float64Array(1024);
  let vs = new Float64Array(1024);
  for (const slot of slots) {
    const l: Labels | undefined = labels.get(slot);
    if (l === undefined) continue; // removed meanwhile (the caller awaits between series)
    let n = 0;
    for (const c of head.chunks.chunks(slot, mint, maxt)) {
      if (n + c.count > ts.length) {
        const size = Math.max(ts.length * 2, n + c.count);
        const nt = new Float64Array(size), nv = new Float64Array(size);
        nt.set(ts.subarray(0, n));
        nv.set(vs.subarray(0, n));
        ts = nt;
        vs = nv;
      }
      const it = newChunkIterator('xor', c.bytes);
      for (let k = 0; k < c.count && it.next(); k++) {
        if (it.t < mint || it.t > maxt) continue;
        ts[n] = it.t;
        vs[n] = it.v;
        n++;
      }
      const err = it.err();
      if (err) throw err;
    }
    if (n > 0) yield { labels: l, ts, vs, n };
  }
}
