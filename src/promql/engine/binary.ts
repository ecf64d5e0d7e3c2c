import { type Labels, METRIC_NAME, compareLabels, labelsKey } from '../../model/index.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/index.js';
import { exprType } from '../parser/index.js';
import { QueryEvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { dropMetricName, keepLabels, removeLabels, setLabel } from './labelutil.js';
import type { EvalSeries, Matrix, Sample, Vector } from './types.js';

/** Go's math.Pow special cases that differ from JS' `**`. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if ((x === -1) && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

/** Operators whose result no longer has the meaning of the input metric (the name is dropped). */
function changesMetricSchema(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^' || op === 'atan2';
}

/** scalar op scalar; comparisons return 0/1. */
export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    case '%': return l % r;
    case '^': return goPow(l, r);
    case 'atan2': return Math.atan2(l, r);
    case '==': return l === r ? 1 : 0;
    case '!=': return l !== r ? 1 : 0;
    case '>': return l > r ? 1 : 0;
    case '<': return l < r ? 1 : 0;
    case '>=': return l >= r ? 1 : 0;
    case '<=': return l <= r ? 1 : 0;
    case '</':
    case '>/':
      return NaN;
    case 'and':
    case 'or':
    case 'unless':
      throw new QueryEvalError(`operator "${op}" not allowed for scalar operations`);
  }
}

/** Element operation: [value, keep]. For comparisons the value is the left operand. */
function elemBinop(op: BinaryOp, l: number, r: number): [number, boolean] {
  if (COMPARISON.has(op)) return [l, scalarBinop(op, l, r) === 1];
  if (op === '</' || op === '>/') return [0, false];
  return [scalarBinop(op, l, r), true];
}

/** Prometheus' labels.String(): `{a="x", b="y"}` with every label, `__name__` included. */
function labelsString(l: Labels): string {
  return '{' + l.map((x) => `${x.name}=${JSON.stringify(x.value)}`).join(', ') + '}';
}

/** Evaluates a binary expression over all steps. */
export function evalBinary(ev: Evaluator, e: BinaryExpr): Matrix {
  const lt = exprType(e.lhs);
  const rt = exprType(e.rhs);
  if (lt === 'scalar' && rt === 'scalar') {
    return ev.rangeEval([e.lhs, e.rhs], (v) => [{ metric: [], t: 0, v: scalarBinop(e.op, v[0]![0]!.v, v[1]![0]!.v), dropName: false }]);
  }
  if (lt === 'vector' && rt === 'vector') {
    const m: VectorMatching = e.vectorMatching ?? {
      card: e.op === 'and' || e.op === 'or' || e.op === 'unless' ? 'many-to-many' : 'one-to-one',
      on: false, matchingLabels: [], include: [], fillValues: { lhs: undefined, rhs: undefined },
    };
    const sig = signatureFn(m);
    switch (e.op) {
      case 'and':
        return ev.rangeEval([e.lhs, e.rhs], (v) => vectorAnd(v[0]!, v[1]!, sig));
      case 'or':
        return ev.rangeEval([e.lhs, e.rhs], (v) => vectorOr(v[0]!, v[1]!, sig));
      case 'unless':
        return ev.rangeEval([e.lhs, e.rhs], (v) => vectorUnless(v[0]!, v[1]!, sig));
      default: {
        const lhs = ev.evalMatrix(e.lhs);
        const rhs = ev.evalMatrix(e.rhs);
        const fast = oneToOneFast(ev, e.op, lhs, rhs, m, e.returnBool, sig);
        if (fast) return fast;
        const cache = new Map<Labels, Map<Labels, Labels>>();
        return ev.rangeEvalMatrices([lhs, rhs], (v) => vectorBinop(e.op, v[0]!, v[1]!, m, e.returnBool, sig, cache));
      }
    }
  }
  const swap = lt === 'scalar';
  const lm = ev.evalMatrix(e.lhs);
  const rm = ev.evalMatrix(e.rhs);
  const fast = vectorScalarFast(ev, e.op, swap ? rm : lm, swap ? lm : rm, swap, e.returnBool);
  if (fast) return fast;
  return ev.rangeEvalMatrices([lm, rm], (v) => {
    const vec = swap ? v[1]! : v[0]!;
    const s = swap ? v[0]![0]! : v[1]![0]!;
    return vectorScalarBinop(e.op, vec, s.v, swap, e.returnBool);
  });
}

