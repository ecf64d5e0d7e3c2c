export {
  type AggregateExpr,
  type AggregateOp,
  type ArithmeticOp,
  type BinaryExpr,
  type BinaryOp,
  type Call,
  type ComparisonOp,
  type DurationExpr,
  type DurationOp,
  type DurationOperand,
  type Expr,
  type FunctionDef,
  type MatrixSelector,
  type NumberLiteral,
  type ParenExpr,
  type PositionRange,
  type SetOp,
  type StringLiteral,
  type SubqueryExpr,
  type UnaryExpr,
  type UnaryOp,
  type ValueType,
  type VectorMatchCardinality,
  type VectorMatchFillValues,
  type VectorMatching,
  type VectorSelector,
  exprType,
} from './ast.js';
export { type DurationContext, DurationEvalError, evalDurationExpr } from './durations.js';
export { PromQLParseError } from './errors.js';
export { FUNCTIONS, getFunction } from './functions.js';
export { type JsonValue, exprToJson } from './json.js';
export { formatDuration, parseDuration } from './literals.js';
export { parseExpr, parseMetricSelector } from './parser.js';
export { formatExpr } from './printer.js';
