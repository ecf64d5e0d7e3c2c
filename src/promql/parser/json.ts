import type { DurationOperand, Expr } from './ast.js';
import { formatFloat } from './literals.js';

/** A JSON value (the shape of `/api/v1/parse_query` data). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The AST in the JSON shape of Prometheus' `/api/v1/parse_query` (web/api/v1/translate_ast.go):
 * `{type: "vectorSelector" | "matrixSelector" | "subquery" | "binaryExpr" | "aggregation" | "call" |
 * "numberLiteral" | "stringLiteral" | "parenExpr" | "unaryExpr", ...}`; times in ms; keys sorted
 * as Go's encoder writes them.
 */
export function exprToJson(e: Expr): JsonValue {
  switch (e.kind) {
    case 'AggregateExpr':
      return sorted({
        type: 'aggregation', op: e.op, expr: exprToJson(e.expr), param: e.param === undefined ? null : exprToJson(e.param),
        grouping: [...e.grouping], without: e.without,
      });
    case 'BinaryExpr': {
      const m = e.vectorMatching;
      const matching: JsonValue = m === undefined ? null : sorted({
        card: m.card, labels: [...m.matchingLabels], on: m.on, include: [...m.include],
        fillValues: sorted({ lhs: m.fillValues.lhs ?? null, rhs: m.fillValues.rhs ?? null }),
      });
      return sorted({ type: 'binaryExpr', op: e.op, lhs: exprToJson(e.lhs), rhs: exprToJson(e.rhs), matching, bool: e.returnBool });
    }
    case 'Call':
      return sorted({
        type: 'call',
        func: sorted({ name: e.func.name, argTypes: [...e.func.argTypes], variadic: e.func.variadic, returnType: e.func.returnType }),
        args: e.args.map(exprToJson),
      });
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return sorted({
        type: 'matrixSelector', name: vs.name, range: e.range, rangeExpr: durationJson(e.rangeExpr), offset: vs.originalOffset,
        offsetExpr: durationJson(vs.offsetExpr), matchers: matchersJson(vs), timestamp: typeof vs.at === 'number' ? vs.at : null,
        startOrEnd: typeof vs.at === 'string' ? vs.at : null, anchored: vs.anchored, smoothed: vs.smoothed,
      });
    }
    case 'SubqueryExpr':
      return sorted({
        type: 'subquery', expr: exprToJson(e.expr), range: e.range, rangeExpr: durationJson(e.rangeExpr), offset: e.originalOffset,
        offsetExpr: durationJson(e.offsetExpr), step: e.step, stepExpr: durationJson(e.stepExpr),
        timestamp: typeof e.at === 'number' ? e.at : null, startOrEnd: typeof e.at === 'string' ? e.at : null,
      });
    case 'NumberLiteral':
      return sorted({ type: 'numberLiteral', val: formatFloat(e.value) });
    case 'ParenExpr':
      return sorted({ type: 'parenExpr', expr: exprToJson(e.expr) });
    case 'StringLiteral':
      return sorted({ type: 'stringLiteral', val: e.value });
    case 'UnaryExpr':
      return sorted({ type: 'unaryExpr', op: e.op, expr: exprToJson(e.expr) });
    case 'VectorSelector':
      return sorted({
        type: 'vectorSelector', name: e.name, offset: e.originalOffset, offsetExpr: durationJson(e.offsetExpr),
        matchers: matchersJson(e), timestamp: typeof e.at === 'number' ? e.at : null,
        startOrEnd: typeof e.at === 'string' ? e.at : null, anchored: e.anchored, smoothed: e.smoothed,
      });
  }
}

function durationJson(d: DurationOperand | undefined): JsonValue {
  if (d === undefined) return null;
  if (d.kind === 'NumberLiteral') return sorted({ type: 'numberLiteral', val: formatFloat(d.value), duration: d.duration });
  return sorted({ type: 'durationExpr', op: d.op, lhs: durationJson(d.lhs), rhs: durationJson(d.rhs), wrapped: d.wrapped });
}

function matchersJson(vs: { matchers: readonly { name: string; value: string; type: string }[] }): JsonValue {
  return vs.matchers.map((m) => sorted({ name: m.name, value: m.value, type: m.type }));
}

function sorted(o: { [key: string]: JsonValue }): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] ?? null;
  return out;
}
