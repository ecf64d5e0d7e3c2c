import { quantile } from './quantile.js';
import { kahanInc } from './kahan.js';

/**
 * Range-vector functions: one series' points in a window, `t[lo..hi)`, `v[lo..hi)`
 * (stale markers already removed, at least one point). Return undefined for "no output".
 */
export interface Window {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly lo: number;
  readonly hi: number;
  /** Evaluation time of the step, and the window bounds (rangeStart exclusive). */
  readonly ts: number;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  /** Range in ms. */
  readonly range: number;
}

export type RangeFn = (w: Window, params: readonly number[]) => number | undefined;

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { t, v, lo, hi } = w;
  const n = hi - lo;
  if (n < 2) return undefined;
  const firstT = t[lo]!, lastT = t[hi - 1]!;
  let result = v[hi - 1]! - v[lo]!;
  if (isCounter) {
    for (let i = lo + 1; i < hi; i++) if (v[i]! < v[i - 1]!) result += v[i - 1]!;
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avg = sampledInterval / (n - 1);
  const threshold = avg * 1.1;
  if (durationToStart >= threshold) durationToStart = avg / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && v[lo]! >= 0) durationToZero = sampledInterval * (v[lo]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avg / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.range / 1000;
  return result * factor;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { t, v, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const t0 = t[hi - 2]!, t1 = t[hi - 1]!;
  const v0 = v[hi - 2]!, v1 = v[hi - 1]!;
  const interval = t1 - t0;
  if (interval === 0) return undefined;
  let r = v1;
  if (!isRate || !(v1 < v0)) r = v1 - v0;
  if (isRate) r /= interval / 1000;
  return r;
}

/** Least squares fit over the window; x in seconds relative to `interceptTime`. */
export function linearRegression(w: Window, interceptTime: number): [number, number] {
  const { t, v, lo, hi } = w;
  let n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = v[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = v[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n++;
    const x = (t[i]! - interceptTime) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function values(w: Window): number[] {
  return Array.from(w.v.subarray(w.lo, w.hi));
}

function variance(w: Window): number {
  let count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.v[i]!;
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function calcTrend(i: number, tf: number, s0: number, s1: number, b: number): number {
  if (i === 0) return b;
  return tf * (s1 - s0) + (1 - tf) * b;
}

/** Range functions by name; parameters are the scalar arguments other than the range vector. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFn> = new Map<string, RangeFn>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['deriv', (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.t[w.lo]!)[0])],
  [
    'predict_linear',
    (w, p) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.ts);
      return slope * p[0]! + intercept;
    },
  ],
  [
    'avg_over_time',
    (w) => {
      let sum = w.v[w.lo]!, count = 1, mean = 0, c = 0, incremental = false;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const f = w.v[i]!;
        count = i - w.lo + 1;
        if (!incremental) {
          const [ns, nc] = kahanInc(f, sum, c);
          if (ns !== Infinity && ns !== -Infinity) {
            sum = ns;
            c = nc;
            continue;
          }
          incremental = true;
          mean = sum / (count - 1);
          c /= count - 1;
        }
        const q = (count - 1) / count;
        [mean, c] = kahanInc(f / count, q * mean, q * c);
      }
      return incremental ? mean + c : sum / count + c / count;
    },
  ],
  ['count_over_time', (w) => w.hi - w.lo],
  ['present_over_time', () => 1],
  ['last_over_time', (w) => w.v[w.hi - 1]!],
  ['first_over_time', (w) => w.v[w.lo]!],
  ['ts_of_last_over_time', (w) => w.t[w.hi - 1]! / 1000],
  ['ts_of_first_over_time', (w) => w.t[w.lo]! / 1000],
  ['max_over_time', (w) => compareOverTime(w, (cur, m) => cur > m || Number.isNaN(m), false)],
  ['min_over_time', (w) => compareOverTime(w, (cur, m) => cur < m || Number.isNaN(m), false)],
  ['ts_of_max_over_time', (w) => compareOverTime(w, (cur, m) => cur >= m || Number.isNaN(m), true)],
  ['ts_of_min_over_time', (w) => compareOverTime(w, (cur, m) => cur <= m || Number.isNaN(m), true)],
  [
    'sum_over_time',
    (w) => {
      let sum = 0, c = 0;
      for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanInc(w.v[i]!, sum, c);
      return sum === Infinity || sum === -Infinity ? sum : sum + c;
    },
  ],
  ['quantile_over_time', (w, p) => quantile(p[0]!, values(w))],
  ['stddev_over_time', (w) => Math.sqrt(variance(w))],
  ['stdvar_over_time', (w) => variance(w)],
  [
    'mad_over_time',
    (w) => {
      const vals = values(w);
      if (vals.some((x) => Number.isNaN(x))) return NaN;
      const median = quantile(0.5, vals);
      return quantile(0.5, vals.map((x) => Math.abs(x - median)));
    },
  ],
  [
    'changes',
    (w) => {
      let changes = 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const a = w.v[i - 1]!, b = w.v[i]!;
        if (b !== a && !(Number.isNaN(a) && Number.isNaN(b))) changes++;
      }
      return changes;
    },
  ],
  [
    'resets',
    (w) => {
      let resets = 0;
      for (let i = w.lo + 1; i < w.hi; i++) if (w.v[i]! < w.v[i - 1]!) resets++;
      return resets;
    },
  ],
  [
    'double_exponential_smoothing',
    (w, p) => {
      const n = w.hi - w.lo;
      if (n < 2) return undefined;
      const sf = p[0]!, tf = p[1]!;
      let s0 = 0, s1 = w.v[w.lo]!, b = w.v[w.lo + 1]! - w.v[w.lo]!;
      for (let i = 1; i < n; i++) {
        const x = sf * w.v[w.lo + i]!;
        b = calcTrend(i - 1, tf, s0, s1, b);
        const y = (1 - sf) * (s1 + b);
        s0 = s1;
        s1 = x + y;
      }
      return s1;
    },
  ],
]);

function compareOverTime(w: Window, better: (cur: number, best: number) => boolean, returnTs: boolean): number {
  let best = w.v[w.lo]!;
  let bestT = w.t[w.lo]!;
  for (let i = w.lo; i < w.hi; i++) {
    if (better(w.v[i]!, best)) {
      best = w.v[i]!;
      bestT = w.t[i]!;
    }
  }
  return returnTs ? bestT / 1000 : best;
}
