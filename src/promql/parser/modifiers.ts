import type { DurationExpr, DurationOperand, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';
import { numberLiteral, parseOffsetDuration, parsePositiveDuration, type ErrorContext } from './durations.js';
import { secondsToMs } from './literals.js';
import type { TokenStream } from './tokens.js';

/**
 * Postfix modifiers: `[range]`, `[range:step]`, `offset d`, `@ t` / `@ start()` / `@ end()`,
 * `anchored`, `smoothed`. Each returns a new node (the AST is immutable).
 */

const RANGE_CTX: ErrorContext = ['subquery or range selector', 'number, duration, step(), or range()'];
const STEP_CTX: ErrorContext = ['subquery selector', 'number, duration, step(), range(), or "]"'];

function splitDuration(d: DurationOperand): [number, DurationExpr | undefined] {
  return d.kind === 'NumberLiteral' ? [secondsToMs(d.value), undefined] : [0, d];
}

/** After `expr` with `[` next: a range selector or a subquery. */
export function parseRangeOrSubquery(ts: TokenStream, e: Expr): MatrixSelector | SubqueryExpr {
  const open = ts.next();
  const [range, rangeExpr] = splitDuration(parsePositiveDuration(ts, RANGE_CTX));
  const t = ts.peek();
  if (t.type === 'RIGHT_BRACKET') {
    ts.next();
    const errRange = { start: open.pos, end: t.pos + 1 };
    if (e.kind !== 'VectorSelector') ts.fail(errRange, 'ranges only allowed for vector selectors');
    if (e.originalOffset !== 0 || e.offsetExpr !== undefined) ts.fail(errRange, 'no offset modifiers allowed before range');
    if (e.at !== undefined) ts.fail(errRange, 'no @ modifiers allowed before range');
    return { kind: 'MatrixSelector', vectorSelector: e, range, rangeExpr, pos: { start: e.pos.start, end: t.pos + 1 } };
  }
  if (t.type !== 'COLON') ts.unexpected('subquery or range', '":" or "]"');
  ts.next();
  let step = 0;
  let stepExpr: DurationExpr | undefined;
  if (!ts.is('RIGHT_BRACKET')) {
    [step, stepExpr] = splitDuration(parsePositiveDuration(ts, STEP_CTX));
    if (!ts.is('RIGHT_BRACKET')) ts.unexpected('subquery selector', '"]"');
  }
  const close = ts.next();
  return {
    kind: 'SubqueryExpr', expr: e, range, rangeExpr, step, stepExpr, offset: 0, originalOffset: 0, offsetExpr: undefined,
    at: undefined, pos: { start: e.pos.start, end: close.pos + 1 },
  };
}

const NOT_SELECTOR = 'modifier must be preceded by an instant vector selector or range vector selector or a subquery';

/** After `offset`: parses the duration and applies it to `e`. */
export function applyOffset(ts: TokenStream, e: Expr): Expr {
  const [offset, offsetExpr] = splitDuration(parseOffsetDuration(ts));
  const end = ts.lastConsumedEnd();
  const mods = { offset, originalOffset: offset, offsetExpr };
  const once = (s: { originalOffset: number; offsetExpr: DurationExpr | undefined }): void => {
    if (s.originalOffset !== 0 || s.offsetExpr !== undefined) ts.fail(e.pos, 'offset may not be set multiple times');
  };
  switch (e.kind) {
    case 'VectorSelector':
      once(e);
      return { ...e, ...mods, pos: { start: e.pos.start, end } };
    case 'MatrixSelector':
      once(e.vectorSelector);
      return { ...e, vectorSelector: { ...e.vectorSelector, ...mods }, pos: { start: e.pos.start, end } };
    case 'SubqueryExpr':
      once(e);
      return { ...e, ...mods, pos: { start: e.pos.start, end } };
    default:
      return ts.fail(e.pos, `offset ${NOT_SELECTOR}`);
  }
}

/** Go's `%f`. */
function goFixed6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}

/** After `@`: parses the timestamp (or start()/end()) and applies it to `e`. */
export function applyAt(ts: TokenStream, e: Expr): Expr {
  let at: number | 'start' | 'end';
  const t = ts.peek();
  if (t.type === 'START' || t.type === 'END') {
    ts.next();
    if (!ts.is('LEFT_PAREN')) ts.unexpected('@', 'timestamp');
    ts.next();
    if (!ts.is('RIGHT_PAREN')) ts.unexpected('@', 'timestamp');
    ts.next();
    at = t.type === 'START' ? 'start' : 'end';
  } else {
    let sign = 1;
    if (t.type === 'ADD' || t.type === 'SUB') {
      const n = ts.peekAt(1).type;
      if (n !== 'NUMBER' && n !== 'DURATION') {
        ts.next();
        ts.unexpected('@', 'timestamp');
      }
      ts.next();
      sign = t.type === 'SUB' ? -1 : 1;
    }
    const n = ts.peek();
    if (n.type !== 'NUMBER' && n.type !== 'DURATION') ts.unexpected('@', 'timestamp');
    ts.next();
    const v = sign * numberLiteral(ts, n).value;
    if (!Number.isFinite(v) || v >= 2 ** 63 || v <= -(2 ** 63)) {
      ts.fail(e.pos, `timestamp out of bounds for @ modifier: ${goFixed6(v)}`);
    }
    at = Math.round(v * 1000);
  }
  const end = ts.lastConsumedEnd();
  const once = (s: { at: number | 'start' | 'end' | undefined }): void => {
    if (s.at !== undefined) ts.fail(e.pos, '@ <timestamp> may not be set multiple times');
  };
  switch (e.kind) {
    case 'VectorSelector':
      once(e);
      return { ...e, at, pos: { start: e.pos.start, end } };
    case 'MatrixSelector':
      once(e.vectorSelector);
      return { ...e, vectorSelector: { ...e.vectorSelector, at }, pos: { start: e.pos.start, end } };
    case 'SubqueryExpr':
      once(e);
      return { ...e, at, pos: { start: e.pos.start, end } };
    default:
      return ts.fail(e.pos, `@ ${NOT_SELECTOR}`);
  }
}

/** After `anchored` / `smoothed`. */
export function applyExtended(ts: TokenStream, e: Expr, which: 'anchored' | 'smoothed'): Expr {
  const set = (vs: VectorSelector): VectorSelector => {
    const other = which === 'anchored' ? vs.smoothed : vs.anchored;
    if (other) ts.fail(e.pos, 'anchored and smoothed modifiers cannot be used together');
    return { ...vs, [which]: true };
  };
  switch (e.kind) {
    case 'VectorSelector':
      return set(e);
    case 'MatrixSelector':
      return { ...e, vectorSelector: set(e.vectorSelector) };
    case 'SubqueryExpr':
      return ts.fail(e.pos, `${which} modifier is not supported for subqueries`);
    default:
      return ts.fail(e.pos, `${which} modifier not implemented`);
  }
}
