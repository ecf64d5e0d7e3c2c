import { type Labels, type Matcher, compareLabels, matchesAll } from '../model/index.js';
import type { Querier, Queryable, SampleIterator, Series, SeriesSet } from './interface.js';
import { ArraySeriesSet } from './series-set.js';

/** One series held by a MemoryQueryable: `t` increasing (ms), `v` the values. */
export interface MemorySeries {
  readonly labels: Labels;
  readonly t: readonly number[];
  readonly v: readonly number[] | Float64Array;
}

class ArrayIterator implements SampleIterator {
  private i = -1;
  t = 0;
  v = 0;
  constructor(
    private readonly s: MemorySeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}
  next(): boolean {
    for (;;) {
      this.i++;
      if (this.i >= this.s.t.length) return false;
      const t = this.s.t[this.i]!;
      if (t > this.maxt) {
        this.i = this.s.t.length;
        return false;
      }
      if (t < this.mint) continue;
      this.t = t;
      this.v = this.s.v[this.i]!;
      return true;
    }
  }
  seek(t: number): boolean {
    if (this.i >= 0 && this.i < this.s.t.length && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }
  err(): Error | undefined {
    return undefined;
  }
}

/**
 * A read-only Queryable over series held in memory, for tests of code that reads through
 * src/storage (HTTP routes, exporters). Series are kept sorted; queriers see samples within
 * their [mint, maxt] (inclusive) and the series that have at least one there.
 */
export class MemoryQueryable implements Queryable {
  private readonly series: MemorySeries[];
  constructor(series: readonly MemorySeries[]) {
    this.series = [...series].sort((a, b) => compareLabels(a.labels, b.labels));
  }
  querier(mint: number, maxt: number): Querier {
    const inRange = this.series.filter((s) => s.t.some((t) => t >= mint && t <= maxt));
    const select = (matchers: readonly Matcher[]): MemorySeries[] => inRange.filter((s) => matchesAll(matchers, s.labels));
    const values = (name: string, matchers: readonly Matcher[] = []): string[] =>
      [...new Set(select(matchers).flatMap((s) => s.labels.filter((l) => l.name === name).map((l) => l.value)))].sort();
    return {
      mint,
      maxt,
      select: (matchers: readonly Matcher[]): SeriesSet =>
        new ArraySeriesSet(select(matchers).map((s): Series => ({ labels: s.labels, iterator: () => new ArrayIterator(s, mint, maxt) }))),
      labelNames: (matchers?: readonly Matcher[]) => Promise.resolve([...new Set(select(matchers ?? []).flatMap((s) => s.labels.map((l) => l.name)))].sort()),
      labelValues: (name: string, matchers?: readonly Matcher[]) => Promise.resolve(values(name, matchers)),
      close: () => undefined,
    };
  }
}
