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

/** Drains an iterator into arrays; for tests and small exports, not for hot paths. */
export function collectSamples(it: SampleIterator): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  while (it.next()) {
    t.push(it.t);
    v.push(it.v);
  }
  const e = it.err();
  if (e) throw e;
  return { t, v };
}

export function sortSeries<S extends Series>(series: S[]): S[] {
  return series.sort((a, b) => compareLabels(a.labels, b.labels));
}
