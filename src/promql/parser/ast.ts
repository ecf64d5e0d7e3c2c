import type { Matcher } from '../../model/index.js';

/**
 * The PromQL abstract syntax tree, as produced by `parseExpr`. Plain immutable data: nodes
 * hold no evaluation state (the engine keeps its own). Every node has a `kind` discriminant
 * and a `pos` range of character offsets into the query (start inclusive, end exclusive,
 * counted in UTF-16 code units of the input string).
 *
 * Times and durations are in milliseconds unless a field says otherwise.
 */

/** The four PromQL value types. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A range of character offsets into the query: `[start, end)`. */
export interface PositionRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Arithmetic binary operators. `</` (trim upper) and `>/` (trim lower) act on native
 * histograms; they bind like comparisons but are not comparisons (no `bool`).
 */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '</' | '>/';
/** Comparison binary operators. */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Set operators (vector/vector only). */
export type SetOp = 'and' | 'or' | 'unless';
/** Every binary operator. */
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;
/** Unary operators. */
export type UnaryOp = '+' | '-';

/** Aggregation operators (`limitk` and `limit_ratio` are experimental in Prometheus). */
export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** How vector elements match in a vector/vector binary operation. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** A function of the function table (see `FUNCTIONS` / `getFunction`). */
export interface FunctionDef {
  readonly name: string;
  /** Types of the declared parameters, in order. */
  readonly argTypes: readonly ValueType[];
  /**
   * 0: exactly `argTypes.length` arguments. n > 0: up to n more arguments of the last type
   * may follow (the last declared one being optional when n > 0 in upstream's sense:
   * accepted counts are `argTypes.length - 1 ..= argTypes.length - 1 + n`).
   * -1: any number (≥ argTypes.length - 1) of arguments of the last type.
   */
  readonly variadic: number;
  readonly returnType: ValueType;
  /** True when Prometheus needs `--enable-feature=promql-experimental-functions` for it. */
  readonly experimental: boolean;
}

/** A scalar number (`1`, `0x1f`, `1e3`, `Inf`, `NaN`) or a duration literal used as seconds (`5m` = 300). */
export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  /** The value; for durations, in seconds (as in Prometheus). */
  readonly value: number;
  /** True when written as a duration (`5m`): printed back as a duration. */
  readonly duration: boolean;
  readonly pos: PositionRange;
}

/** A string literal; `value` is unquoted. */
export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string;
  readonly pos: PositionRange;
}

/**
 * An instant vector selector: `name{matchers} offset … @ …`.
 * `matchers` includes the `__name__` equality matcher when a name was written before the braces.
 */
export interface VectorSelector {
  readonly kind: 'VectorSelector';
  /** The metric name written before the braces ('' when none). */
  readonly name: string;
  readonly matchers: readonly Matcher[];
  /** The offset written in the query, in ms (0 when none or when `offsetExpr` is set). */
  readonly offset: number;
  /** Same value as `offset` (Prometheus' name for the offset as written). */
  readonly originalOffset: number;
  /** A non-literal offset (duration expression with step()/range()/arithmetic); the engine evaluates it. */
  readonly offsetExpr: DurationExpr | undefined;
  /** `@` modifier: a timestamp in ms, `start()`/`end()`, or none. */
  readonly at: number | 'start' | 'end' | undefined;
  /** `anchored` modifier (experimental): only meaningful inside a range selector. */
  readonly anchored: boolean;
  /** `smoothed` modifier (experimental). */
  readonly smoothed: boolean;
  /** True for the second argument of `info()`, which may lack a non-empty matcher. */
  readonly bypassEmptyMatcherCheck: boolean;
  readonly pos: PositionRange;
}

/** A range vector selector: `selector[range]`. Offset/@/anchored/smoothed live on the inner selector. */
export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  readonly vectorSelector: VectorSelector;
  /** The range in ms when a literal (or 0 when `rangeExpr` is set). */
  readonly range: number;
  /** A non-literal range (duration expression); the engine evaluates it. */
  readonly rangeExpr: DurationExpr | undefined;
  readonly pos: PositionRange;
}

