import type { Command, Node, Operand, Pipeline } from './ast.js';
import { FuncError, type FuncContext, type FuncDef, htmlEscape } from './builtins.js';
import { TemplateError, type Pos } from './errors.js';
import { formatValue } from './gofmt.js';
import { SafeHtml, TemplateSample, goTypeName, isMap, mapGet, sortedEntries, truth } from './values.js';

/** A template body with the name its positions refer to. */
export interface NamedBody {
  readonly nodes: readonly Node[];
  /** Name of the template text the nodes were parsed from (for `name:line:col`). */
  readonly source: string;
}

export interface ExecLimits {
  /** Max nodes executed plus range iterations. */
  readonly maxSteps: number;
  /** Max output characters. */
  readonly maxOutput: number;
  /** Max nested `template`/`tmpl` calls. */
  readonly maxDepth: number;
  /** Deadline, performance.now() ms. */
  readonly deadline: number;
}

type Flow = 'break' | 'continue' | undefined;

interface Variable {
  readonly name: string;
  value: unknown;
}

class Frame {
  readonly vars: Variable[];
  constructor(
    readonly name: string,
    readonly source: string,
    root: unknown,
    readonly depth: number,
  ) {
    this.vars = [{ name: '$', value: root }];
  }
  lookup(name: string): Variable | undefined {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i];
    return undefined;
  }
}

/** Runs parsed templates. One Executor per `execute` call (it holds the step count and the output). */
export class Executor {
  private steps = 0;
  private outputLength = 0;

  constructor(
    private readonly templates: ReadonlyMap<string, NamedBody>,
    private readonly funcs: ReadonlyMap<string, FuncDef>,
    private readonly ctxBase: Omit<FuncContext, 'executeTemplate'>,
    private readonly limits: ExecLimits,
  ) {}

  /** Runs `body` named `name` with dot = data; `vars` are predeclared variables (e.g. `$labels`). */
  async run(name: string, body: NamedBody, data: unknown, vars: ReadonlyMap<string, unknown> = new Map(), depth = 0): Promise<string> {
    if (depth > this.limits.maxDepth) throw new TemplateError(`template: ${body.source}: executing "${name}": exceeded maximum template depth (${this.limits.maxDepth})`, body.source, 0, 0);
    const frame = new Frame(name, body.source, data, depth);
    for (const [k, v] of vars) frame.vars.push({ name: k, value: v });
    const out: string[] = [];
    await this.list(frame, body.nodes, data, out);
    return out.join('');
  }

  private fail(frame: Frame, pos: Pos, at: string | undefined, problem: string, cause?: unknown): TemplateError {
    const where = at === undefined ? '' : ` at <${at}>`;
    return new TemplateError(
      `template: ${frame.source}:${pos.line}:${pos.col}: executing "${frame.name}"${where}: ${problem}`,
      frame.source,
      pos.line,
      pos.col,
      cause === undefined ? undefined : { cause },
    );
  }

  private step(frame: Frame, pos: Pos): void {
    this.steps++;
    if (this.steps > this.limits.maxSteps) throw this.fail(frame, pos, undefined, `template ran more than ${this.limits.maxSteps} steps`);
    if ((this.steps & 1023) === 0 && performance.now() > this.limits.deadline) throw this.fail(frame, pos, undefined, 'template execution timed out');
  }

  private write(frame: Frame, pos: Pos, out: string[], s: string): void {
    this.outputLength += s.length;
    if (this.outputLength > this.limits.maxOutput) throw this.fail(frame, pos, undefined, `template output is larger than ${this.limits.maxOutput} characters`);
    out.push(s);
  }

  private async list(frame: Frame, nodes: readonly Node[], dot: unknown, out: string[]): Promise<Flow> {
    for (const node of nodes) {
      this.step(frame, node.pos);
      switch (node.kind) {
        case 'text':
          this.write(frame, node.pos, out, node.text);
          break;
        case 'action': {
          // A declaration in a plain action stays visible until the end of the enclosing block.
          const v = await this.pipeline(frame, node.pipe, dot, false);
          if (node.pipe.vars.length === 0) this.write(frame, node.pos, out, this.printable(v));
          break;
        }
        case 'if':
        case 'with': {
          const mark = frame.vars.length;
          const v = await this.pipeline(frame, node.pipe, dot, false);
          let flow: Flow;
          if (truth(v)) flow = await this.list(frame, node.list, node.kind === 'with' ? v : dot, out);
          else if (node.elseList !== undefined) flow = await this.list(frame, node.elseList, dot, out);
          frame.vars.length = mark;
          if (flow !== undefined) return flow;
          break;
        }
        case 'range': {
          const flow = await this.range(frame, node, dot, out);
          if (flow !== undefined) return flow;
          break;
        }
        case 'template': {
          const target = this.templates.get(node.name);
          if (target === undefined) throw this.fail(frame, node.pos, `template "${node.name}"`, `no such template "${node.name}"`);
          const data = node.pipe === undefined ? undefined : await this.pipeline(frame, node.pipe, dot, false);
          this.write(frame, node.pos, out, await this.run(node.name, target, data, new Map(), frame.depth + 1));
          break;
        }
        case 'break':
        case 'continue':
          return node.kind;
      }
    }
    return undefined;
  }

