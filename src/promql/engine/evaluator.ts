import { type Labels, labelsKey } from '../../model/index.js';
import type { Expr, MatrixSelector, SubqueryExpr, VectorSelector } from '../parser/index.js';
import { exprType } from '../parser/index.js';
import type { QueryContext } from './context.js';
import { evalDuration } from './durations.js';
import { QueryEvalError, TooManySamplesError } from './errors.js';
import { type LoadedSeries, forEachSeries, lastAtOrBefore, loadSeries, upperBound, usableAt } from './selectors.js';
import type { EvalSeries, Matrix, StringValue, Vector } from './types.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { evalCall } from './calls.js';

/** What a node evaluates to: a matrix over the evaluator's steps (vectors and scalars), or a string. */
export type Value = Matrix | StringValue;

export function isString(v: Value): v is StringValue {
  return !Array.isArray(v);
}

/** Per-step callback of `rangeEval`: input vectors at `ts` → output vector. */
export type StepFn = (vectors: Vector[], ts: number, step: number) => Vector;

/**
 * Evaluates expressions over the steps start, start+interval, …, end (inclusive), all
 * steps of a node at once, as Prometheus does. Instant queries use start === end.
 * Holds no state besides its time range; per-query state lives in QueryContext.
 */
export class Evaluator {
  constructor(
    readonly ctx: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {}

  get numSteps(): number {
    return Math.floor((this.end - this.start) / this.interval) + 1;
  }

  /** Evaluates `e`; matrices of scalars hold one label-less series with a point per step. */
  eval(e: Expr): Value {
    this.ctx.check();
    switch (e.kind) {
      case 'NumberLiteral':
        return this.constant(e.value);
      case 'StringLiteral':
        return { kind: 'string', v: e.value };
      case 'ParenExpr':
        return this.eval(e.expr);
      case 'UnaryExpr': {
        const m = this.evalMatrix(e.expr);
        if (e.op === '-') {
          for (const s of m) {
            s.dropName = true;
            for (let i = 0; i < s.v.length; i++) s.v[i] = -s.v[i]!;
          }
        }
        return m;
      }
      case 'VectorSelector':
        return this.vectorSelector(e);
      case 'MatrixSelector':
        if (this.start !== this.end) throw new QueryEvalError('cannot do range evaluation of matrix selector');
        return this.matrixSelectorInstant(e);
      case 'SubqueryExpr':
        return this.subquery(e);
      case 'BinaryExpr':
        return evalBinary(this, e);
      case 'AggregateExpr':
        return evalAggregate(this, e);
      case 'Call':
        return evalCall(this, e);
    }
  }

  /** Evaluates an expression known to yield a matrix (vector or scalar type). */
  evalMatrix(e: Expr): Matrix {
    const v = this.eval(e);
    if (isString(v)) throw new QueryEvalError(`unexpected string value for ${e.kind}`);
    return v;
  }

  /** A scalar series with `value` at every step. */
  constant(value: number): Matrix {
    const n = this.numSteps;
    // Counted before allocating: a subquery such as [10y:1ms] must fail the limit, not the allocation.
    this.ctx.addSamples(n);
    const t: number[] = new Array<number>(n);
    const v: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      t[i] = this.start + i * this.interval;
      v[i] = value;
    }
    return [{ metric: [], dropName: false, t, v }];
  }

  /** Scalar values per step of a scalar-typed expression (NaN where missing). */
  scalarSteps(e: Expr): Float64Array {
    const m = this.evalMatrix(e);
    if (this.numSteps > this.ctx.maxSamples) throw new TooManySamplesError();
    const out = new Float64Array(this.numSteps).fill(NaN);
    const s = m[0];
    if (s) for (let i = 0; i < s.t.length; i++) out[(s.t[i]! - this.start) / this.interval] = s.v[i]!;
    return out;
  }