/** A subquery: `expr[range:step] offset … @ …`. */
export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  readonly expr: Expr;
  /** Range in ms (0 when `rangeExpr` is set). */
  readonly range: number;
  readonly rangeExpr: DurationExpr | undefined;
  /** Step in ms; 0 = the default (the global evaluation interval), or `stepExpr` is set. */
  readonly step: number;
  readonly stepExpr: DurationExpr | undefined;
  /** The offset written in the query, in ms. */
  readonly offset: number;
  /** Same value as `offset`. */
  readonly originalOffset: number;
  readonly offsetExpr: DurationExpr | undefined;
  readonly at: number | 'start' | 'end' | undefined;
  readonly pos: PositionRange;
}

/** `( expr )`: kept so that printing preserves the user's grouping. */
export interface ParenExpr {
  readonly kind: 'ParenExpr';
  readonly expr: Expr;
  readonly pos: PositionRange;
}

/** `-expr` or `+expr` (scalar or instant vector operand). */
export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  readonly op: UnaryOp;
  readonly expr: Expr;
  readonly pos: PositionRange;
}

/** Fill values of `fill()`, `fill_left()`, `fill_right()` (undefined: no fill on that side). */
export interface VectorMatchFillValues {
  readonly lhs: number | undefined;
  readonly rhs: number | undefined;
}

/** Matching between two instant vectors (`on`/`ignoring`, `group_left`/`group_right`, fill). */
export interface VectorMatching {
  readonly card: VectorMatchCardinality;
  /** True for `on(...)`, false for `ignoring(...)` or no clause. */
  readonly on: boolean;
  readonly matchingLabels: readonly string[];
  /** Extra labels of `group_left(...)`/`group_right(...)`. */
  readonly include: readonly string[];
  readonly fillValues: VectorMatchFillValues;
}

/** `lhs op rhs`. */
export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** The `bool` modifier on a comparison. */
  readonly returnBool: boolean;
  /** Set when both operands are instant vectors; undefined otherwise. */
  readonly vectorMatching: VectorMatching | undefined;
  readonly pos: PositionRange;
}

/** `op [by|without (labels)] ([param,] expr)`. */
export interface AggregateExpr {
  readonly kind: 'AggregateExpr';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** Parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: PositionRange;
}

/** A function call. */
export interface Call {
  readonly kind: 'Call';
  readonly func: FunctionDef;
  readonly args: readonly Expr[];
  readonly pos: PositionRange;
}

/** Operators of a duration expression. */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/**
 * A duration expression (experimental in Prometheus: `[5m+1m]`, `offset step()*2`, `[min_of(range(), 1h)]`).
 * Values are in seconds, like `NumberLiteral.value` for durations.
 * - binary `+ - * / % ^`, `min_of`, `max_of`: `lhs` and `rhs` set;
 * - unary `+`/`-`: `lhs` undefined, `rhs` set;
 * - `step` / `range` (the query step / the range of a range query): both undefined.
 * Evaluate with `evalDurationExpr`.
 */
export interface DurationExpr {
  readonly kind: 'DurationExpr';
  readonly op: DurationOp;
  readonly lhs: DurationOperand | undefined;
  readonly rhs: DurationOperand | undefined;
  /** True when written in parentheses (printing only). */
  readonly wrapped: boolean;
  readonly pos: PositionRange;
}

/** An operand of a duration expression. */
export type DurationOperand = DurationExpr | NumberLiteral;

/**
 * Every PromQL expression. (Duration expressions appear only under `offsetExpr`, `rangeExpr`
 * and `stepExpr`, never as an `Expr`: at top level `step()` is a `Call`.)
 */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call;

/** The value type an expression evaluates to (as Prometheus' `Expr.Type()`). */
export function exprType(e: Expr): ValueType {
  switch (e.kind) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return exprType(e.expr);
    case 'Call':
      return e.func.returnType;
    case 'BinaryExpr':
      return exprType(e.lhs) === 'scalar' && exprType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}
