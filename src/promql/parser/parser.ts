import { Matcher, MatcherError, type MatchType } from '../../model/index.js';
import type {
  AggregateExpr, AggregateOp, BinaryExpr, BinaryOp, Call, Expr, VectorMatching, NumberLiteral, PositionRange, StringLiteral, VectorSelector,
} from './ast.js';
import { checkExpr } from './check.js';
import { numberLiteral } from './durations.js';
import { goQuote, ParseAbort, PromQLParseError } from './errors.js';
import { getFunction } from './functions.js';
import { isAggregatorToken, type Token, type TokenType } from './token-types.js';
import { unquote } from './literals.js';
import { applyAt, applyExtended, applyOffset, parseRangeOrSubquery } from './modifiers.js';
import { tokenRange, TokenStream } from './tokens.js';

/**
 * Parses a PromQL expression, type-checks it as Prometheus does, and returns its AST.
 * Experimental syntax (duration expressions, anchored/smoothed, fill modifiers, experimental
 * functions and aggregations) is accepted. Throws `PromQLParseError` (and nothing else).
 */
export function parseExpr(input: string): Expr {
  return run(input, (p) => {
    if (p.ts.is('EOF')) p.ts.fail({ start: 0, end: 0 }, 'no expression found in input');
    const e = p.parseBinary(0);
    if (!p.ts.is('EOF')) p.ts.unexpected();
    return checkExpr(e, input);
  });
}

/**
 * Parses a series selector (`up{job="x"}`, `{__name__=~"a.*"}`) as used by `match[]` and
 * returns its matchers (the `__name__` one last when a name was written before the braces).
 * Like Prometheus, no "non-empty matcher" check is made here. Throws `PromQLParseError`.
 */
export function parseMetricSelector(input: string): Matcher[] {
  return run(input, (p) => {
    const t = p.ts.peek();
    if (t.type !== 'LEFT_BRACE' && !METRIC_IDENTIFIER.has(t.type)) p.ts.unexpected();
    p.ts.next();
    const vs = p.parseVectorSelector(t);
    if (!p.ts.is('EOF')) p.ts.unexpected();
    checkExpr(vs, input); // e.g. `{}` is refused as in Prometheus: no non-empty matcher
    return [...vs.matchers];
  });
}

function run<T>(input: string, f: (p: Parser) => T): T {
  try {
    return f(new Parser(input));
  } catch (err) {
    if (err instanceof ParseAbort) throw new PromQLParseError(input, err.range, err.detail);
    if (err instanceof PromQLParseError) throw err;
    // A bug: report it as a parse error at the start rather than leaking another type.
    throw new PromQLParseError(input, { start: 0, end: 0 }, 'unexpected error', { cause: err });
  }
}

/** Tokens that may name a metric (keywords included, as in Prometheus' grammar). */
const METRIC_IDENTIFIER: ReadonlySet<TokenType> = new Set<TokenType>([
  'AVG', 'BOTTOMK', 'BY', 'COUNT', 'COUNT_VALUES', 'FILL', 'FILL_LEFT', 'FILL_RIGHT', 'GROUP', 'IDENTIFIER', 'LAND',
  'LOR', 'LUNLESS', 'MAX', 'METRIC_IDENTIFIER', 'MIN', 'OFFSET', 'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK',
  'WITHOUT', 'START', 'END', 'LIMITK', 'LIMIT_RATIO', 'STEP', 'RANGE', 'ANCHORED', 'SMOOTHED', 'MAX_OF', 'MIN_OF',
]);
/** Keywords accepted as label names in grouping lists. */
const MAYBE_LABEL: ReadonlySet<TokenType> = new Set<TokenType>([
  'AVG', 'BOOL', 'BOTTOMK', 'BY', 'COUNT', 'COUNT_VALUES', 'GROUP', 'GROUP_LEFT', 'GROUP_RIGHT', 'FILL', 'FILL_LEFT',
  'FILL_RIGHT', 'IDENTIFIER', 'IGNORING', 'LAND', 'LOR', 'LUNLESS', 'MAX', 'METRIC_IDENTIFIER', 'MIN', 'OFFSET', 'ON',
  'QUANTILE', 'STDDEV', 'STDVAR', 'SUM', 'TOPK', 'START', 'END', 'ATAN2', 'LIMITK', 'LIMIT_RATIO', 'STEP', 'RANGE',
  'ANCHORED', 'SMOOTHED', 'MAX_OF', 'MIN_OF',
]);
const FUNCTION_TOKENS: ReadonlySet<TokenType> = new Set<TokenType>(['IDENTIFIER', 'START', 'END', 'STEP', 'RANGE', 'MAX_OF', 'MIN_OF']);

