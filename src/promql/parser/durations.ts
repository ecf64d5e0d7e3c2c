import type { DurationExpr, DurationOp, DurationOperand, NumberLiteral, PositionRange } from './ast.js';
import { parseDuration, parseNumber } from './literals.js';
import type { Token, TokenType } from './token-types.js';
import { tokenRange, type TokenStream } from './tokens.js';

/**
 * Duration expressions (`[5m+1m]`, `[step()*2:1m]`, `offset -(1h/2)`), number and duration
 * literals, and `evalDurationExpr`. Parsing follows Prometheus' grammar; values are seconds.
 */

/** Where a syntax error inside a duration expression is reported: `in <context>, expected <expected>`. */
export type ErrorContext = readonly [context: string, expected: string];

const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;
const outOfRange = (v: number): boolean => v > MAX_DURATION_SECONDS || v < -MAX_DURATION_SECONDS;

/** The range of a duration operand. */
export function durationPos(d: DurationOperand): PositionRange {
  return d.pos;
}

/** NUMBER or DURATION token to a NumberLiteral (durations in seconds, `duration: true`). */
export function numberLiteral(ts: TokenStream, t: Token): NumberLiteral {
  if (t.type === 'DURATION') {
    const ms = parseDuration(t.val);
    if (typeof ms !== 'number') ts.fail(tokenRange(t), ms.error);
    return { kind: 'NumberLiteral', value: ms / 1000, duration: true, pos: tokenRange(t) };
  }
  const v = parseNumber(t.val);
  if (typeof v !== 'number') ts.fail(tokenRange(t), `error parsing number: ${v.error}`);
  return { kind: 'NumberLiteral', value: v, duration: false, pos: tokenRange(t) };
}

function checkedLiteral(ts: TokenStream, nl: NumberLiteral, errRange: PositionRange = nl.pos): NumberLiteral {
  if (outOfRange(nl.value)) ts.fail(errRange, 'duration out of range');
  return nl;
}

const BIN_PREC: Partial<Record<TokenType, number>> = { ADD: 1, SUB: 1, MUL: 2, DIV: 2, MOD: 2, POW: 3 };
const BIN_OP: Partial<Record<TokenType, DurationOp>> = { ADD: '+', SUB: '-', MUL: '*', DIV: '/', MOD: '%', POW: '^' };

/** duration_expr with binary operators of precedence >= minPrec. */
export function parseDurationExpr(ts: TokenStream, ctx: ErrorContext, minPrec = 1): DurationOperand {
  return continueDurationExpr(ts, ctx, parseDurationUnary(ts, ctx), minPrec);
}

/** Continues a duration expression whose first operand `lhs` is already parsed. */
export function continueDurationExpr(ts: TokenStream, ctx: ErrorContext, lhs: DurationOperand, minPrec = 1): DurationOperand {
  for (;;) {
    const opTok = ts.peek();
    const prec = BIN_PREC[opTok.type];
    const op = BIN_OP[opTok.type];
    if (prec === undefined || op === undefined || prec < minPrec) return lhs;
    ts.next();
    const rhs = parseDurationExpr(ts, ctx, op === '^' ? prec : prec + 1);
    if ((op === '/' || op === '%') && rhs.kind === 'NumberLiteral' && rhs.value === 0) {
      ts.fail(tokenRange(opTok), op === '/' ? 'division by zero' : 'modulo by zero');
    }
    lhs = { kind: 'DurationExpr', op, lhs, rhs, wrapped: false, pos: { start: lhs.pos.start, end: rhs.pos.end } };
  }
}

function parseDurationUnary(ts: TokenStream, ctx: ErrorContext): DurationOperand {
  const t = ts.peek();
  if (t.type === 'ADD' || t.type === 'SUB') {
    ts.next();
    return applyUnary(ts, t, parseDurationExpr(ts, ctx, 3), false);
  }
  return parseDurationPrimary(ts, ctx);
}

