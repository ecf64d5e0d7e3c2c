import { type Labels, METRIC_NAME, compareLabels, labelsKey } from '../../model/index.js';
import type { Call, Expr } from '../parser/index.js';
import type { QueryContext } from './context.js';
import { formatGoFloat, removeLabels, setLabel } from './labelutil.js';
import { type Bucket, type BucketQuantileResult, bucketFraction, bucketQuantile } from './quantile.js';
import type { Vector } from './types.js';

/** Per-step implementation of a function without range-vector argument. */
export type InstantFn = (vectors: Vector[], ts: number, call: Call, ctx: QueryContext) => Vector;

function simple(f: (x: number) => number): InstantFn {
  return (v) => v[0]!.map((s) => ({ metric: s.metric, t: s.t, v: f(s.v), dropName: true }));
}

const DAY = 86400000;

/** Applies a date function to the argument values (seconds) or to the step time. */
function dateFn(f: (d: Date) => number): InstantFn {
  return (v, ts) => {
    if (v.length === 0) return [{ metric: [], t: ts, v: f(new Date(Math.trunc(ts / 1000) * 1000)), dropName: false }];
    return v[0]!.map((s) => ({ metric: s.metric, t: s.t, v: Number.isFinite(s.v) ? f(new Date(Math.trunc(s.v) * 1000)) : NaN, dropName: true }));
  };
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
}

function sgn(x: number): number {
  return x < 0 ? -1 : x > 0 ? 1 : x;
}

/** Natural-order comparison of strings (numbers in them compared by value), as Prometheus' natsort. */
function natCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [], pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!, y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x), dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+/, ''), ny = y.replace(/^0+/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function labelOf(l: Labels, name: string): string {
  for (const x of l) if (x.name === name) return x.value;
  return '';
}

function stringArgs(args: readonly Expr[]): string[] {
  return args.map((x) => {
    let a = x;
    while (a.kind === 'ParenExpr') a = a.expr;
    return a.kind === 'StringLiteral' ? a.value : '';
  });
}

/** Labels of `absent()`/`absent_over_time()` output: the equality matchers of a plain selector. */
export function absentLabels(arg: Expr): Labels {
  let a = arg;
  while (a.kind === 'ParenExpr') a = a.expr;
  const vs = a.kind === 'VectorSelector' ? a : a.kind === 'MatrixSelector' ? a.vectorSelector : undefined;
  if (!vs) return [];
  const has = new Set<string>();
  const out = new Map<string, string>();
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !has.has(m.name)) {
      if (m.value !== '') out.set(m.name, m.value);
      has.add(m.name);
    } else out.delete(m.name);
  }
  return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, value]) => ({ name, value }));
}

/** Groups classic `le` buckets by series identity without `le` (Prometheus' resetHistograms). */
function classicBuckets(vec: Vector, arg: Expr, ctx: QueryContext): { key: string; metric: Labels; buckets: Bucket[] }[] {
  const groups = new Map<string, { key: string; metric: Labels; buckets: Bucket[] }>();
  const le = new Set(['le']);
  for (const s of vec) {
    const leVal = labelOf(s.metric, 'le');
    const ub = parseGoFloat(leVal);
    if (ub === undefined) {
      const name = labelOf(s.metric, METRIC_NAME);
      ctx.warn(`bucket label "le" is missing or has a malformed value of ${JSON.stringify(leVal)}${name ? ` for metric name ${JSON.stringify(name)}` : ''}`, arg.pos);
      continue;
    }
    const key = labelsKey(removeLabels(s.metric, le));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, metric: removeLabels(s.metric, le), buckets: [] }));
    g.buckets.push({ upperBound: ub, count: s.v });
  }
  return [...groups.values()];
}

function monotonicityInfo(ctx: QueryContext, metric: Labels, arg: Expr, ts: number, r: BucketQuantileResult): void {
  const name = labelOf(metric, METRIC_NAME);
  const msg = `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${name ? ` for metric name ${JSON.stringify(name)}` : ''}`;
  ctx.monotonicityInfo(msg, arg.pos, ts, r.minBucket, r.maxBucket, r.maxDiff);
}

