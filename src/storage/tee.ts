import type { Labels } from '../model/index.js';
import type { Appendable, Appender, SeriesRef } from './interface.js';

/** One sample as handed to a `tee` listener; `labels` objects are shared between samples of a series. */
export interface TeeSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/**
 * An Appendable that writes to `primary` and, once a batch is committed there, hands the
 * accepted samples to `onCommit` (remote write: only what storage acknowledged leaves the
 * process). Samples the primary refused are not passed on.
 */
export function teeAppendable(primary: Appendable, onCommit: (samples: readonly TeeSample[]) => void): Appendable {
  return {
    appender(): Appender {
      const inner = primary.appender();
      let batch: TeeSample[] = [];
      return {
        append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
          const r = inner.append(ref, labels, t, v); // throws for a refused sample: not recorded
          batch.push({ labels, t, v });
          return r;
        },
        async commit(): Promise<void> {
          await inner.commit();
          const done = batch;
          batch = [];
          if (done.length > 0) onCommit(done);
        },
        rollback(): void {
          batch = [];
          inner.rollback();
        },
      };
    },
  };
}