function parseDurationPrimary(ts: TokenStream, ctx: ErrorContext): DurationOperand {
  const t = ts.peek();
  switch (t.type) {
    case 'NUMBER':
    case 'DURATION':
      ts.next();
      return checkedLiteral(ts, numberLiteral(ts, t));
    case 'STEP':
    case 'RANGE':
    case 'MAX_OF':
    case 'MIN_OF':
      return parseDurationCall(ts, ctx);
    case 'LEFT_PAREN': {
      ts.next();
      const inner = parseDurationExpr(ts, ctx);
      if (!ts.is('RIGHT_PAREN')) ts.unexpected(...ctx);
      const close = ts.next();
      return wrapParen(inner, t.pos, close.pos + 1);
    }
    default:
      return ts.unexpected(...ctx);
  }
}

/** step(), range(), min_of(a, b), max_of(a, b). */
export function parseDurationCall(ts: TokenStream, ctx: ErrorContext): DurationExpr {
  const t = ts.next();
  if (!ts.is('LEFT_PAREN')) ts.unexpected(...ctx);
  ts.next();
  if (t.type === 'STEP' || t.type === 'RANGE') {
    if (!ts.is('RIGHT_PAREN')) ts.unexpected(...ctx);
    const close = ts.next();
    const op: DurationOp = t.type === 'STEP' ? 'step' : 'range';
    return { kind: 'DurationExpr', op, lhs: undefined, rhs: undefined, wrapped: false, pos: { start: t.pos, end: close.pos + 1 } };
  }
  const lhs = parseDurationExpr(ts, ctx);
  if (!ts.is('COMMA')) ts.unexpected(...ctx);
  ts.next();
  const rhs = parseDurationExpr(ts, ctx);
  if (!ts.is('RIGHT_PAREN')) ts.unexpected(...ctx);
  const close = ts.next();
  const op: DurationOp = t.type === 'MAX_OF' ? 'max_of' : 'min_of';
  return { kind: 'DurationExpr', op, lhs, rhs, wrapped: false, pos: { start: t.pos, end: close.pos + 1 } };
}

function wrapParen(e: DurationOperand, start: number, end: number): DurationExpr {
  if (e.kind === 'DurationExpr') return { ...e, wrapped: true, pos: { start, end } };
  return { kind: 'DurationExpr', op: '+', lhs: undefined, rhs: e, wrapped: true, pos: { start, end } };
}

/** Prometheus' applyUnaryOpToDurationExpr: folds a sign into a literal, or wraps with unary minus. */
function applyUnary(ts: TokenStream, op: Token, e: DurationOperand, wrapped: boolean): DurationOperand {
  if (wrapped) e = wrapParen(e, e.pos.start, e.pos.end);
  if (e.kind === 'DurationExpr') {
    if (op.type === 'SUB') {
      return { kind: 'DurationExpr', op: '-', lhs: undefined, rhs: e, wrapped: false, pos: { start: op.pos, end: e.pos.end } };
    }
    return e;
  }
  const value = op.type === 'SUB' ? -e.value : e.value;
  if (outOfRange(value)) ts.fail(tokenRange(op), 'duration out of range');
  return { ...e, value, pos: { start: op.pos, end: e.pos.end } };
}

/** Inside `[...]`: a duration expression that must be > 0 when it is a literal. */
export function parsePositiveDuration(ts: TokenStream, ctx: ErrorContext): DurationOperand {
  const d = parseDurationExpr(ts, ctx);
  if (d.kind === 'NumberLiteral' && d.value <= 0) ts.fail(d.pos, 'duration must be greater than 0');
  return d;
}

const OFFSET_CTX: ErrorContext = ['offset', 'number, duration, step(), or range()'];

/**
 * The operand of `offset`: a signed literal, step(), range(), min_of/max_of(...), or a
 * parenthesised duration expression. `foo offset 100 + 2` is `(foo offset 100) + 2`, but a
 * parenthesised operand continues: `offset (1h) * 2` offsets by 2h (as Prometheus' grammar).
 */