function histogramQuantile(v: Vector[], ts: number, call: Call, ctx: QueryContext): Vector {
  const q = v[0]![0]?.v;
  if (q === undefined) return [];
  if (Number.isNaN(q) || q < 0 || q > 1) ctx.warn(`quantile value should be between 0 and 1, got ${formatGoFloat(q)}`, call.args[0]!.pos);
  const out: Vector = [];
  for (const g of classicBuckets(v[1]!, call.args[1]!, ctx)) {
    const r = bucketQuantile(q, g.buckets);
    if (r.forcedMonotonic) monotonicityInfo(ctx, g.metric, call.args[1]!, ts, r);
    out.push({ metric: g.metric, t: ts, v: r.value, dropName: true });
  }
  return out;
}

/** labels.FormatOpenMetricsFloat: integers get a `.0`. */
function openMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = formatGoFloat(f);
  return /^-?\d+$/.test(s) ? s + '.0' : s;
}

function histogramQuantiles(v: Vector[], ts: number, call: Call, ctx: QueryContext): Vector {
  const label = stringArgs([call.args[1]!])[0]!;
  const qs: number[] = [];
  for (let i = 2; i < v.length; i++) {
    const q = v[i]![0]!.v;
    if (Number.isNaN(q) || q < 0 || q > 1) ctx.warn(`quantile value should be between 0 and 1, got ${formatGoFloat(q)}`, call.args[i]!.pos);
    qs.push(q);
  }
  const groups = classicBuckets(v[0]!, call.args[0]!, ctx);
  const out: Vector = [];
  for (const q of qs) {
    for (const g of groups) {
      const r = bucketQuantile(q, g.buckets);
      if (r.forcedMonotonic) monotonicityInfo(ctx, g.metric, call.args[0]!, ts, r);
      out.push({ metric: setLabel(g.metric, label, openMetricsFloat(q)), t: ts, v: r.value, dropName: true });
    }
  }
  return out;
}

function histogramFraction(v: Vector[], ts: number, call: Call, ctx: QueryContext): Vector {
  const lower = v[0]![0]?.v, upper = v[1]![0]?.v;
  if (lower === undefined || upper === undefined) return [];
  return classicBuckets(v[2]!, call.args[2]!, ctx).map((g) => ({ metric: g.metric, t: ts, v: bucketFraction(lower, upper, g.buckets), dropName: true }));
}

/** Go's strconv.ParseFloat for label values (undefined when invalid). */
export function parseGoFloat(s: string): number | undefined {
  const t = s.trim() === s ? s : '';
  if (t === '') return undefined;
  const l = t.toLowerCase().replace(/^[+]/, '');
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (l === 'nan') return NaN;
  if (!/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?0x[0-9a-f.]+(p[+-]?\d+)?$/i.test(t)) return undefined;
  const v = Number(t.replace(/_/g, ''));
  return Number.isNaN(v) ? undefined : v;
}