type SigFn = (l: Labels) => string;

/** Matching signature: the `on` labels, or all but `ignoring` labels and the name. */
function signatureFn(m: VectorMatching): SigFn {
  const names = new Set(m.matchingLabels);
  if (!m.on) names.add(METRIC_NAME);
  const cache = new WeakMap<Labels, string>();
  return (l) => {
    let s = cache.get(l);
    if (s === undefined) {
      s = '';
      for (const x of l) if (names.has(x.name) === m.on) s += x.name + '\u0000' + x.value + '\u0001';
      cache.set(l, s);
    }
    return s;
  };
}

function vectorAnd(lhs: Vector, rhs: Vector, sig: SigFn): Vector {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const present = new Set<string>();
  for (const r of rhs) present.add(sig(r.metric));
  return lhs.filter((l) => present.has(sig(l.metric)));
}

function vectorOr(lhs: Vector, rhs: Vector, sig: SigFn): Vector {
  if (lhs.length === 0) return rhs.slice();
  if (rhs.length === 0) return lhs.slice();
  const present = new Set<string>();
  const out = lhs.slice();
  for (const l of lhs) present.add(sig(l.metric));
  for (const r of rhs) if (!present.has(sig(r.metric))) out.push(r);
  return out;
}

function vectorUnless(lhs: Vector, rhs: Vector, sig: SigFn): Vector {
  if (lhs.length === 0 || rhs.length === 0) return lhs.slice();
  const present = new Set<string>();
  for (const r of rhs) present.add(sig(r.metric));
  return lhs.filter((l) => !present.has(sig(l.metric)));
}

function matchLabels(l: Labels, m: VectorMatching): Labels {
  const names = new Set(m.matchingLabels);
  if (m.on) return keepLabels(l, names);
  names.add(METRIC_NAME);
  return removeLabels(l, names);
}

