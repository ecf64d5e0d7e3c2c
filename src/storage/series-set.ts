import { compareLabels } from '../model/index.js';
import type { SampleIterator, Series, SeriesSet } from './interface.js';

/** A SeriesSet over an in-memory, already sorted array. */
export class ArraySeriesSet implements SeriesSet {
  private i = -1;
  constructor(private readonly series: readonly Series[]) {}
  next(): boolean {
    return ++this.i < this.series.length;
  }
  at(): Series {
    return this.series[this.i]!;
  }
  err(): Error | undefined {
    return undefined;
  }
}

export const emptySeriesSet = (): SeriesSet => new ArraySeriesSet([]);

/** A SeriesSet that reports one error. */
export class ErrorSeriesSet implements SeriesSet {
  constructor(private readonly error: Error) {}
  next(): boolean {
    return false;
  }
  at(): Series {
    throw this.error;
  }
  err(): Error {
    return this.error;
  }
}

/**
 * Drains an iterator into arrays; for tests and small exports, not for hot paths.
 * Values go into a Float64Array: a plain JS array would quiet signalling NaNs, turning
 * the staleness marker into an ordinary NaN (V8 behaviour).
 */
export function collectSamples(it: SampleIterator): { t: number[]; v: Float64Array } {
  const t: number[] = [];
  let v = new Float64Array(64);
  while (it.next()) {
    if (t.length === v.length) {
      const w = new Float64Array(v.length * 2);
      w.set(v);
      v = w;
    }
    v[t.length] = it.v;
    t.push(it.t);
  }
  const e = it.err();
  if (e) throw e;
  return { t, v: v.slice(0, t.length) };
}

export function sortSeries<S extends Series>(series: S[]): S[] {
  return series.sort((a, b) => compareLabels(a.labels, b.labels));
}