/** Binary operator precedence (higher binds tighter); `^` is right-associative. */
const BIN_PREC: Partial<Record<TokenType, number>> = {
  LOR: 1, LAND: 2, LUNLESS: 2, EQLC: 3, NEQ: 3, LTE: 3, LSS: 3, GTE: 3, GTR: 3, TRIM_UPPER: 3, TRIM_LOWER: 3,
  ADD: 4, SUB: 4, MUL: 5, DIV: 5, MOD: 5, ATAN2: 5, POW: 6,
};
const POW_PREC = 6;
const BIN_OP: Partial<Record<TokenType, BinaryOp>> = {
  LOR: 'or', LAND: 'and', LUNLESS: 'unless', EQLC: '==', NEQ: '!=', LTE: '<=', LSS: '<', GTE: '>=', GTR: '>',
  TRIM_UPPER: '</', TRIM_LOWER: '>/', ADD: '+', SUB: '-', MUL: '*', DIV: '/', MOD: '%', ATAN2: 'atan2', POW: '^',
};
const MATCH_OPS: Partial<Record<TokenType, MatchType>> = { EQL: '=', NEQ: '!=', EQL_REGEX: '=~', NEQ_REGEX: '!~' };

/** Recursive-descent parser reproducing the precedence and error texts of Prometheus' yacc grammar. */
class Parser {
  readonly ts: TokenStream;

  constructor(readonly input: string) {
    this.ts = new TokenStream(input);
  }

  /** Binary expressions whose operators have precedence >= minPrec. */
  parseBinary(minPrec: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      const opTok = this.ts.peek();
      const prec = BIN_PREC[opTok.type];
      const op = BIN_OP[opTok.type];
      if (prec === undefined || op === undefined || prec < minPrec) return lhs;
      this.ts.next();
      const mods = this.parseBinModifiers();
      const rhs = this.parseBinary(op === '^' ? prec : prec + 1);
      const bin: BinaryExpr = {
        kind: 'BinaryExpr', op, lhs, rhs, returnBool: mods.returnBool, vectorMatching: mods.vm,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
      lhs = bin;
    }
  }

  /** `+x`/`-x` bind looser than `^` and postfix modifiers, tighter than `*`. */
  private parseUnary(): Expr {
    const t = this.ts.peek();
    if (t.type !== 'ADD' && t.type !== 'SUB') return this.parsePostfix(this.parsePrimary());
    this.ts.next();
    const operand = this.parseBinary(POW_PREC);
    const op = t.type === 'ADD' ? '+' : '-';
    if (operand.kind === 'NumberLiteral') {
      return { ...operand, value: op === '-' ? -operand.value : operand.value, pos: { start: t.pos, end: operand.pos.end } };
    }
    return { kind: 'UnaryExpr', op, expr: operand, pos: { start: t.pos, end: operand.pos.end } };
  }

