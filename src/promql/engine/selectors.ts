import { type Labels, isStaleNaN } from '../../model/index.js';
import type { Matrix } from './types.js';
import type { QueryContext } from './context.js';
import { QueryEvalError } from './errors.js';
import type { Matcher } from '../../model/index.js';

/**
 * The samples of one series loaded once for a whole evaluation, in typed arrays
 * (Float64Array keeps the staleness marker bit-exact). `n` points, times increasing.
 */
export interface LoadedSeries {
  readonly metric: Labels;
  readonly dropName: boolean;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly n: number;
}

/**
 * Calls `fn` with every series matching `matchers` that has samples in [mint, maxt]
 * (inclusive), one at a time. With `dropStale`, staleness markers are left out (matrix
 * selectors); otherwise they are kept so instant selection can end a series at them.
 * The series' points are counted while `fn` runs and released after; its arrays are a
 * scratch buffer reused for the next series (copy what must outlive the call).
 */
export function forEachSeries(ctx: QueryContext, matchers: readonly Matcher[], mint: number, maxt: number, dropStale: boolean, fn: (s: LoadedSeries) => void): void {
  const q = ctx.queryable.querier(mint, maxt);
  let t = new Float64Array(256);
  let v = new Float64Array(256);
  try {
    const set = q.select(matchers, { start: mint, end: maxt });
    while (set.next()) {
      ctx.check();
      const s = set.at();
      const it = s.iterator();
      let n = 0;
      while (it.next()) {
        const val = it.v;
        if (dropStale && isStaleNaN(val)) continue;
        if (n === t.length) {
          const nt = new Float64Array(n * 2);
          nt.set(t);
          t = nt;
          const nv = new Float64Array(n * 2);
          nv.set(v);
          v = nv;
        }
        t[n] = it.t;
        v[n] = val;
        n++;
      }
      const e = it.err();
      if (e) throw new QueryEvalError(`expanding series: ${e.message}`, { cause: e });
      if (n === 0 && dropStale) continue;
      ctx.addSamples(n);
      fn({ metric: s.labels, dropName: false, t, v, n });
      ctx.releaseSamples(n);
    }
    const e = set.err();
    if (e) throw new QueryEvalError(`expanding series: ${e.message}`, { cause: e });
  } finally {
    q.close();
  }
}

/**
 * Loads every series matching `matchers` with samples in [mint, maxt] (inclusive), as
 * forEachSeries, keeping them all: their points stay counted until the caller releases them.
 */
export function loadSeries(ctx: QueryContext, matchers: readonly Matcher[], mint: number, maxt: number, dropStale: boolean): LoadedSeries[] {
  const out: LoadedSeries[] = [];
  forEachSeries(ctx, matchers, mint, maxt, dropStale, (s) => {
    ctx.addSamples(s.n);
    out.push({ metric: s.metric, dropName: s.dropName, t: s.t.slice(0, s.n), v: s.v.slice(0, s.n), n: s.n });
  });
  return out;
}

/** Converts an evaluated matrix (e.g. a subquery result) to loaded series. */
export function matrixToLoaded(m: Matrix): LoadedSeries[] {
  return m.map((s) => ({ metric: s.metric, dropName: s.dropName, t: Float64Array.from(s.t), v: Float64Array.from(s.v), n: s.t.length }));
}

/** First index i in [from, n) with a[i] > x. */
export function upperBound(a: Float64Array, n: number, x: number, from = 0): number {
  let lo = from,
    hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the last sample at or before `ref`, or -1. `hint` is an index known to be at or
 * before the answer (steps increase), so consecutive steps scan forward only.
 */
export function lastAtOrBefore(s: LoadedSeries, ref: number, hint: number): number {
  let i = hint < 0 ? 0 : hint;
  if (i < s.n && s.t[i]! > ref) return upperBound(s.t, s.n, ref) - 1;
  if (s.n - i > 16 && s.t[i + 16]! <= ref) i = upperBound(s.t, s.n, ref, i);
  while (i < s.n && s.t[i]! <= ref) i++;
  return i - 1;
}

/** True when sample j is a usable instant-selection result for `ref` (within lookback, not stale). */
export function usableAt(s: LoadedSeries, j: number, ref: number, lookback: number): boolean {
  return j >= 0 && s.t[j]! > ref - lookback && !isStaleNaN(s.v[j]!);
}
