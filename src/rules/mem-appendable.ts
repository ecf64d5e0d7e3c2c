import type { Labels } from '../model/index.js';
import { type Appendable, type Appender, type MemStorage, MemStorageError, SampleRejectedError } from '../storage/index.js';

/**
 * An `Appendable` over a `MemStorage` (tests and `vigie rules test`): samples are buffered and
 * stored at `commit`; an out-of-order or duplicate sample is refused at `append` with
 * `SampleRejectedError`, as the TSDB does.
 */
export function memAppendable(mem: MemStorage): Appendable {
  const last = new Map<string, number>();
  return {
    appender(): Appender {
      let batch: { labels: Labels; t: number; v: number }[] = [];
      return {
        append(_ref, labels, t, v) {
          const key = JSON.stringify(labels);
          const prev = last.get(key);
          if (prev !== undefined && prev >= t) throw new SampleRejectedError(prev === t ? 'duplicate' : 'out_of_order', `sample at ${t} not after ${prev}`);
          last.set(key, t);
          batch.push({ labels, t, v });
          return 0;
        },
        commit() {
          for (const s of batch) {
            try {
              mem.append(s.labels, s.t, s.v);
            } catch (e) {
              // Older data loaded into the store directly: the TSDB would refuse the sample too.
              if (!(e instanceof MemStorageError)) throw e;
            }
          }
          batch = [];
          return Promise.resolve();
        },
        rollback() {
          batch = [];
        },
      };
    },
  };
}