export function parseOffsetDuration(ts: TokenStream): DurationOperand {
  const t = ts.peek();
  switch (t.type) {
    case 'NUMBER':
    case 'DURATION':
      ts.next();
      return checkedLiteral(ts, numberLiteral(ts, t));
    case 'STEP':
    case 'RANGE':
    case 'MAX_OF':
    case 'MIN_OF':
      return parseDurationCall(ts, OFFSET_CTX);
    case 'LEFT_PAREN':
      return continueDurationExpr(ts, OFFSET_CTX, parseDurationPrimary(ts, OFFSET_CTX));
    case 'ADD':
    case 'SUB': {
      const n = ts.peekAt(1);
      if (n.type === 'NUMBER' || n.type === 'DURATION') {
        ts.next();
        ts.next();
        const nl = numberLiteral(ts, n);
        const value = t.type === 'SUB' ? -nl.value : nl.value;
        if (outOfRange(value)) ts.fail(tokenRange(t), 'duration out of range');
        return { ...nl, value, pos: { start: t.pos, end: nl.pos.end } };
      }
      if (n.type === 'STEP' || n.type === 'RANGE' || n.type === 'MAX_OF' || n.type === 'MIN_OF') {
        ts.next();
        const call = parseDurationCall(ts, OFFSET_CTX);
        const op: DurationOp = t.type === 'SUB' ? '-' : '+';
        return { kind: 'DurationExpr', op, lhs: undefined, rhs: call, wrapped: false, pos: { start: t.pos, end: call.pos.end } };
      }
      if (n.type === 'LEFT_PAREN') {
        ts.next();
        ts.next();
        const inner = parseDurationExpr(ts, OFFSET_CTX);
        if (!ts.is('RIGHT_PAREN')) ts.unexpected(...OFFSET_CTX);
        const close = ts.next();
        return applyUnary(ts, t, wrapParen(inner, n.pos, close.pos + 1), false);
      }
      return parseDurationExpr(ts, OFFSET_CTX);
    }
    default:
      return ts.unexpected(...OFFSET_CTX);
  }
}

/** Context for evaluating `step()` and `range()`: the query step and range, in ms. */
export interface DurationContext {
  readonly stepMs: number;
  readonly rangeMs: number;
}

/** A duration expression that cannot be evaluated (message as Prometheus: `start:end: detail`). */
export class DurationEvalError extends Error {
  override readonly name = 'DurationEvalError';
}

/**
 * Evaluates a duration operand to ms, as Prometheus' engine does before evaluation: computed in
 * seconds, then truncated to ms. `step()` is the range query step (0 for instant queries),
 * `range()` is end - start. Throws `DurationEvalError` for division/modulo by zero, NaN or
 * infinite results, values out of range, and values <= 0 unless `allowNegative` (offsets).
 */
export function evalDurationExpr(d: DurationOperand, ctx: DurationContext, allowNegative = false): number {
  const sec = evalSeconds(d, ctx);
  const where = `${d.pos.start}:${d.pos.end}`;
  if (!Number.isFinite(sec)) throw new DurationEvalError(`${where}: duration is NaN or infinite`);
  if (sec <= 0 && !allowNegative) throw new DurationEvalError(`${where}: duration must be greater than 0`);
  if (outOfRange(sec)) throw new DurationEvalError(`${where}: duration is out of range`);
  return Math.trunc(sec * 1000);
}

function evalSeconds(d: DurationOperand, ctx: DurationContext): number {
  if (d.kind === 'NumberLiteral') return d.value;
  const l = d.lhs === undefined ? 0 : evalSeconds(d.lhs, ctx);
  const r = d.rhs === undefined ? 0 : evalSeconds(d.rhs, ctx);
  const where = `${d.pos.start}:${d.pos.end}`;
  switch (d.op) {
    case 'step':
      return ctx.stepMs / 1000;
    case 'range':
      return ctx.rangeMs / 1000;
    case '+':
      return l + r;
    case '-':
      return d.lhs === undefined ? -r : l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0) throw new DurationEvalError(`${where}: division by zero`);
      return l / r;
    case '%':
      if (r === 0) throw new DurationEvalError(`${where}: modulo by zero`);
      return l % r;
    case '^':
      return l ** r;
    case 'min_of':
      return Math.min(l, r);
    case 'max_of':
      return Math.max(l, r);
  }
}