/** Functions evaluated step by step on instant vectors and scalars. */
export const INSTANT_FUNCTIONS: ReadonlyMap<string, InstantFn> = new Map<string, InstantFn>([
  ['abs', simple(Math.abs)],
  ['ceil', simple(Math.ceil)],
  ['floor', simple(Math.floor)],
  ['exp', simple(Math.exp)],
  ['sqrt', simple(Math.sqrt)],
  ['ln', simple(Math.log)],
  ['log2', simple(Math.log2)],
  ['log10', simple(Math.log10)],
  ['sin', simple(Math.sin)],
  ['cos', simple(Math.cos)],
  ['tan', simple(Math.tan)],
  ['asin', simple(Math.asin)],
  ['acos', simple(Math.acos)],
  ['atan', simple(Math.atan)],
  ['sinh', simple(Math.sinh)],
  ['cosh', simple(Math.cosh)],
  ['tanh', simple(Math.tanh)],
  ['asinh', simple(Math.asinh)],
  ['acosh', simple(Math.acosh)],
  ['atanh', simple(Math.atanh)],
  ['rad', simple((x) => (x * Math.PI) / 180)],
  ['deg', simple((x) => (x * 180) / Math.PI)],
  ['sgn', simple(sgn)],
  ['pi', (_v, ts) => [{ metric: [], t: ts, v: Math.PI, dropName: false }]],
  ['time', (_v, ts) => [{ metric: [], t: ts, v: ts / 1000, dropName: false }]],
  [
    'round',
    (v) => {
      const toNearest = v.length > 1 ? v[1]![0]!.v : 1;
      const inv = 1 / toNearest;
      return v[0]!.map((s) => ({ metric: s.metric, t: s.t, v: Math.floor(s.v * inv + 0.5) / inv, dropName: true }));
    },
  ],
  ['clamp', (v) => clamp(v[0]!, v[1]![0]!.v, v[2]![0]!.v)],
  ['clamp_max', (v) => clamp(v[0]!, -Infinity, v[1]![0]!.v)],
  ['clamp_min', (v) => clamp(v[0]!, v[1]![0]!.v, Infinity)],
  [
    'scalar',
    (v, ts) => {
      const vec = v[0]!;
      return [{ metric: [], t: ts, v: vec.length === 1 ? vec[0]!.v : NaN, dropName: false }];
    },
  ],
  ['vector', (v, ts) => [{ metric: [], t: ts, v: v[0]![0]!.v, dropName: false }]],
  ['timestamp', (v) => v[0]!.map((s) => ({ metric: s.metric, t: s.t, v: s.t / 1000, dropName: true }))],
  ['absent', (v, ts, call) => (v[0]!.length > 0 ? [] : [{ metric: absentLabels(call.args[0]!), t: ts, v: 1, dropName: false }])],
  ['sort', (v) => v[0]!.slice().sort((a, b) => sortAsc(a.v, b.v))],
  ['sort_desc', (v) => v[0]!.slice().sort((a, b) => sortDesc(a.v, b.v))],
  [
    'sort_by_label',
    (v, _ts, call) => {
      const names = stringArgs(call.args.slice(1));
      return v[0]!.slice().sort((a, b) => byLabels(a.metric, b.metric, names));
    },
  ],
  [
    'sort_by_label_desc',
    (v, _ts, call) => {
      const names = stringArgs(call.args.slice(1));
      return v[0]!.slice().sort((a, b) => byLabels(b.metric, a.metric, names));
    },
  ],
  ['histogram_quantile', histogramQuantile],
  ['histogram_fraction', histogramFraction],
  ['histogram_quantiles', histogramQuantiles],
  ['days_in_month', dateFn((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate())],
  ['day_of_month', dateFn((d) => d.getUTCDate())],
  ['day_of_week', dateFn((d) => d.getUTCDay())],
  ['day_of_year', dateFn(dayOfYear)],
  ['hour', dateFn((d) => d.getUTCHours())],
  ['minute', dateFn((d) => d.getUTCMinutes())],
  ['month', dateFn((d) => d.getUTCMonth() + 1)],
  ['year', dateFn((d) => d.getUTCFullYear())],
  ['max_of', (v, ts) => [{ metric: [], t: ts, v: Math.max(...v.map((x) => x[0]!.v)), dropName: false }]],
  ['min_of', (v, ts) => [{ metric: [], t: ts, v: Math.min(...v.map((x) => x[0]!.v)), dropName: false }]],
]);

/** sort(): ascending, NaN last (Prometheus' reverse of a heap with NaN "smallest"). */
function sortAsc(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

/** sort_desc(): descending, NaN last. */
function sortDesc(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return b - a;
}

function byLabels(a: Labels, b: Labels, names: readonly string[]): number {
  for (const n of names) {
    const x = labelOf(a, n), y = labelOf(b, n);
    if (x === y) continue;
    return natCompare(x, y) < 0 ? -1 : 1;
  }
  return compareLabels(a, b);
}

function clamp(vec: Vector, min: number, max: number): Vector {
  if (max < min) return [];
  return vec.map((s) => ({ metric: s.metric, t: s.t, v: Math.max(min, Math.min(max, s.v)), dropName: true }));
}
