import type { DurationExpr, DurationOperand } from '../parser/index.js';
import { QueryEvalError } from './errors.js';

/**
 * Evaluates a duration expression (`[5m+1m]`, `offset step()*2`) to ms. `step` is the
 * query step and `range` the query's end minus start, both in ms.
 */
export function evalDuration(e: DurationOperand, step: number, range: number): number {
  const sec = evalSeconds(e, step / 1000, range / 1000);
  const ms = Math.round(sec * 1000);
  if (!Number.isFinite(ms)) throw new QueryEvalError(`duration expression evaluated to ${sec}`);
  return ms;
}

function evalSeconds(e: DurationOperand, step: number, range: number): number {
  if (e.kind === 'NumberLiteral') return e.value;
  return evalExpr(e, step, range);
}

function evalExpr(e: DurationExpr, step: number, range: number): number {
  const r = e.rhs === undefined ? 0 : evalSeconds(e.rhs, step, range);
  const l = e.lhs === undefined ? undefined : evalSeconds(e.lhs, step, range);
  switch (e.op) {
    case 'step':
      return step;
    case 'range':
      return range;
    case 'min_of':
      return Math.min(l ?? 0, r);
    case 'max_of':
      return Math.max(l ?? 0, r);
    case '+':
      return l === undefined ? r : l + r;
    case '-':
      return l === undefined ? -r : l - r;
    case '*':
      return (l ?? 0) * r;
    case '/':
      if (r === 0) throw new QueryEvalError('division by zero');
      return (l ?? 0) / r;
    case '%':
      if (r === 0) throw new QueryEvalError('modulo by zero');
      return (l ?? 0) % r;
    case '^':
      return Math.pow(l ?? 0, r);
  }
}