  /** Range/subquery brackets, offset, @, anchored and smoothed, in any order. */
  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.ts.peek();
      switch (t.type) {
        case 'LEFT_BRACKET':
          e = parseRangeOrSubquery(this.ts, e);
          break;
        case 'OFFSET':
          this.ts.next();
          e = applyOffset(this.ts, e);
          break;
        case 'AT':
          this.ts.next();
          e = applyAt(this.ts, e);
          break;
        case 'ANCHORED':
        case 'SMOOTHED':
          this.ts.next();
          e = applyExtended(this.ts, e, t.type === 'ANCHORED' ? 'anchored' : 'smoothed');
          break;
        default:
          return e;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.ts.peek();
    const next = this.ts.peekAt(1).type;
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        this.ts.next();
        return numberLiteral(this.ts, t);
      case 'STRING':
        this.ts.next();
        return this.stringLiteral(t);
      case 'LEFT_PAREN': {
        this.ts.next();
        const inner = this.parseBinary(0);
        if (!this.ts.is('RIGHT_PAREN')) this.ts.unexpected();
        const close = this.ts.next();
        return { kind: 'ParenExpr', expr: inner, pos: { start: t.pos, end: close.pos + 1 } };
      }
      case 'LEFT_BRACE':
        this.ts.next();
        return this.parseVectorSelector(t);
      default:
        break;
    }
    if (isAggregatorToken(t.type) && (next === 'LEFT_PAREN' || next === 'BY' || next === 'WITHOUT')) {
      this.ts.next();
      return this.parseAggregate(t);
    }
    if (FUNCTION_TOKENS.has(t.type) && next === 'LEFT_PAREN') {
      this.ts.next();
      return this.parseCall(t);
    }
    if (METRIC_IDENTIFIER.has(t.type)) {
      this.ts.next();
      return this.parseVectorSelector(t);
    }
    return this.ts.unexpected();
  }

  private stringLiteral(t: Token): StringLiteral {
    const v = unquote(t.val);
    if (typeof v !== 'string') this.ts.fail(tokenRange(t), `error unquoting string ${goQuote(t.val)}: ${v.error}`);
    return { kind: 'StringLiteral', value: v, pos: tokenRange(t) };
  }

  /** After the metric name (or the `{`, which is then `first`). */
  parseVectorSelector(first: Token): VectorSelector {
    let name = '';
    let end: number;
    let matchers: Matcher[] = [];
    if (first.type === 'LEFT_BRACE') {
      [matchers, end] = this.parseLabelMatchers();
    } else {
      name = first.val;
      end = first.pos + first.val.length;
      if (this.ts.accept('LEFT_BRACE')) [matchers, end] = this.parseLabelMatchers();
      matchers.push(new Matcher('=', '__name__', name));
    }
    return {
      kind: 'VectorSelector', name, matchers, offset: 0, originalOffset: 0, offsetExpr: undefined, at: undefined,
      anchored: false, smoothed: false, bypassEmptyMatcherCheck: false, pos: { start: first.pos, end },
    };
  }

  /** After `{`: matchers up to and including `}`; returns them and the end offset. */
  private parseLabelMatchers(): [Matcher[], number] {
    const out: Matcher[] = [];
    for (;;) {
      const t = this.ts.peek();
      if (t.type === 'RIGHT_BRACE') {
        this.ts.next();
        return [out, t.pos + 1];
      }
      if (t.type !== 'IDENTIFIER' && t.type !== 'STRING') this.ts.unexpected('label matching', 'identifier or "}"');
      this.ts.next();
      out.push(this.parseLabelMatcher(t));
      const sep = this.ts.peek();
      if (sep.type === 'COMMA') {
        this.ts.next();
        continue;
      }
      if (sep.type !== 'RIGHT_BRACE') this.ts.unexpected('label matching', '"," or "}"');
    }
  }

  private parseLabelMatcher(label: Token): Matcher {
    const opTok = this.ts.peek();
    const type = MATCH_OPS[opTok.type];
    let name = label.val;
    if (label.type === 'STRING') {
      name = this.stringLiteral(label).value;
      if (type === undefined) return this.newMatcher('=', '__name__', name, tokenRange(label));
    }
    if (type === undefined) return this.ts.unexpected('label matching', 'label matching operator');
    this.ts.next();
    const value = this.ts.peek();
    if (value.type !== 'STRING') this.ts.unexpected('label matching', 'string');
    this.ts.next();
    return this.newMatcher(type, name, this.stringLiteral(value).value, { start: label.pos, end: value.pos + value.val.length });
  }

  private newMatcher(type: MatchType, name: string, value: string, range: PositionRange): Matcher {
    try {
      return new Matcher(type, name, value);
    } catch (err) {
      if (err instanceof MatcherError) this.ts.fail(range, `error parsing regexp: ${err.message}`);
      throw err;
    }
  }

  /** `( labels )` after by/without/on/ignoring/group_x. */
  parseGroupingLabels(): string[] {
    if (!this.ts.is('LEFT_PAREN')) this.ts.unexpected('grouping opts', '"("');
    this.ts.next();
    const out: string[] = [];
    let afterComma = false;
    for (;;) {
      const t = this.ts.peek();
      if (t.type === 'RIGHT_PAREN' && (out.length === 0 || afterComma)) {
        this.ts.next();
        return out;
      }
      if (t.type === 'STRING') {
        this.ts.next();
        const v = this.stringLiteral(t).value;
        if (!isValidUtf8LabelName(v)) this.ts.fail(tokenRange(t), `invalid label name for grouping: ${goQuote(v)}`);
        out.push(v);
      } else if (MAYBE_LABEL.has(t.type)) {
        this.ts.next();
        out.push(t.val);
      } else {
        this.ts.unexpected('grouping opts', 'label');
      }
      afterComma = false;
      const sep = this.ts.peek();
      if (sep.type === 'COMMA') {
        this.ts.next();
        afterComma = true;
        continue;
      }
      if (sep.type === 'RIGHT_PAREN') {
        this.ts.next();
        return out;
      }
      this.ts.unexpected('grouping opts', '"," or ")"');
    }
  }

  /** bool, on/ignoring(...), group_left/right(...), fill/fill_left/fill_right(...). */
  private parseBinModifiers(): { returnBool: boolean; vm: VectorMatching } {
    const returnBool = this.ts.accept('BOOL') !== undefined;
    let on = false;
    let matchingLabels: string[] = [];
    let card: 'one-to-one' | 'many-to-one' | 'one-to-many' = 'one-to-one';
    let include: string[] = [];
    const t = this.ts.peek();
    if (t.type === 'ON' || t.type === 'IGNORING') {
      this.ts.next();
      on = t.type === 'ON';
      matchingLabels = this.parseGroupingLabels();
      const g = this.ts.peek();
      if (g.type === 'GROUP_LEFT' || g.type === 'GROUP_RIGHT') {
        this.ts.next();
        card = g.type === 'GROUP_LEFT' ? 'many-to-one' : 'one-to-many';
        if (this.ts.is('LEFT_PAREN')) include = this.parseGroupingLabels();
      }
    }
    let lhsFill: number | undefined;
    let rhsFill: number | undefined;
    const f = this.ts.peek();
    if (f.type === 'FILL') {
      this.ts.next();
      lhsFill = rhsFill = this.parseFillValue();
    } else if (f.type === 'FILL_LEFT' || f.type === 'FILL_RIGHT') {
      this.ts.next();
      const v = this.parseFillValue();
      if (f.type === 'FILL_LEFT') lhsFill = v;
      else rhsFill = v;
      const other = f.type === 'FILL_LEFT' ? 'FILL_RIGHT' : 'FILL_LEFT';
      if (this.ts.accept(other)) {
        const w = this.parseFillValue();
        if (other === 'FILL_LEFT') lhsFill = w;
        else rhsFill = w;
      }
    }
    return { returnBool, vm: { card, on, matchingLabels, include, fillValues: { lhs: lhsFill, rhs: rhsFill } } };
  }

  private parseFillValue(): number {
    this.ts.expect('LEFT_PAREN');
    const sign = this.ts.peek();
    let neg = false;
    if (sign.type === 'ADD' || sign.type === 'SUB') {
      this.ts.next();
      neg = sign.type === 'SUB';
    }
    const n = this.ts.peek();
    if (n.type !== 'NUMBER' && n.type !== 'DURATION') this.ts.unexpected();
    this.ts.next();
    const nl: NumberLiteral = numberLiteral(this.ts, n);
    this.ts.expect('RIGHT_PAREN');
    return neg ? -nl.value : nl.value;
  }

  /** `name(args)`; `name` already consumed. */
  private parseCall(nameTok: Token): Call {
    const func = getFunction(nameTok.val);
    if (func === undefined) this.ts.fail(tokenRange(nameTok), `unknown function with name ${goQuote(nameTok.val)}`);
    const [args, end] = this.parseCallBody();
    return { kind: 'Call', func, args, pos: { start: nameTok.pos, end } };
  }

  /** `( expr, ... )`; returns the arguments and the offset after `)`. */
  private parseCallBody(): [Expr[], number] {
    this.ts.expect('LEFT_PAREN');
    const args: Expr[] = [];
    if (this.ts.is('RIGHT_PAREN')) return [args, this.ts.next().pos + 1];
    for (;;) {
      args.push(this.parseBinary(0));
      const t = this.ts.peek();
      if (t.type === 'RIGHT_PAREN') return [args, this.ts.next().pos + 1];
      if (t.type !== 'COMMA') this.ts.unexpected();
      this.ts.next();
      const after = this.ts.peek().type;
      if (after === 'RIGHT_PAREN' || after === 'COMMA') this.ts.fail(tokenRange(t), 'trailing commas not allowed in function call args');
    }
  }

  /** `op [by|without (...)] (args) [by|without (...)]`; `op` already consumed. */
  private parseAggregate(opTok: Token): AggregateExpr {
    let grouping: string[] = [];
    let without = false;
    let modifier = false;
    const m = this.ts.peek();
    if (m.type === 'BY' || m.type === 'WITHOUT') {
      this.ts.next();
      without = m.type === 'WITHOUT';
      grouping = this.parseGroupingLabels();
      modifier = true;
    }
    const [args, bodyEnd] = this.parseCallBody();
    let end = bodyEnd;
    const m2 = this.ts.peek();
    if (!modifier && (m2.type === 'BY' || m2.type === 'WITHOUT')) {
      this.ts.next();
      without = m2.type === 'WITHOUT';
      grouping = this.parseGroupingLabels();
      end = this.lastClosingParen();
    }
    const op = opTok.val.toLowerCase() as AggregateOp;
    const pos = { start: opTok.pos, end };
    if (args.length === 0) this.ts.fail(pos, 'no arguments for aggregate expression provided');
    const withParam = op === 'topk' || op === 'bottomk' || op === 'count_values' || op === 'quantile' || op === 'limitk' || op === 'limit_ratio';
    const desired = withParam ? 2 : 1;
    if (args.length !== desired) {
      this.ts.fail(pos, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
    }
    const expr = args[desired - 1] as Expr;
    return { kind: 'AggregateExpr', op, expr, param: withParam ? args[0] : undefined, grouping, without, pos };
  }

  /** The offset just after the `)` that closed the last grouping list. */
  private lastClosingParen(): number {
    return this.ts.lastConsumedEnd();
  }
}

/** Prometheus' UTF-8 label name rule: any non-empty valid UTF-8 string. */
function isValidUtf8LabelName(s: string): boolean {
  return s.length > 0 && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
