import { METRIC_NAME, labelsKey } from '../../model/index.js';
import type { Call, Expr, MatrixSelector, SubqueryExpr } from '../parser/index.js';
import { QueryEvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { INSTANT_FUNCTIONS, absentLabels } from './functions-instant.js';
import { RANGE_FUNCTIONS, type Window } from './functions-range.js';
import { formatGoFloat, setLabel } from './labelutil.js';
import { type LoadedSeries, forEachSeries, lastAtOrBefore, matrixToLoaded, upperBound, usableAt } from './selectors.js';
import type { EvalSeries, Matrix } from './types.js';

/** Message for functions that need native histograms, which Vigie does not store. */
export const NATIVE_HISTOGRAMS_UNSUPPORTED = 'native histograms are not supported';

const NATIVE_ONLY = new Set(['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar']);

/** Evaluates a function call over all steps. */
export function evalCall(ev: Evaluator, e: Call): Matrix {
  const name = e.func.name;
  if (NATIVE_ONLY.has(name)) {
    // These functions only read native-histogram samples, which Vigie does not store:
    // fail clearly rather than answer with an empty vector that looks like "no data".
    throw new QueryEvalError(`${NATIVE_HISTOGRAMS_UNSUPPORTED} (${name}())`);
  }
  if (name === 'info') throw new QueryEvalError('info() is not supported');
  if (name === 'label_replace') return labelReplace(ev, e);
  if (name === 'label_join') return labelJoin(ev, e);
  if (name === 'timestamp' && unwrap(e.args[0]!).kind === 'VectorSelector') return timestampOfSelector(ev, e);
  if (name === 'start' || name === 'end' || name === 'range' || name === 'step') {
    const c = ev.ctx;
    const v = name === 'start' ? c.queryStart / 1000 : name === 'end' ? c.queryEnd / 1000 : name === 'range' ? (c.queryEnd - c.queryStart) / 1000 : c.queryStep / 1000;
    return ev.constant(v);
  }
  const matrixIdx = e.args.findIndex((a) => {
    const u = unwrap(a);
    return u.kind === 'MatrixSelector' || u.kind === 'SubqueryExpr';
  });
  if ((name === 'sort' || name === 'sort_desc' || name === 'sort_by_label' || name === 'sort_by_label_desc') && ev.ctx.queryStart !== ev.ctx.queryEnd) {
    ev.ctx.warn('sort is ineffective for range queries since results are always ordered by labels', e.pos);
  }
  if (matrixIdx < 0) {
    const fn = INSTANT_FUNCTIONS.get(name);
    if (!fn) throw new QueryEvalError(`function "${name}" is not implemented`);
    return ev.rangeEval(e.args, (v, ts) => fn(v, ts, e, ev.ctx));
  }
  return rangeCall(ev, e, matrixIdx);
}

export function unwrap(e: Expr): Expr {
  return e.kind === 'ParenExpr' ? unwrap(e.expr) : e;
}

function rangeCall(ev: Evaluator, e: Call, matrixIdx: number): Matrix {
  const name = e.func.name;
  const fn = name === 'absent_over_time' ? () => 1 : RANGE_FUNCTIONS.get(name);
  if (!fn) throw new QueryEvalError(`function "${name}" is not implemented`);
  const arg = unwrap(e.args[matrixIdx]!) as MatrixSelector | SubqueryExpr;
  if (arg.kind === 'MatrixSelector' && (arg.vectorSelector.anchored || arg.vectorSelector.smoothed)) {
    throw new QueryEvalError(`${arg.vectorSelector.anchored ? 'anchored' : 'smoothed'} modifier is not supported`);
  }
  // Scalar parameters, one value per step.
  const params: Float64Array[] = [];
  for (let i = 0; i < e.args.length; i++) if (i !== matrixIdx) params.push(ev.scalarSteps(e.args[i]!));
  if (name === 'double_exponential_smoothing') checkSmoothing(params);
  // Matrix selectors stream their series (one held at a time); subqueries are evaluated first.
  let forEach: (fn: (s: LoadedSeries) => void) => void, off: number, at: number | undefined, range: number;
  if (arg.kind === 'MatrixSelector') {
    const r = ev.rangeSelection(arg);
    ({ off, at, range } = r);
    forEach = (fn) => forEachSeries(ev.ctx, arg.vectorSelector.matchers, r.mint, r.maxt, true, fn);
  } else {
    const child = ev.subqueryEvaluator(arg);
    const m = child.end < child.start ? [] : child.evalMatrix(arg.expr);
    const series = matrixToLoaded(m);
    forEach = (fn) => {
      for (const s of series) fn(s);
      for (const s of series) ev.ctx.releaseSamples(s.n);
    };
    off = ev.offsetOf(arg);
    at = ev.resolveAt(arg.at);
    range = ev.rangeOf(arg);
  }
  const dropName = name !== 'last_over_time' && name !== 'first_over_time';
  const out: Matrix = [];
  const p: number[] = new Array<number>(params.length).fill(0);
  const n = ev.numSteps;
  forEach((s) => {
    ev.ctx.check();
    const res: EvalSeries = { metric: s.metric, dropName: dropName || s.dropName, t: [], v: [] };
    let lo = 0, hi = 0;
    for (let step = 0; step < n; step++) {
      const ts = ev.start + step * ev.interval;
      const rangeEnd = (at ?? ts) - off;
      const rangeStart = rangeEnd - range;
      lo = upperBound(s.t, s.n, rangeStart, lo);
      hi = upperBound(s.t, s.n, rangeEnd, Math.max(lo, hi));
      if (hi <= lo) continue;
      for (let i = 0; i < params.length; i++) p[i] = params[i]![step]!;
      const w: Window = { t: s.t, v: s.v, lo, hi, ts, rangeStart, rangeEnd, range };
      const v = fn(w, p);
      if (v === undefined) continue;
      res.t.push(ts);
      res.v.push(v);
    }
    if (res.t.length > 0) {
      ev.ctx.addSamples(res.t.length);
      out.push(res);
      if ((name === 'rate' || name === 'increase') && arg.kind === 'MatrixSelector') nonCounterInfo(ev, e, s.metric);
    }
  });
  if (name === 'quantile_over_time') {
    const q = params[0];
    if (q && out.length > 0) {
      for (const x of q) {
        if (Number.isNaN(x) || x < 0 || x > 1) {
          ev.ctx.warn(`quantile value should be between 0 and 1, got ${formatGoFloat(x)}`, e.args[0]!.pos);
          break;
        }
      }
    }
  }
  if (name === 'absent_over_time') return absentOverTime(ev, e, out);
  return out;
}

function checkSmoothing(params: Float64Array[]): void {
  for (const sf of params[0] ?? []) if (!(sf > 0 && sf < 1)) throw new QueryEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  for (const tf of params[1] ?? []) if (!(tf > 0 && tf < 1)) throw new QueryEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
}

function nonCounterInfo(ev: Evaluator, e: Call, metric: EvalSeries['metric']): void {
  const name = metric.find((l) => l.name === METRIC_NAME)?.value ?? '';
  if (name === '') return;
  const type = metric.find((l) => l.name === '__type__')?.value;
  if (type !== undefined) {
    if (type !== 'counter' && type !== 'histogram') {
      ev.ctx.info(`metric might not be a counter, __type__ label is not set to "counter" or "histogram", got ${JSON.stringify(type)}: ${JSON.stringify(name)}`, e.args[0]!.pos);
    }
    return;
  }
  if (!/(_total|_sum|_count|_bucket)$/.test(name)) {
    ev.ctx.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`, e.args[0]!.pos);
  }
}

function absentOverTime(ev: Evaluator, e: Call, mat: Matrix): Matrix {
  const n = ev.numSteps;
  for (const s of mat) if (s.t.length === n) return [];
  const found = new Set<number>();
  for (const s of mat) for (const t of s.t) found.add(t);
  if (found.size === n) return [];
  const t: number[] = [], v: number[] = [];
  for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
    if (!found.has(ts)) {
      t.push(ts);
      v.push(1);
    }
  }
  return [{ metric: absentLabels(e.args[0]!), dropName: true, t, v }];
}

function timestampOfSelector(ev: Evaluator, e: Call): Matrix {
  const vs = unwrap(e.args[0]!);
  if (vs.kind !== 'VectorSelector') throw new QueryEvalError('timestamp: expected a selector');
  const { series, off, at } = ev.loadForInstant(vs);
  const out: Matrix = [];
  for (const s of series) {
    const res: EvalSeries = { metric: s.metric, dropName: true, t: [], v: [] };
    let hint = 0;
    for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
      const ref = (at ?? ts) - off;
      const j = lastAtOrBefore(s, ref, hint);
      if (j > 0) hint = j;
      if (!usableAt(s, j, ref, ev.ctx.lookback)) continue;
      res.t.push(ts);
      res.v.push(s.t[j]! / 1000);
    }
    ev.ctx.releaseSamples(s.n);
    if (res.t.length > 0) out.push(res);
  }
  return out;
}

const LABEL_NAME = /^[\s\S]+$/u;

function stringArg(x: Expr): string {
  const e = unwrap(x);
  if (e.kind !== 'StringLiteral') throw new QueryEvalError('expected a string literal argument');
  return e.value;
}

function labelReplace(ev: Evaluator, e: Call): Matrix {
  const dst = stringArg(e.args[1]!), repl = stringArg(e.args[2]!), src = stringArg(e.args[3]!), reStr = stringArg(e.args[4]!);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${reStr.replace(/\(\?P</g, '(?<')})$`, 'su');
  } catch (cause) {
    throw new QueryEvalError(`invalid regular expression in label_replace(): ${reStr}`, { cause });
  }
  if (!LABEL_NAME.test(dst) || !validLabelName(dst)) throw new QueryEvalError(`invalid destination label name in label_replace(): ${dst}`);
  const m = ev.evalMatrix(e.args[0]!);
  for (const s of m) {
    const srcVal = s.metric.find((l) => l.name === src)?.value ?? '';
    const match = re.exec(srcVal);
    if (!match) continue;
    const res = expandTemplate(repl, match);
    s.metric = setLabel(s.metric, dst, res);
    if (dst === METRIC_NAME) s.dropName = false;
  }
  return mergeSameLabels(m);
}

