import { type Labels, type Matcher, compareLabels, labelsKey, matchesAll } from '../model/index.js';
import { ArraySeriesSet } from './series-set.js';
import type { Querier, Queryable, SampleIterator, SelectHints, Series, SeriesSet } from './interface.js';

/** One series given to a MemoryQueryable: `t` increasing (ms), `v` the values. */
export interface MemorySeries {
  readonly labels: Labels;
  readonly t: readonly number[];
  readonly v: readonly number[] | Float64Array;
}

/** One stored series: samples in increasing time order in typed arrays (bit-exact stale markers). */
class MemSeries {
  t = new Float64Array(16);
  v = new Float64Array(16);
  n = 0;
  constructor(readonly labels: Labels) {}

  /** Appends (t, v); t must be greater than the last timestamp. Throws otherwise. */
  append(t: number, v: number): void {
    if (this.n > 0 && this.t[this.n - 1]! >= t) {
      throw new MemStorageError(`out-of-order or duplicate sample at ${t} for a series`);
    }
    if (this.n === this.t.length) {
      const nt = new Float64Array(this.n * 2);
      nt.set(this.t);
      this.t = nt;
      const nv = new Float64Array(this.n * 2);
      nv.set(this.v);
      this.v = nv;
    }
    this.t[this.n] = t;
    this.v[this.n] = v;
    this.n++;
  }
}

export class MemStorageError extends Error {
  override readonly name = 'MemStorageError';
}

/** Cursor over one MemSeries restricted to [mint, maxt]. */
class MemIterator implements SampleIterator {
  private i: number;
  t = 0;
  v = 0;
  constructor(
    private readonly s: MemSeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {
    this.i = lowerBound(s.t, s.n, mint) - 1;
  }
  next(): boolean {
    this.i++;
    if (this.i >= this.s.n || this.s.t[this.i]! > this.maxt) {
      this.i = this.s.n;
      return false;
    }
    this.t = this.s.t[this.i]!;
    this.v = this.s.v[this.i]!;
    return true;
  }
  seek(t: number): boolean {
    if (this.i >= 0 && this.i < this.s.n && this.t >= t) return true;
    const from = Math.max(this.i, 0);
    const j = lowerBound(this.s.t, this.s.n, Math.max(t, this.mint), from);
    this.i = j - 1;
    return this.next();
  }
  err(): Error | undefined {
    return undefined;
  }
}

/** First index in [from, n) with a[i] >= x. */
function lowerBound(a: Float64Array, n: number, x: number, from = 0): number {
  let lo = from,
    hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A small in-memory float storage for tests and the promqltest runner: values in typed
 * arrays (bit-exact staleness markers), seeks by binary search. Not durable, not
 * concurrent; implements `Queryable` with inclusive [mint, maxt] ranges.
 */
export class MemStorage implements Queryable {
  private readonly series = new Map<string, MemSeries>();

  /**
   * @param onlyInRange a querier sees only the series with a sample in its [mint, maxt]
   *   (selects and label lookups alike), as the TSDB does; otherwise every series.
   */
  constructor(private readonly onlyInRange = false) {}

  /** Adds one sample; throws `MemStorageError` for an out-of-order or duplicate timestamp. */
  append(labels: Labels, t: number, v: number): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = new MemSeries(labels);
      this.series.set(key, s);
    }
    s.append(t, v);
  }

  /** Removes every series. */
  clear(): void {
    this.series.clear();
  }

  querier(mint: number, maxt: number): Querier {
    let all = [...this.series.values()];
    if (this.onlyInRange) {
      all = all.filter((s) => {
        const i = lowerBound(s.t, s.n, mint);
        return i < s.n && s.t[i]! <= maxt;
      });
    }
    return {
      mint,
      maxt,
      select(matchers: readonly Matcher[], hints?: SelectHints): SeriesSet {
        const lo = hints?.start ?? mint;
        const hi = hints?.end ?? maxt;
        const out: Series[] = [];
        for (const s of all) {
          if (!matchesAll(matchers, s.labels)) continue;
          out.push({ labels: s.labels, iterator: () => new MemIterator(s, lo, hi) });
        }
        out.sort((a, b) => compareLabels(a.labels, b.labels));
        return new ArraySeriesSet(out);
      },
      labelNames(matchers?: readonly Matcher[]): Promise<string[]> {
        const names = new Set<string>();
        for (const s of all) if (!matchers || matchesAll(matchers, s.labels)) for (const l of s.labels) names.add(l.name);
        return Promise.resolve([...names].sort());
      },
      labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
        const vals = new Set<string>();
        for (const s of all) {
          if (matchers && !matchesAll(matchers, s.labels)) continue;
          for (const l of s.labels) if (l.name === name) vals.add(l.value);
        }
        return Promise.resolve([...vals].sort());
      },
      close(): void {},
    };
  }
}

/**
 * A read-only MemStorage loaded from a list of series, for tests of code that reads
 * through src/storage (HTTP routes, exporters); queriers see only the series with samples
 * in their range.
 */
export class MemoryQueryable extends MemStorage {
  constructor(series: readonly MemorySeries[]) {
    super(true);
    for (const s of series) for (let i = 0; i < s.t.length; i++) this.append(s.labels, s.t[i]!, s.v[i]!);
  }
}
