import { labelsKey, type Labels } from '../model/index.js';
import { SampleRejectedError, type Appendable, type Appender, type SeriesRef } from '../storage/index.js';

/** For tests: an Appendable that keeps committed samples per series key and refuses out-of-order ones. */
export class RecordingAppendable implements Appendable {
  readonly series = new Map<string, { labels: Labels; samples: [number, number][] }>();
  commits = 0;

  appender(): Appender {
    const buf: { key: string; labels: Labels; t: number; v: number }[] = [];
    const last = new Map<string, number>();
    return {
      append: (_ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef => {
        const key = labelsKey(labels);
        const prev = last.get(key) ?? this.series.get(key)?.samples.at(-1)?.[0] ?? -Infinity;
        if (t < prev) throw new SampleRejectedError('out_of_order', `out of order sample ${t} < ${prev}`);
        if (t === prev) throw new SampleRejectedError('duplicate', `duplicate sample at ${t}`);
        last.set(key, t);
        buf.push({ key, labels, t, v });
        return 1;
      },
      commit: () => {
        for (const s of buf) {
          let e = this.series.get(s.key);
          if (!e) this.series.set(s.key, (e = { labels: s.labels, samples: [] }));
          e.samples.push([s.t, s.v]);
        }
        this.commits++;
        return Promise.resolve();
      },
      rollback: () => {
        buf.length = 0;
      },
    };
  }

  get samples(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.samples.length;
    return n;
  }
}