  resolveAt(at: number | 'start' | 'end' | undefined): number | undefined {
    if (at === 'start') return this.ctx.queryStart;
    if (at === 'end') return this.ctx.queryEnd;
    return at;
  }

  offsetOf(e: VectorSelector | SubqueryExpr): number {
    return e.offsetExpr ? evalDuration(e.offsetExpr, this.ctx.queryStep, this.ctx.queryEnd - this.ctx.queryStart) : e.offset;
  }

  rangeOf(e: MatrixSelector | SubqueryExpr): number {
    return e.rangeExpr ? evalDuration(e.rangeExpr, this.ctx.queryStep, this.ctx.queryEnd - this.ctx.queryStart) : e.range;
  }

  /**
   * Loads the series of a vector selector for instant selection over this evaluator's
   * steps: [firstRef - lookback, lastRef], stale markers kept.
   */
  loadForInstant(e: VectorSelector): { series: LoadedSeries[]; off: number; at: number | undefined } {
    const off = this.offsetOf(e);
    const at = this.resolveAt(e.at);
    const refMin = (at ?? this.start) - off;
    const refMax = (at ?? this.end) - off;
    return { series: loadSeries(this.ctx, e.matchers, refMin - this.ctx.lookback + 1, refMax, false), off, at };
  }

  private vectorSelector(e: VectorSelector): Matrix {
    // Series are read one at a time: only the selected step points are kept.
    const off = this.offsetOf(e);
    const at = this.resolveAt(e.at);
    const refMin = (at ?? this.start) - off;
    const refMax = (at ?? this.end) - off;
    const out: Matrix = [];
    const lookback = this.ctx.lookback;
    const steps = this.numSteps;
    // Series with a point at every step share one timestamp array (never mutated downstream).
    let allSteps: number[] | undefined;
    forEachSeries(this.ctx, e.matchers, refMin - lookback + 1, refMax, false, (s) => {
      let t: number[] = [];
      const v: number[] = [];
      let hint = 0;
      for (let ts = this.start; ts <= this.end; ts += this.interval) {
        const ref = (at ?? ts) - off;
        const j = lastAtOrBefore(s, ref, hint);
        if (j > 0) hint = j;
        if (!usableAt(s, j, ref, lookback)) continue;
        t.push(ts);
        v.push(s.v[j]!);
      }
      if (t.length > 0) {
        this.ctx.addSamples(t.length);
        if (t.length === steps) t = allSteps ??= t;
        out.push({ metric: s.metric, dropName: false, t, v });
      }
    });
    return out;
  }

  /** The sample range [mint, maxt] a matrix selector reads for windows ending at this evaluator's steps. */
  rangeSelection(ms: MatrixSelector): { mint: number; maxt: number; off: number; at: number | undefined; range: number } {
    const vs = ms.vectorSelector;
    const off = this.offsetOf(vs);
    const at = this.resolveAt(vs.at);
    const range = this.rangeOf(ms);
    const refMin = (at ?? this.start) - off;
    const refMax = (at ?? this.end) - off;
    return { mint: refMin - range + 1, maxt: refMax, off, at, range };
  }

  /** Loads a matrix selector's series for windows ending at this evaluator's steps (stale markers dropped). */
  loadForRange(ms: MatrixSelector): { series: LoadedSeries[]; off: number; at: number | undefined; range: number } {
    const { mint, maxt, off, at, range } = this.rangeSelection(ms);
    return { series: loadSeries(this.ctx, ms.vectorSelector.matchers, mint, maxt, true), off, at, range };
  }

  private matrixSelectorInstant(ms: MatrixSelector): Matrix {
    const { series, off, at, range } = this.loadForRange(ms);
    const ref = (at ?? this.start) - off;
    const out: Matrix = [];
    for (const s of series) {
      const lo = upperBound(s.t, s.n, ref - range);
      const hi = upperBound(s.t, s.n, ref, lo);
      if (hi > lo) out.push({ metric: s.metric, dropName: s.dropName, t: Array.from(s.t.subarray(lo, hi)), v: Array.from(s.v.subarray(lo, hi)) });
    }
    return out;
  }