function validLabelName(s: string): boolean {
  return s.length > 0 && !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) && !s.includes('\uFFFD');
}

/** Go regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(tpl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (tpl[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (tpl[i + 1] === '{') {
      const end = tpl.indexOf('}', i + 2);
      if (end < 0) {
        out += c;
        continue;
      }
      name = tpl.slice(i + 2, end);
      if (!/^\w+$/.test(name)) {
        out += c;
        continue;
      }
      i = end;
    } else {
      const mm = /^\w+/.exec(tpl.slice(i + 1));
      if (!mm) {
        out += c;
        continue;
      }
      name = mm[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

function labelJoin(ev: Evaluator, e: Call): Matrix {
  const dst = stringArg(e.args[1]!), sep = stringArg(e.args[2]!);
  const srcs = e.args.slice(3).map(stringArg);
  for (const s of srcs) if (!validLabelName(s)) throw new QueryEvalError(`invalid source label name in label_join(): ${s}`);
  if (!validLabelName(dst)) throw new QueryEvalError(`invalid destination label name in label_join(): ${dst}`);
  const m = ev.evalMatrix(e.args[0]!);
  for (const s of m) {
    const val = srcs.map((n) => s.metric.find((l) => l.name === n)?.value ?? '').join(sep);
    s.metric = setLabel(s.metric, dst, val);
    if (dst === METRIC_NAME) s.dropName = false;
  }
  return mergeSameLabels(m);
}

/**
 * Merges series that now share a label set (non-overlapping points), or fails with
 * Prometheus' "vector cannot contain metrics with the same labelset".
 */
export function mergeSameLabels(m: Matrix): Matrix {
  if (m.length <= 1) return m;
  const by = new Map<string, EvalSeries[]>();
  for (const s of m) {
    const k = labelsKey(s.metric);
    const l = by.get(k);
    if (l) l.push(s);
    else by.set(k, [s]);
  }
  if (by.size === m.length) return m;
  const out: Matrix = [];
  for (const list of by.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const pts: [number, number][] = [];
    for (const s of list) for (let i = 0; i < s.t.length; i++) pts.push([s.t[i]!, s.v[i]!]);
    pts.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < pts.length; i++) if (pts[i]![0] === pts[i - 1]![0]) throw new QueryEvalError('vector cannot contain metrics with the same labelset');
    out.push({ metric: list[0]!.metric, dropName: list[0]!.dropName, t: pts.map((p) => p[0]), v: pts.map((p) => p[1]) });
  }
  return out;
}
