import { exprType, type BinaryExpr, type Call, type Expr, type PositionRange, type ValueType, type VectorSelector } from './ast.js';
import { goQuote, ParseAbort } from './errors.js';

/**
 * Prometheus' checkAST: type checks in the same order (so the first error is the same one) and
 * normalises binary expressions (no vector matching unless both sides are instant vectors; set
 * operators are many-to-many). Returns the checked tree; throws `ParseAbort` on the first error.
 */
export function checkExpr(e: Expr, input: string): Expr {
  return new Checker(input).check(e);
}

/** Prometheus' names of value types in messages. */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

const isComparison = (op: string): boolean => op === '==' || op === '!=' || op === '<=' || op === '<' || op === '>=' || op === '>';
const isSetOp = (op: string): boolean => op === 'and' || op === 'or' || op === 'unless';
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

class Checker {
  constructor(private readonly input: string) {}

  private fail(range: PositionRange, detail: string): never {
    throw new ParseAbort(range, detail);
  }

  private expectType(e: Expr, want: ValueType, context: string): Expr {
    const checked = this.check(e);
    const t = exprType(checked);
    if (t !== want) this.fail(e.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
    return checked;
  }

  check(e: Expr): Expr {
    switch (e.kind) {
      case 'NumberLiteral':
      case 'StringLiteral':
        return e;
      case 'ParenExpr':
        return { ...e, expr: this.check(e.expr) };
      case 'UnaryExpr': {
        const inner = this.check(e.expr);
        const t = exprType(inner);
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`);
        }
        return { ...e, expr: inner };
      }
      case 'SubqueryExpr': {
        const inner = this.check(e.expr);
        const t = exprType(inner);
        if (t !== 'vector') this.fail(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        return { ...e, expr: inner };
      }
      case 'MatrixSelector':
        this.checkSelector(e.vectorSelector);
        return e;
      case 'VectorSelector':
        this.checkSelector(e);
        return e;
      case 'AggregateExpr': {
        const expr = this.expectType(e.expr, 'vector', 'aggregation expression');
        let param = e.param;
        if (param !== undefined) {
          param = this.expectType(param, e.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
        }
        return { ...e, expr, param };
      }
      case 'Call':
        return this.checkCall(e);
      case 'BinaryExpr':
        return this.checkBinary(e);
    }
  }

  private checkSelector(vs: VectorSelector): void {
    if (vs.name !== '') {
      const before = vs.matchers.slice(0, -1);
      for (const m of before) {
        if (m.name === '__name__') this.fail(vs.pos, `metric name must not be set twice: ${goQuote(vs.name)} or ${goQuote(m.value)}`);
      }
      return;
    }
    if (!vs.bypassEmptyMatcherCheck && !vs.matchers.some((m) => !m.matchesEmpty())) {
      this.fail(vs.pos, 'vector selector must contain at least one non-empty matcher');
    }
  }

  private checkCall(n: Call): Call {
    const f = n.func;
    const nargs = f.argTypes.length;
    if (f.variadic === 0) {
      if (nargs !== n.args.length) this.fail(n.pos, `expected ${nargs} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
    } else {
      const na = nargs - 1;
      if (na > n.args.length) {
        this.fail(n.pos, `expected at least ${na} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
      } else if (f.variadic > 0 && na + f.variadic < n.args.length) {
        this.fail(n.pos, `expected at most ${na + f.variadic} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
      }
    }
    if (f.name === 'info' && n.args.length > 1) {
      const a = n.args[1] as Expr;
      const t = exprType(a);
      if (t !== 'vector') this.fail(n.pos, `expected type ${documentedType('vector')} in call to function "info", got ${documentedType(t)}`);
      if (a.kind === 'VectorSelector' && a.name !== '') this.fail(a.pos, 'expected label selectors only, got vector selector instead');
      else if (a.kind !== 'VectorSelector') this.fail(a.pos, 'expected label selectors only');
    }
    const argsIn = [...n.args];
    const second = argsIn[1];
    if (f.name === 'info' && second?.kind === 'VectorSelector') argsIn[1] = { ...second, bypassEmptyMatcherCheck: true };
    const args: Expr[] = [];
    for (let i = 0; i < argsIn.length; i++) {
      const arg = argsIn[i] as Expr;
      let ti = i;
      if (i >= nargs) {
        if (f.variadic === 0) {
          args.push(...argsIn.slice(i));
          break;
        }
        ti = nargs - 1;
      }
      const checked = this.check(arg);
      const want = f.argTypes[ti];
      const t = exprType(checked);
      if (want !== undefined && t !== want) {
        this.fail(arg.pos, `expected type ${documentedType(want)} in call to function ${goQuote(f.name)}, got ${documentedType(t)}`);
      }
      args.push(checked);
    }
    return { ...n, args };
  }

  /** The operator's range, trimmed of surrounding spaces (end inclusive, as Prometheus). */
  private opRange(n: BinaryExpr): PositionRange {
    let start = n.lhs.pos.end;
    while (start < this.input.length && isSpace(this.input[start])) start++;
    let end = n.rhs.pos.start - 1;
    while (end > start && isSpace(this.input[end])) end--;
    return { start, end };
  }

  private checkBinary(n: BinaryExpr): BinaryExpr {
    const lhs = this.check(n.lhs);
    const rhs = this.check(n.rhs);
    const lt = exprType(lhs);
    const rt = exprType(rhs);
    let vm = n.vectorMatching;
    if (n.returnBool && !isComparison(n.op)) this.fail(this.opRange(n), 'bool modifier can only be used on comparison operators');
    if (isComparison(n.op) && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.fail(this.opRange(n), 'comparisons between scalars must use BOOL modifier');
    }
    if (vm !== undefined && isSetOp(n.op) && vm.card === 'one-to-one') vm = { ...vm, card: 'many-to-many' };
    if (vm !== undefined && vm.on) {
      for (const l1 of vm.matchingLabels) {
        if (vm.include.includes(l1)) this.fail(this.opRange(n), `label ${goQuote(l1)} must not occur in ON and GROUP clause at once`);
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') this.fail(n.lhs.pos, 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector') this.fail(n.rhs.pos, 'binary expression must contain only scalar and instant vector types');
    const hasFill = vm !== undefined && (vm.fillValues.lhs !== undefined || vm.fillValues.rhs !== undefined);
    if ((lt !== 'vector' || rt !== 'vector') && vm !== undefined) {
      if (vm.matchingLabels.length > 0) this.fail(n.pos, 'vector matching only allowed between instant vectors');
      if (hasFill) this.fail(n.pos, 'filling in missing series only allowed between instant vectors');
      vm = undefined;
    } else if (vm !== undefined && isSetOp(n.op)) {
      if (vm.card === 'one-to-many' || vm.card === 'many-to-one') this.fail(n.pos, `no grouping allowed for "${n.op}" operation`);
      if (vm.card !== 'many-to-many') this.fail(n.pos, 'set operations must always be many-to-many');
      if (hasFill) this.fail(n.pos, 'filling in missing series not allowed for set operators');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(n.op)) {
      this.fail(n.pos, `set operator "${n.op}" not allowed in binary scalar expression`);
    }
    return { ...n, lhs, rhs, vectorMatching: vm };
  }
}
