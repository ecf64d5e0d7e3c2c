import type { SampleIterator, SeriesSet } from '../../storage/index.js';
import type { SeriesSamples } from '../block/index.js';

/**
 * Reads every series of a sorted SeriesSet into reusable typed arrays, one at a time.
 * Each yielded value is valid only until the next one is requested (the block writer
 * encodes it before asking for more). Empty series are skipped.
 */
export function* drainSeries(set: SeriesSet): Generator<SeriesSamples> {
  let ts = new Float64Array(1024);
  let vs = new Float64Array(1024);
  let prev: SampleIterator | undefined;
  while (set.next()) {
    const s = set.at();
    // The previous series' iterator is spent: reusing it keeps chunk decode buffers.
    const it = s.iterator(prev);
    prev = it;
    let n = 0;
    while (it.next()) {
      if (n === ts.length) {
        const t2 = new Float64Array(n * 2);
        t2.set(ts);
        ts = t2;
        const v2 = new Float64Array(n * 2);
        v2.set(vs);
        vs = v2;
      }
      ts[n] = it.t;
      vs[n] = it.v;
      n++;
    }
    const e = it.err();
    if (e) throw e;
    if (n > 0) yield { labels: s.labels, ts, vs, n };
  }
  const e = set.err();
  if (e) throw e;
}
