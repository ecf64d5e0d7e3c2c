import type { Matcher } from '../../model/index.js';
import type {
  AggregateExpr, BinaryExpr, DurationExpr, DurationOperand, Expr, SubqueryExpr, VectorSelector,
} from './ast.js';
import { goQuote } from './errors.js';
import { formatDuration, formatFloat, formatFloatV } from './literals.js';

/**
 * Formats an expression as Prometheus does: `String()` (one line, canonical spacing, matchers
 * sorted) or, with `pretty`, `Pretty(0)` (nodes longer than `lineWidth` bytes, 100 by default as
 * in Prometheus, split over indented lines). The output parses back to the same AST (positions
 * and matcher order aside).
 */
export function formatExpr(expr: Expr, pretty = false, lineWidth = 100): string {
  return pretty ? prettyExpr(expr, 0, lineWidth) : exprString(expr);
}

/** A label name as written in grouping lists: bare when a legacy name, else quoted. */
function labelName(s: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s) ? s : goQuote(s);
}
const labelList = (ls: readonly string[]): string => ls.map(labelName).join(', ');

/** Prometheus' Matcher.String(): `name="value"` (the name quoted unless a legacy label name). */
export function matcherString(m: Matcher): string {
  const name = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

function offsetString(offset: number, offsetExpr: DurationExpr | undefined): string {
  if (offsetExpr !== undefined) return ` offset ${durationExprString(offsetExpr)}`;
  if (offset > 0) return ` offset ${formatDuration(offset)}`;
  if (offset < 0) return ` offset -${formatDuration(-offset)}`;
  return '';
}

function atString(at: number | 'start' | 'end' | undefined): string {
  if (at === undefined) return '';
  if (at === 'start') return ' @ start()';
  if (at === 'end') return ' @ end()';
  return ` @ ${(at / 1000).toFixed(3)}`;
}

/** A duration operand as written: `5m`, `step() * 2`, `(1h + 5m)`. */
export function durationExprString(d: DurationOperand): string {
  if (d.kind === 'NumberLiteral') return exprString(d);
  let s: string;
  switch (d.op) {
    case 'step':
    case 'range':
      s = `${d.op}()`;
      break;
    case 'min_of':
    case 'max_of':
      s = `${d.op}(${opnd(d.lhs)}, ${opnd(d.rhs)})`;
      break;
    default:
      if (d.lhs === undefined) s = d.op === '-' ? `-${opnd(d.rhs)}` : opnd(d.rhs);
      else s = `${opnd(d.lhs)} ${d.op} ${opnd(d.rhs)}`;
  }
  return d.wrapped ? `(${s})` : s;
}
const opnd = (d: DurationOperand | undefined): string => (d === undefined ? '' : durationExprString(d));

function vectorSelectorString(vs: VectorSelector, modifiers: boolean): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === '__name__' && m.type === '=' && m.value === vs.name && m.value !== '') continue;
    parts.push(matcherString(m));
  }
  let s = vs.name;
  if (parts.length > 0) s += `{${parts.sort(compareGoStrings).join(',')}}`;
  if (!modifiers) return s;
  s += atString(vs.at);
  if (vs.anchored) s += ' anchored';
  else if (vs.smoothed) s += ' smoothed';
  return s + offsetString(vs.originalOffset, vs.offsetExpr);
}

/** Byte-wise comparison (Go's sort.Strings) for the characters that matter here. */
function compareGoStrings(a: string, b: string): number {
  const ea = Buffer.from(a, 'utf8');
  const eb = Buffer.from(b, 'utf8');
  return Buffer.compare(ea, eb);
}

function aggOpString(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

function matchingString(e: BinaryExpr): string {
  const vm = e.vectorMatching;
  if (vm === undefined) return '';
  let s = '';
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.matchingLabels.length > 0 || vm.on || grouped) s += ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.matchingLabels)})`;
  if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include)})`;
  const { lhs, rhs } = vm.fillValues;
  if (lhs !== undefined && rhs !== undefined && lhs === rhs) {
    s += ` fill (${formatFloatV(lhs)})`;
  } else {
    if (lhs !== undefined) s += ` fill_left (${formatFloatV(lhs)})`;
    if (rhs !== undefined) s += ` fill_right (${formatFloatV(rhs)})`;
  }
  return s;
}

function subquerySuffix(e: SubqueryExpr): string {
  const step = e.stepExpr !== undefined ? durationExprString(e.stepExpr) : e.step !== 0 ? formatDuration(e.step) : '';
  const range = e.rangeExpr !== undefined ? durationExprString(e.rangeExpr) : formatDuration(e.range);
  return `[${range}:${step}]${atString(e.at)}${offsetString(e.originalOffset, e.offsetExpr)}`;
}

/** Prometheus' String() of a node. */
export function exprString(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral':
      if (e.duration) return e.value < 0 ? `-${formatDuration(-e.value * 1000)}` : formatDuration(e.value * 1000);
      return formatFloat(e.value);
    case 'StringLiteral':
      return goQuote(e.value);
    case 'ParenExpr':
      return `(${exprString(e.expr)})`;
    case 'UnaryExpr':
      return `${e.op}${exprString(e.expr)}`;
    case 'VectorSelector':
      return vectorSelectorString(e, true);
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr !== undefined ? durationExprString(e.rangeExpr) : formatDuration(e.range);
      const ext = vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
      return `${vectorSelectorString(vs, false)}[${range}]${ext}${atString(vs.at)}${offsetString(vs.originalOffset, vs.offsetExpr)}`;
    }
    case 'SubqueryExpr':
      return `${exprString(e.expr)}${subquerySuffix(e)}`;
    case 'Call':
      return `${e.func.name}(${e.args.map(exprString).join(', ')})`;
    case 'AggregateExpr':
      return `${aggOpString(e)}(${e.param !== undefined ? `${exprString(e.param)}, ` : ''}${exprString(e.expr)})`;
    case 'BinaryExpr':
      return `${exprString(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e)} ${exprString(e.rhs)}`;
  }
}

const indent = (n: number): string => '  '.repeat(n);
/** Prometheus' Pretty(level); nodes longer than `width` bytes are split. */
function prettyExpr(e: Expr, level: number, width: number): string {
  const needsSplit = (x: Expr): boolean => Buffer.byteLength(exprString(x), 'utf8') > width;
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + exprString(e);
      let s = `${indent(level)}${aggOpString(e)}(\n`;
      if (e.param !== undefined) s += `${prettyExpr(e.param, level + 1, width)},\n`;
      return `${s}${prettyExpr(e.expr, level + 1, width)}\n${indent(level)})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(e)) return indent(level) + exprString(e);
      const head = `${indent(level)}${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e)}`;
      return `${prettyExpr(e.lhs, level + 1, width)}\n${head}\n${prettyExpr(e.rhs, level + 1, width)}`;
    }
    case 'Call':
      if (!needsSplit(e)) return indent(level) + exprString(e);
      return `${indent(level)}${e.func.name}(\n${e.args.map((a) => prettyExpr(a, level + 1, width)).join(',\n')}\n${indent(level)})`;
    case 'ParenExpr':
      if (!needsSplit(e)) return indent(level) + exprString(e);
      return `${indent(level)}(\n${prettyExpr(e.expr, level + 1, width)}\n${indent(level)})`;
    case 'SubqueryExpr':
      if (!needsSplit(e)) return exprString(e);
      return `${prettyExpr(e.expr, level, width)}${subquerySuffix(e)}`;
    case 'UnaryExpr':
      return `${indent(level)}${e.op}${prettyExpr(e.expr, level, width).trim()}`;
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return indent(level) + exprString(e);
  }
}
