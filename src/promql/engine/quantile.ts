/** Quantile helpers shared by `quantile`, `quantile_over_time` and `histogram_quantile`. */

/** φ-quantile of `values` (sorted in place), Prometheus' interpolation; NaN sorts first. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

export interface Bucket {
  upperBound: number;
  count: number;
}

export interface BucketQuantileResult {
  value: number;
  forcedMonotonic: boolean;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  const MIN_NORMAL = 2.2250738585072014e-308;
  const diff = Math.abs(a - b);
  const sum = Math.abs(a) + Math.abs(b);
  if (a === 0 || b === 0 || sum < MIN_NORMAL) return diff < eps * MIN_NORMAL;
  return diff / Math.min(sum, Number.MAX_VALUE) < eps;
}

/** Quantile from classic cumulative buckets (`le`), with Prometheus' monotonicity fix. */
export function bucketQuantile(q: number, bucketsIn: Bucket[]): BucketQuantileResult {
  const res: BucketQuantileResult = { value: NaN, forcedMonotonic: false, minBucket: Infinity, maxBucket: -Infinity, maxDiff: 0 };
  if (Number.isNaN(q)) return res;
  if (q < 0) return { ...res, value: -Infinity };
  if (q > 1) return { ...res, value: Infinity };
  const sorted = bucketsIn.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return res;
  // Coalesce equal bounds.
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ upperBound: b.upperBound, count: b.count });
  }
  // Monotonicity.
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i]!;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      b.count = prev;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      res.forcedMonotonic = true;
      if (b.upperBound < res.minBucket) res.minBucket = b.upperBound;
      if (b.upperBound > res.maxBucket) res.maxBucket = b.upperBound;
      if (prev - curr > res.maxDiff) res.maxDiff = prev - curr;
      continue;
    }
    prev = curr;
  }
  if (buckets.length < 2) return res;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return res;
  let rank = q * observations;
  let b: number;
  {
    let lo = 0, hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buckets[mid]!.count >= rank) hi = mid;
      else lo = mid + 1;
    }
    b = lo;
  }
  if (b === buckets.length - 1) res.value = buckets[buckets.length - 2]!.upperBound;
  else if (b === 0 && buckets[0]!.upperBound <= 0) res.value = buckets[0]!.upperBound;
  else {
    let start = 0;
    const end = buckets[b]!.upperBound;
    let count = buckets[b]!.count;
    if (b > 0) {
      start = buckets[b - 1]!.upperBound;
      count -= buckets[b - 1]!.count;
      rank -= buckets[b - 1]!.count;
    }
    res.value = start + (end - start) * (rank / count);
  }
  return res;
}

/** Fraction of observations between `lower` and `upper` from classic buckets (Prometheus' BucketFraction). */
export function bucketFraction(lower: number, upper: number, bucketsIn: Bucket[]): number {
  const sorted = bucketsIn.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ upperBound: b.upperBound, count: b.count });
  }
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0, lowerRank = 0, upperRank = 0, lowerSet = false, upperSet = false;
  let lowerBound = buckets[0]!.upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (i > 0) lowerBound = buckets[i - 1]!.upperBound;
    const upperBound = b.upperBound;
    const interp = (v: number): number => (lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound));
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interp(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interp(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
