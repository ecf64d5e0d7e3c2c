import { type Expr, type Engine, parseExpr } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import { type QueryFunc, RuleEvalError } from './contracts.js';

/**
 * A `QueryFunc` over the PromQL engine: an instant query at `tMs`. Parsed expressions are
 * cached per expression text (rules evaluate the same few texts over and over); the cache
 * is bounded (cleared when it passes 10,000 entries).
 */
export function engineQueryFunc(engine: Engine, queryable: Queryable): QueryFunc {
  const parsed = new Map<string, Expr>();
  return async (expr, tMs, signal) => {
    let ast = parsed.get(expr);
    if (ast === undefined) {
      ast = parseExpr(expr);
      if (parsed.size >= 10_000) parsed.clear();
      parsed.set(expr, ast);
    }
    const res = await engine.instantQuery(queryable, ast, tMs, signal);
    if (res.type === 'vector') return res.value.map((e) => ({ metric: e.metric, v: e.v }));
    if (res.type === 'scalar') return [{ metric: [], v: res.value.v }];
    throw new RuleEvalError('rule result is not a vector or scalar');
  };
}