function vectorBinop(op: BinaryOp, lhsIn: Vector, rhsIn: Vector, m: VectorMatching, returnBool: boolean, sig: SigFn, cache: Map<Labels, Map<Labels, Labels>>): Vector {
  const fillL = m.fillValues.lhs;
  const fillR = m.fillValues.rhs;
  if ((lhsIn.length === 0 && rhsIn.length === 0) || ((lhsIn.length === 0 || rhsIn.length === 0) && fillL === undefined && fillR === undefined)) return [];
  let lhs = lhsIn, rhs = rhsIn;
  const oneToMany = m.card === 'one-to-many';
  if (oneToMany) [lhs, rhs] = [rhs, lhs];
  const rightSigs = new Map<string, Sample>();
  for (const rs of rhs) {
    const s = sig(rs.metric);
    const dup = rightSigs.get(s);
    if (dup) {
      let d1 = labelsString(rs.metric), d2 = labelsString(dup.metric);
      if (d1 > d2) [d1, d2] = [d2, d1];
      throw new QueryEvalError(
        `found duplicate series for the match group ${labelsString(matchLabels(rs.metric, m))} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${d1}, ${d2}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    rightSigs.set(s, rs);
  }
  const matchedOne = new Set<string>();
  const matchedMany = new Map<string, Set<string>>();
  const out: Vector = [];
  const doOp = (ls: Sample, rs: Sample, s: string): void => {
    let fl = ls.v, fr = rs.v;
    if (oneToMany) [fl, fr] = [fr, fl];
    const [v0, keep] = elemBinop(op, fl, fr);
    const value = returnBool ? (keep ? 1 : 0) : v0;
    const metric = resultMetric(ls.metric, rs.metric, op, m, cache);
    if (m.card === 'one-to-one') {
      if (matchedOne.has(s)) throw new QueryEvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matchedOne.add(s);
    } else {
      const key = labelsKey(metric);
      let set = matchedMany.get(s);
      if (!set) matchedMany.set(s, (set = new Set()));
      if (set.has(key)) throw new QueryEvalError('multiple matches for labels: grouping labels must ensure unique matches');
      set.add(key);
    }
    if (!keep && !returnBool) return;
    out.push({ metric, t: ls.t, v: value, dropName: returnBool });
  };
  for (const ls of lhs) {
    const s = sig(ls.metric);
    let rs = rightSigs.get(s);
    if (!rs) {
      if (fillR === undefined) continue;
      rs = { metric: matchLabels(ls.metric, m), t: ls.t, v: fillR, dropName: false };
    }
    doOp(ls, rs, s);
  }
  if (fillL !== undefined) {
    for (const rs of rhs) {
      const s = sig(rs.metric);
      if (m.card === 'one-to-one' ? matchedOne.has(s) : (matchedMany.get(s)?.size ?? 0) > 0) continue;
      doOp({ metric: matchLabels(rs.metric, m), t: rs.t, v: fillL, dropName: false }, rs, s);
    }
  }
  return out;
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, m: VectorMatching, cache: Map<Labels, Map<Labels, Labels>>): Labels {
  // Keyed by identity: the same input label sets come back at every step.
  let byRhs = cache.get(lhs);
  if (!byRhs) cache.set(lhs, (byRhs = new Map<Labels, Labels>()));
  const hit = byRhs.get(rhs);
  if (hit) return hit;
  let l = lhs;
  if (changesMetricSchema(op)) l = dropMetricName(l);
  if (m.card === 'one-to-one') l = m.on ? keepLabels(l, new Set(m.matchingLabels)) : removeLabels(l, new Set(m.matchingLabels));
  for (const name of m.include) {
    const v = rhs.find((x) => x.name === name)?.value ?? '';
    l = setLabel(l, name, v);
  }
  byRhs.set(rhs, l);
  return l;
}

function vectorScalarBinop(op: BinaryOp, vec: Vector, scalar: number, swap: boolean, returnBool: boolean): Vector {
  const out: Vector = [];
  const cmp = COMPARISON.has(op);
  for (const s of vec) {
    const l = swap ? scalar : s.v;
    const r = swap ? s.v : scalar;
    let [value, keep] = elemBinop(op, l, r);
    if (cmp && swap) value = r;
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ metric: s.metric, t: s.t, v: value, dropName: s.dropName || changesMetricSchema(op) || returnBool });
  }
  return out;
}

/** Sorts a matrix by labels (range-query results). */
export function sortMatrix(m: Matrix): Matrix {
  return m.sort((a, b) => compareLabels(a.metric, b.metric));
}

/** One output series of a fast path, with the step of its first point (for rangeEval's order). */
interface Pending {
  series: EvalSeries;
  first: number;
}

/**
 * Orders fast-path output as rangeEval would (by first step, then input order), counts the
 * points and returns the matrix.
 */
function finishFast(ev: Evaluator, pending: Pending[]): Matrix {
  let pts = 0;
  for (const p of pending) pts += p.series.t.length;
  ev.ctx.addSamples(pts);
  pending.sort((a, b) => a.first - b.first);
  return pending.map((p) => p.series);
}

/**
 * vector op vector, one-to-one without fill values, when the matching signatures are
 * unique on each side and the result label sets are distinct: every lhs series then has
 * at most one partner for the whole range, so the pairs and their result labels are
 * computed once and the values are combined series by series (no per-step vectors).
 * Returns undefined when the per-step evaluation is needed (it raises the errors).
 */
function oneToOneFast(ev: Evaluator, op: BinaryOp, lhs: Matrix, rhs: Matrix, m: VectorMatching, returnBool: boolean, sig: SigFn): Matrix | undefined {
  if (m.card !== 'one-to-one' || m.fillValues.lhs !== undefined || m.fillValues.rhs !== undefined) return undefined;
  const right = new Map<string, EvalSeries>();
  for (const r of rhs) {
    const s = sig(r.metric);
    if (right.has(s)) return undefined;
    right.set(s, r);
  }
  const seenLeft = new Set<string>();
  const pairs: [EvalSeries, EvalSeries, Labels][] = [];
  const resultKeys = new Set<string>();
  const cache = new Map<Labels, Map<Labels, Labels>>();
  for (const l of lhs) {
    const s = sig(l.metric);
    if (seenLeft.has(s)) return undefined;
    seenLeft.add(s);
    const r = right.get(s);
    if (!r) continue;
    const metric = resultMetric(l.metric, r.metric, op, m, cache);
    const k = labelsKey(metric);
    if (resultKeys.has(k)) return undefined;
    resultKeys.add(k);
    pairs.push([l, r, metric]);
  }
  const cmp = COMPARISON.has(op);
  const trim = op === '</' || op === '>/';
  const pending: Pending[] = [];
  for (const [l, r, metric] of pairs) {
    ev.ctx.check();
    const t: number[] = [], v: number[] = [];
    const lt = l.t, lv = l.v, rt = r.t, rv = r.v;
    let i = 0, j = 0;
    while (i < lt.length && j < rt.length) {
      const a = lt[i]!, b = rt[j]!;
      if (a < b) {
        i++;
        continue;
      }
      if (b < a) {
        j++;
        continue;
      }
      const fl = lv[i]!, fr = rv[j]!;
      i++;
      j++;
      let value: number, keep: boolean;
      if (cmp) {
        keep = scalarBinop(op, fl, fr) === 1;
        value = fl;
      } else if (trim) {
        keep = false;
        value = 0;
      } else {
        keep = true;
        value = scalarBinop(op, fl, fr);
      }
      if (returnBool) value = keep ? 1 : 0;
      else if (!keep) continue;
      t.push(a);
      v.push(value);
    }
    if (t.length > 0) pending.push({ series: { metric, dropName: returnBool, t, v }, first: t[0]! });
  }
  return finishFast(ev, pending);
}

/**
 * vector op scalar (or scalar op vector with `swap`), series by series. Returns undefined
 * when two input series share a label set (the per-step evaluation raises the error).
 */
function vectorScalarFast(ev: Evaluator, op: BinaryOp, vec: Matrix, scalar: Matrix, swap: boolean, returnBool: boolean): Matrix | undefined {
  if (op === 'and' || op === 'or' || op === 'unless') return undefined;
  if (vec.length > 1) {
    const keys = new Set<string>();
    for (const s of vec) {
      const k = labelsKey(s.metric);
      if (keys.has(k)) return undefined;
      keys.add(k);
    }
  }
  const n = ev.numSteps;
  const sv = new Float64Array(n).fill(NaN);
  const sc = scalar[0];
  if (sc) for (let i = 0; i < sc.t.length; i++) sv[(sc.t[i]! - ev.start) / ev.interval] = sc.v[i]!;
  const cmp = COMPARISON.has(op);
  const trim = op === '</' || op === '>/';
  const changes = changesMetricSchema(op);
  const pending: Pending[] = [];
  for (const s of vec) {
    ev.ctx.check();
    const st = s.t, svals = s.v;
    // Comparisons drop points: a filtered copy of the timestamps; otherwise the same ones.
    let t: number[] = st;
    let filtered = false;
    const v: number[] = [];
    for (let i = 0; i < st.length; i++) {
      const x = sv[(st[i]! - ev.start) / ev.interval]!;
      const l = swap ? x : svals[i]!;
      const r = swap ? svals[i]! : x;
      let value: number, keep: boolean;
      if (cmp) {
        keep = scalarBinop(op, l, r) === 1;
        value = swap ? r : l;
      } else if (trim) {
        keep = false;
        value = 0;
      } else {
        keep = true;
        value = scalarBinop(op, l, r);
      }
      if (returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) {
        if (!filtered) {
          filtered = true;
          t = st.slice(0, i);
        }
        continue;
      }
      if (filtered) t.push(st[i]!);
      v.push(value);
    }
    if (v.length > 0) pending.push({ series: { metric: s.metric, dropName: s.dropName || changes || returnBool, t, v }, first: t[0]! });
  }
  return finishFast(ev, pending);
}
