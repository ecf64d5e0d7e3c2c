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
 * process). Samples the primary refused are not passed on. While `active()` is false (no
 * remote write configured) appenders are the primary's own: nothing is recorded.
 */
export function teeAppendable(primary: Appendable, onCommit: (samples: readonly TeeSample[]) => void, active: () => boolean = () => true): Appendable {
  return {
    appender(): Appender {
      const inner = primary.appender();
      if (!active()) return inner;
      let batch: TeeSample[] = [];
      const app: Appender = {
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
      const byRef = inner.appendRef?.bind(inner), labelsOf = inner.labelsOf?.bind(inner);
      if (byRef !== undefined && labelsOf !== undefined) {
        app.labelsOf = labelsOf;
        app.appendRef = (ref, t, v) => {
          if (!byRef(ref, t, v)) return false;
          const labels = labelsOf(ref);
          if (labels !== undefined) batch.push({ labels, t, v });
          return true;
        };
      }
      return app;
    },
  };
}
