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
  const byRefLabels = new RefLabels();
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
          const labels = byRefLabels.get(ref, labelsOf);
          if (labels !== undefined) batch.push({ labels, t, v });
          return true;
        };
      }
      return app;
    },
  };
}

/**
 * The labels of by-ref appends, kept per ref so that a series hands the same Labels object
 * to every batch (the remote-write sender caches each label set's encoding by object; a new
 * array per sample would re-encode every sample). Two generations: the current one is
 * retired once lookups since the last rotation exceed four times its size (every series
 * appended at a steady pace has been looked up by then), so series that stopped are
 * forgotten within two rotations.
 */
class RefLabels {
  private cur = new Map<SeriesRef, Labels>();
  private prev = new Map<SeriesRef, Labels>();
  private lookups = 0;

  get(ref: SeriesRef, labelsOf: (ref: SeriesRef) => Labels | undefined): Labels | undefined {
    if (++this.lookups > 4 * Math.max(1024, this.cur.size)) {
      this.prev = this.cur;
      this.cur = new Map();
      this.lookups = 0;
    }
    let l = this.cur.get(ref);
    if (l !== undefined) return l;
    l = this.prev.get(ref) ?? labelsOf(ref);
    if (l !== undefined) this.cur.set(ref, l);
    return l;
  }
}