  private async range(frame: Frame, node: Extract<Node, { kind: 'range' }>, dot: unknown, out: string[]): Promise<Flow> {
    const mark = frame.vars.length;
    const v = await this.pipeline(frame, node.pipe, dot, true);
    let items: [unknown, unknown][];
    if (v === undefined || v === null) items = [];
    else if (Array.isArray(v)) items = v.map((e, i) => [BigInt(i), e]);
    else if (isMap(v)) items = sortedEntries(v);
    else if (typeof v === 'bigint') {
      if (v > BigInt(this.limits.maxSteps)) throw this.fail(frame, node.pos, undefined, `range over ${v} exceeds the step limit`);
      items = Array.from({ length: Math.max(Number(v), 0) }, (_, i) => [BigInt(i), BigInt(i)]);
    } else throw this.fail(frame, node.pos, undefined, `range can't iterate over ${formatValue(v)}`);
    if (items.length === 0) {
      frame.vars.length = mark;
      return node.elseList === undefined ? undefined : this.list(frame, node.elseList, dot, out);
    }
    const [first, second] = node.pipe.vars;
    for (const [k, e] of items) {
      this.step(frame, node.pos);
      const iterMark = frame.vars.length;
      if (second !== undefined && first !== undefined) frame.vars.push({ name: first, value: k }, { name: second, value: e });
      else if (first !== undefined) frame.vars.push({ name: first, value: e });
      const flow = await this.list(frame, node.list, e, out);
      frame.vars.length = iterMark;
      if (flow === 'break') break;
    }
    frame.vars.length = mark;
    return undefined;
  }

  /** Text of a value printed by an action; escaped in html mode unless it is SafeHtml. */
  private printable(v: unknown): string {
    if (v instanceof SafeHtml) return v.html;
    const s = v === undefined || v === null ? '<no value>' : v instanceof TemplateSample ? formatValue(v, false) : formatValue(v);
    return this.ctxBase.html ? htmlEscape(s).replace(/\+/g, '&#43;') : s;
  }

  private async pipeline(frame: Frame, pipe: Pipeline, dot: unknown, isRange: boolean): Promise<unknown> {
    let value: unknown;
    for (let i = 0; i < pipe.cmds.length; i++) {
      value = await this.command(frame, pipe.cmds[i]!, dot, i > 0, value);
    }
    if (!isRange) {
      for (const name of pipe.vars) {
        if (pipe.isAssign) {
          const variable = frame.lookup(name);
          if (variable === undefined) throw this.fail(frame, pipe.pos, name, `undefined variable: ${name}`);
          variable.value = value;
        } else frame.vars.push({ name, value });
      }
    }
    return value;
  }

  private async command(frame: Frame, cmd: Command, dot: unknown, hasFinal: boolean, final: unknown): Promise<unknown> {
    const [head, ...rest] = cmd.args;
    if (head === undefined) throw this.fail(frame, cmd.pos, undefined, 'empty command');
    if (head.kind === 'function') return this.call(frame, head, rest, dot, hasFinal, final);
    if (rest.length > 0 || hasFinal) {
      const method = await this.methodCommand(frame, head, rest, dot, hasFinal, final);
      if (method.found) return method.value;
    }
    if (rest.length > 0 || hasFinal) throw this.fail(frame, head.pos, head.src, `can't give argument to non-function ${head.src}`);
    if (head.kind === 'nil') throw this.fail(frame, head.pos, head.src, 'nil is not a command');
    return this.operand(frame, head, dot);
  }