  /** The child evaluator of a subquery (Prometheus' absolute step alignment). */
  subqueryEvaluator(e: SubqueryExpr): Evaluator {
    const off = this.offsetOf(e);
    const range = this.rangeOf(e);
    const at = this.resolveAt(e.at);
    const step = e.stepExpr
      ? evalDuration(e.stepExpr, this.ctx.queryStep, this.ctx.queryEnd - this.ctx.queryStart)
      : e.step !== 0
        ? e.step
        : this.ctx.defaultSubqueryStep;
    if (step <= 0) throw new QueryEvalError('subquery step must be positive');
    const outerStart = at ?? this.start;
    const outerEnd = at ?? this.start + Math.floor((this.end - this.start) / this.interval) * this.interval;
    const end = outerEnd - off;
    const lower = outerStart - off - range;
    let start = step * Math.trunc(lower / step);
    if (start <= lower) start += step;
    return new Evaluator(this.ctx, start, end, step);
  }

  private subquery(e: SubqueryExpr): Matrix {
    const child = this.subqueryEvaluator(e);
    if (child.end < child.start) return [];
    return child.evalMatrix(e.expr);
  }

  /**
   * Evaluates `exprs` (string-typed ones are skipped: their slot gets an empty vector),
   * then calls `fn` once per step with the inputs at that step, and assembles the output.
   * For an instant evaluation the output order of `fn` is preserved.
   */
  rangeEval(exprs: readonly (Expr | undefined)[], fn: StepFn): Matrix {
    return this.rangeEvalMatrices(exprs.map((e) => (e === undefined || exprType(e) === 'string' ? [] : this.evalMatrix(e))), fn);
  }

  /** rangeEval over already evaluated inputs. */
  rangeEvalMatrices(mats: readonly Matrix[], fn: StepFn): Matrix {
    const cursors = mats.map((m) => new Int32Array(m.length));
    const vectors: Vector[] = mats.map(() => []);
    const instant = this.start === this.end;
    const bySeries = new Map<string, EvalSeries>();
    // Output label sets are usually the same objects from step to step: look them up by
    // identity first, by content (labelsKey) only for a label set not seen before.
    const byMetric = new Map<Labels, EvalSeries>();
    let step = 0;
    for (let ts = this.start; ts <= this.end; ts += this.interval, step++) {
      this.ctx.check();
      for (let i = 0; i < mats.length; i++) {
        const m = mats[i]!;
        const cur = cursors[i]!;
        const vec: Vector = [];
        for (let si = 0; si < m.length; si++) {
          const s = m[si]!;
          const c = cur[si]!;
          if (c < s.t.length && s.t[c] === ts) {
            vec.push({ metric: s.metric, t: ts, v: s.v[c]!, dropName: s.dropName });
            cur[si] = c + 1;
          }
        }
        vectors[i] = vec;
      }
      const res = fn(vectors, ts, step);
      if (instant) {
        const out: Matrix = res.map((smp) => ({ metric: smp.metric, dropName: smp.dropName, t: [ts], v: [smp.v] }));
        this.ctx.addSamples(out.length);
        return out;
      }
      this.ctx.addSamples(res.length);
      for (const smp of res) {
        let s = byMetric.get(smp.metric);
        if (!s) {
          const key = labelsKey(smp.metric);
          s = bySeries.get(key);
          if (!s) {
            s = { metric: smp.metric, dropName: smp.dropName, t: [], v: [] };
            bySeries.set(key, s);
          }
          byMetric.set(smp.metric, s);
        }
        if (s.t.length > 0 && s.t[s.t.length - 1] === ts) {
          throw new QueryEvalError('vector cannot contain metrics with the same labelset');
        }
        s.t.push(ts);
        s.v.push(smp.v);
      }
    }
    return [...bySeries.values()];
  }
}
