import { type Clock, type Logger, systemClock } from '../../common/index.js';
import { compareLabels, labelsKey } from '../../model/index.js';
import type { Queryable } from '../../storage/index.js';
import { type Expr, exprType, parseExpr } from '../parser/index.js';
import { mergeSameLabels } from './calls.js';
import { QueryContext } from './context.js';
import { QueryEvalError } from './errors.js';
import { Evaluator, isString } from './evaluator.js';
import { SelectionRecorder } from './prepare.js';
import { dropMetricName } from './labelutil.js';
import type { Matrix, MatrixSeries, Result, VectorElement } from './types.js';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample, in ms (default 5m). */
  readonly lookbackDelta?: number;
  /** Per-query time limit in ms (default: none). */
  readonly timeoutMs?: number;
  /** Maximum number of points held in memory by one query (default 50,000,000). */
  readonly maxSamples?: number;
  /** Step of subqueries written without one, `[1h:]`, in ms (default 1m). */
  readonly defaultSubqueryStepMs?: number;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/**
 * The PromQL engine (float samples; native histograms are not supported). Stateless
 * between queries: every query opens its own queriers on the given Queryable and closes
 * them before returning. Times are integer ms; ranges inclusive.
 *
 * Errors: `PromQLParseError` (from the parser) for syntax, `QueryEvalError`,
 * `QueryTimeoutError`, `QueryCanceledError`, `TooManySamplesError`.
 */
export class Engine {
  private readonly lookback: number;
  private readonly timeoutMs: number;
  private readonly maxSamples: number;
  private readonly subqueryStep: number;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;

  constructor(opts: EngineOptions = {}) {
    this.lookback = opts.lookbackDelta !== undefined && opts.lookbackDelta > 0 ? opts.lookbackDelta : 5 * 60 * 1000;
    this.timeoutMs = opts.timeoutMs ?? Infinity;
    this.maxSamples = opts.maxSamples ?? 50_000_000;
    this.subqueryStep = opts.defaultSubqueryStepMs ?? 60_000;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
  }

  /** Evaluates `expr` at time `t` (ms). */
  instantQuery(q: Queryable, expr: Expr | string, t: number, signal?: AbortSignal): Promise<Result> {
    return this.source(q, expr, t, t, 0, signal).then((src) => this.run(src, expr, t, t, 0, signal));
  }

  /** Evaluates `expr` at start, start+step, …, ≤ end (ms); the result is always a matrix. */
  rangeQuery(q: Queryable, expr: Expr | string, start: number, end: number, step: number, signal?: AbortSignal): Promise<Result> {
    return this.source(q, expr, start, end, step, signal).then((src) => this.run(src, expr, start, end, step, signal));
  }

  /**
   * What the evaluation reads: `q` itself, or, when `q` fetches asynchronously (`prepare`),
   * the snapshot it prepares for the selections a dry run on no data records.
   */
  private async source(q: Queryable, expr: Expr | string, start: number, end: number, step: number, signal: AbortSignal | undefined): Promise<Queryable> {
    if (!q.prepare) return q;
    const rec = new SelectionRecorder();
    this.run(rec, expr, start, end, step, signal);
    return q.prepare(rec.selections, signal);
  }

  private run(q: Queryable, exprIn: Expr | string, start: number, end: number, step: number, signal: AbortSignal | undefined): Result {
    const query = typeof exprIn === 'string' ? exprIn : '';
    const expr = typeof exprIn === 'string' ? parseExpr(exprIn) : exprIn;
    const instant = step === 0;
    const type = exprType(expr);
    if (!instant) {
      if (step < 0 || !Number.isInteger(step)) throw new QueryEvalError('zero or negative query resolution step widths are not accepted');
      if (end < start) throw new QueryEvalError('end timestamp must not be before start time');
      if (type !== 'scalar' && type !== 'vector') {
        throw new QueryEvalError(`invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`);
      }
    }
    const deadline = this.timeoutMs === Infinity ? Infinity : this.clock.now() + this.timeoutMs;
    const ctx = new QueryContext(q, this.lookback, this.maxSamples, deadline, this.clock, signal, start, end, step, this.subqueryStep);
    const ev = new Evaluator(ctx, start, end, instant ? 1 : step);
    const began = this.clock.now();
    const val = ev.eval(expr);
    this.logger?.debug({ query, ms: this.clock.now() - began }, 'query evaluated');
    const { warnings, infos } = ctx.render(query);
    if (isString(val)) return { type: 'string', value: { t: start, v: val.v }, warnings, infos };
    if (instant) {
      if (type === 'scalar') {
        const s = val[0];
        return { type: 'scalar', value: { t: start, v: s && s.v.length > 0 ? s.v[0]! : NaN }, warnings, infos };
      }
      if (type === 'vector') {
        const seen = new Set<string>();
        const out: VectorElement[] = [];
        for (const s of val) {
          if (s.t.length === 0) continue;
          const metric = s.dropName ? dropMetricName(s.metric) : s.metric;
          const k = labelsKey(metric);
          if (seen.has(k)) throw new QueryEvalError('vector cannot contain metrics with the same labelset');
          seen.add(k);
          out.push({ metric, t: s.t[0]!, v: s.v[0]! });
        }
        return { type: 'vector', value: out, warnings, infos };
      }
    }
    return { type: 'matrix', value: toMatrix(val), warnings, infos };
  }
}

/** Drops names marked for removal, merges what then collides, sorts by labels. */
function toMatrix(m: Matrix): MatrixSeries[] {
  for (const s of m) if (s.dropName) s.metric = dropMetricName(s.metric);
  const merged = mergeSameLabels(m);
  merged.sort((a, b) => compareLabels(a.metric, b.metric));
  return merged.map((s) => ({ metric: s.metric, t: Float64Array.from(s.t), v: Float64Array.from(s.v) }));
}