  private async call(frame: Frame, head: Extract<Operand, { kind: 'function' }>, argNodes: readonly Operand[], dot: unknown, hasFinal: boolean, final: unknown): Promise<unknown> {
    const name = head.name;
    const n = argNodes.length + (hasFinal ? 1 : 0);
    if (name === 'and' || name === 'or') {
      if (n < 1) throw this.fail(frame, head.pos, name, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (let i = 0; i < n; i++) {
        v = i < argNodes.length ? await this.operand(frame, argNodes[i]!, dot) : final;
        if (truth(v) === (name === 'or')) return v;
      }
      return v;
    }
    const fn = this.funcs.get(name);
    if (fn === undefined) throw this.fail(frame, head.pos, name, `"${name}" is not a defined function`);
    if (n < fn.minArgs || n > fn.maxArgs) {
      const want = fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw this.fail(frame, head.pos, name, `wrong number of args for ${name}: want ${want} got ${n}`);
    }
    const args: unknown[] = [];
    for (const a of argNodes) args.push(await this.operand(frame, a, dot));
    if (hasFinal) args.push(final);
    const ctx: FuncContext = {
      ...this.ctxBase,
      executeTemplate: async (tname, data) => {
        const target = this.templates.get(tname);
        if (target === undefined) throw new FuncError(`no such template "${tname}"`);
        return this.run(tname, target, data, new Map(), frame.depth + 1);
      },
    };
    try {
      return await fn.fn(ctx, args);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw this.fail(frame, head.pos, name, `error calling ${name}: ${msg}`, err);
    }
  }

  private async operand(frame: Frame, op: Operand, dot: unknown): Promise<unknown> {
    switch (op.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return undefined;
      case 'bool':
      case 'string':
      case 'number':
        return op.value;
      case 'function':
        return this.call(frame, op, [], dot, false, undefined);
      case 'field':
        return this.fields(frame, op, dot, op.names);
      case 'variable': {
        const v = frame.lookup(op.name);
        if (v === undefined) throw this.fail(frame, op.pos, op.src, `undefined variable: ${op.name}`);
        return this.fields(frame, op, v.value, op.fields);
      }
      case 'paren':
        return this.fields(frame, op, await this.pipeline(frame, op.pipe, dot, false), op.fields);
    }
  }

  /**
   * `.X.Method arg…` (or `… | .X.Method`): a field chain whose last name is a method of the
   * value it is looked up on, called with the arguments. `found: false` when it is not a method.
   */
  private async methodCommand(frame: Frame, head: Operand, argNodes: readonly Operand[], dot: unknown, hasFinal: boolean, final: unknown): Promise<{ found: boolean; value?: unknown }> {
    let receiver: unknown;
    let names: readonly string[];
    if (head.kind === 'field') {
      receiver = dot;
      names = head.names;
    } else if (head.kind === 'variable') {
      const v = frame.lookup(head.name);
      if (v === undefined) throw this.fail(frame, head.pos, head.src, `undefined variable: ${head.name}`);
      receiver = v.value;
      names = head.fields;
    } else if (head.kind === 'paren') {
      receiver = await this.pipeline(frame, head.pipe, dot, false);
      names = head.fields;
    } else return { found: false };
    const last = names[names.length - 1];
    if (last === undefined) return { found: false };
    const target = this.fields(frame, head, receiver, names.slice(0, -1));
    const method = methodOf(target, last);
    if (method === undefined) return { found: false };
    const args: unknown[] = [];
    for (const a of argNodes) args.push(await this.operand(frame, a, dot));
    if (hasFinal) args.push(final);
    return { found: true, value: this.invoke(frame, head, last, target, method, args) };
  }

  private invoke(frame: Frame, op: Operand, name: string, receiver: unknown, method: (...args: unknown[]) => unknown, args: readonly unknown[]): unknown {
    if (method.length !== args.length) throw this.fail(frame, op.pos, op.src, `wrong number of args for ${name}: want ${method.length} got ${args.length}`);
    try {
      return method.apply(receiver, [...args]);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw this.fail(frame, op.pos, op.src, `error calling ${name}: ${msg}`, err);
    }
  }

  private fields(frame: Frame, op: Operand, receiver: unknown, names: readonly string[]): unknown {
    let v = receiver;
    for (const name of names) {
      if (v === undefined || v === null) throw this.fail(frame, op.pos, op.src, `nil pointer evaluating ${goTypeName(v) === 'nil' ? 'interface {}' : goTypeName(v)}.${name}`);
      const method = methodOf(v, name);
      if (method !== undefined) {
        v = this.invoke(frame, op, name, v, method, []);
      } else if (isMap(v)) {
        v = mapGet(v, name);
      } else if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof SafeHtml) && name in v) {
        v = (v as Record<string, unknown>)[name];
      } else {
        throw this.fail(frame, op.pos, op.src, `can't evaluate field ${name} in type ${goTypeName(v)}`);
      }
    }
    return v;
  }
}

/**
 * A Go method of a data value: a function-valued property with an exported (capitalised) name,
 * own or inherited (e.g. `KV.SortedPairs`, `Alerts.Firing`). Its `length` is its arity.
 * Methods win over map keys, as in Go.
 */
function methodOf(v: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (v === null || typeof v !== 'object' || !/^[A-Z]/.test(name)) return undefined;
  const m = (v as Record<string, unknown>)[name];
  return typeof m === 'function' ? (m as (...args: unknown[]) => unknown) : undefined;
}
