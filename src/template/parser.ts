import type { Command, Node, Operand, ParsedTree, Pipeline } from './ast.js';
import { type Pos, parseError } from './errors.js';
import { type Segment, type Token, lex } from './lexer.js';

/** Deepest nesting of control structures and parentheses accepted (Go has no limit; a stack does). */
export const MAX_NESTING = 100;

type Terminator =
  | { readonly kind: 'end'; readonly pos: Pos }
  | { readonly kind: 'else'; readonly pos: Pos; /** tokens after `else` (`if ...` / `with ...`), empty for a plain else */ readonly rest: readonly Token[] }
  | { readonly kind: 'eof'; readonly pos: Pos };

/**
 * Parses a template into a tree. `functions` is the set of names callable from the template:
 * like Go, an unknown function is a parse error. Throws TemplateError.
 */
export function parseTemplate(name: string, text: string, functions: ReadonlySet<string>, predeclared: readonly string[] = []): ParsedTree {
  return new Parser(name, text, lex(name, text), functions, predeclared).parseAll();
}

class Parser {
  private i = 0;
  private readonly scopes: string[][];
  private depth = 0;
  private rangeDepth = 0;
  private readonly defines = new Map<string, readonly Node[]>();

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly segs: readonly Segment[],
    private readonly functions: ReadonlySet<string>,
    predeclared: readonly string[],
  ) {
    this.scopes = [['$', ...predeclared]];
  }

  parseAll(): ParsedTree {
    const { nodes, term } = this.parseList(true);
    if (term.kind !== 'eof') throw this.err(term.pos, `unexpected {{${term.kind}}}`);
    return { root: nodes, defines: this.defines };
  }

  private err(pos: Pos, problem: string): Error {
    return parseError(this.name, pos, problem);
  }

  private parseList(topLevel: boolean): { nodes: Node[]; term: Terminator } {
    const nodes: Node[] = [];
    for (;;) {
      const seg = this.segs[this.i++];
      if (seg === undefined) return { nodes, term: { kind: 'eof', pos: this.endPos() } };
      if (seg.kind === 'comment') continue;
      if (seg.kind === 'text') {
        nodes.push({ kind: 'text', text: seg.text, pos: seg.pos });
        continue;
      }
      const toks = seg.tokens;
      const first = toks[0];
      if (first === undefined) throw this.err(seg.pos, 'missing value for command');
      if (first.kind === 'identifier') {
        switch (first.value) {
          case 'end':
            if (toks.length > 1) throw this.err(toks[1]!.pos, `unexpected ${describe(toks[1]!)} in end`);
            return { nodes, term: { kind: 'end', pos: seg.pos } };
          case 'else':
            return { nodes, term: { kind: 'else', pos: seg.pos, rest: toks.slice(1) } };
          case 'if':
          case 'with':
            nodes.push(this.parseControl(first.value, toks.slice(1), seg.pos));
            continue;
          case 'range':
            nodes.push(this.parseRange(toks.slice(1), seg.pos));
            continue;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) throw this.err(seg.pos, `{{${first.value}}} outside {{range}}`);
            if (toks.length > 1) throw this.err(toks[1]!.pos, `unexpected ${describe(toks[1]!)} in {{${first.value}}}`);
            nodes.push({ kind: first.value, pos: seg.pos });
            continue;
          case 'template':
            nodes.push(this.parseTemplateCall(toks.slice(1), seg.pos, 'template'));
            continue;
          case 'define':
          case 'block': {
            if (first.value === 'define' && !topLevel) throw this.err(seg.pos, 'unexpected define: only allowed at top level');
            const call = this.parseTemplateCall(toks.slice(1), seg.pos, first.value);
            this.parseDefineBody(call.name, seg.pos);
            if (first.value === 'block') nodes.push(call);
            continue;
          }
          default:
        }
      }
      nodes.push({ kind: 'action', pos: seg.pos, pipe: this.parsePipeline(toks, seg.pos, 'command', true) });
    }
  }

  private endPos(): Pos {
    const lines = this.text.split('\n');
    return { line: lines.length, col: (lines[lines.length - 1] ?? '').length + 1 };
  }

  private enter(pos: Pos): void {
    if (++this.depth > MAX_NESTING) throw this.err(pos, `nesting deeper than ${MAX_NESTING} levels`);
  }

  private parseDefineBody(name: string, pos: Pos): void {
    this.enter(pos);
    const savedScopes = this.scopes.splice(0, this.scopes.length, ['$']);
    const savedRange = this.rangeDepth;
    this.rangeDepth = 0;
    const { nodes, term } = this.parseList(false);
    this.scopes.splice(0, this.scopes.length, ...savedScopes);
    this.rangeDepth = savedRange;
    this.depth--;
    if (term.kind !== 'end') throw this.err(term.kind === 'eof' ? pos : term.pos, term.kind === 'eof' ? `unexpected EOF: {{define "${name}"}} has no {{end}}` : 'unexpected {{else}} in define');
    if (this.defines.has(name)) throw this.err(pos, `template: multiple definition of template "${name}"`);
    this.defines.set(name, nodes);
  }

  private parseTemplateCall(toks: readonly Token[], pos: Pos, keyword: string): Extract<Node, { kind: 'template' }> {
    const nameTok = toks[0];
    if (nameTok === undefined || nameTok.kind !== 'string') throw this.err(nameTok?.pos ?? pos, `expected a quoted template name in {{${keyword}}}`);
    const pipe = toks.length > 1 ? this.parsePipeline(toks.slice(1), toks[1]!.pos, keyword, false) : undefined;
    return { kind: 'template', pos, name: nameTok.value, pipe };
  }

  /** if / with, with their else / else if / else with chains. */
  private parseControl(kind: 'if' | 'with', toks: readonly Token[], pos: Pos): Node {
    this.enter(pos);
    this.scopes.push([]);
    const pipe = this.parsePipeline(toks, pos, kind, true);
    const { nodes, term } = this.parseList(false);
    this.scopes.pop();
    let elseList: Node[] | undefined;
    if (term.kind === 'eof') throw this.err(pos, `unexpected EOF: {{${kind}}} has no {{end}}`);
    if (term.kind === 'else') {
      const next = term.rest[0];
      if (next !== undefined && next.kind === 'identifier' && (next.value === 'if' || next.value === 'with')) {
        // `else if X` is `else` + a nested `if X` that consumes the shared `end`.
        elseList = [this.parseControl(next.value, term.rest.slice(1), term.pos)];
      } else {
        if (next !== undefined) throw this.err(next.pos, `unexpected ${describe(next)} after else`);
        this.scopes.push([]);
        const e = this.parseList(false);
        this.scopes.pop();
        if (e.term.kind !== 'end') throw this.err(e.term.kind === 'eof' ? pos : e.term.pos, e.term.kind === 'eof' ? `unexpected EOF: {{${kind}}} has no {{end}}` : `expected {{end}}, found a second {{else}}`);
        elseList = e.nodes;
      }
    }
    this.depth--;
    return { kind, pos, pipe, list: nodes, elseList };
  }

  private parseRange(toks: readonly Token[], pos: Pos): Node {
    this.enter(pos);
    this.scopes.push([]);
    const pipe = this.parsePipeline(toks, pos, 'range', true);
    this.rangeDepth++;
    const { nodes, term } = this.parseList(false);
    this.rangeDepth--;
    this.scopes.pop();
    let elseList: Node[] | undefined;
    if (term.kind === 'eof') throw this.err(pos, 'unexpected EOF: {{range}} has no {{end}}');
    if (term.kind === 'else') {
      if (term.rest[0] !== undefined) throw this.err(term.rest[0].pos, `unexpected ${describe(term.rest[0])} after else in range`);
      this.scopes.push([]);
      const e = this.parseList(false);
      this.scopes.pop();
      if (e.term.kind !== 'end') throw this.err(e.term.kind === 'eof' ? pos : e.term.pos, e.term.kind === 'eof' ? 'unexpected EOF: {{range}} has no {{end}}' : 'expected {{end}}, found a second {{else}}');
      elseList = e.nodes;
    }
    this.depth--;
    if (pipe.vars.length > 2) throw this.err(pos, 'too many declarations in range');
    return { kind: 'range', pos, pipe, list: nodes, elseList };
  }

  private declared(v: string): boolean {
    return this.scopes.some((s) => s.includes(v));
  }

  /** A pipeline: optional `$x :=` / `$x, $y :=` / `$x =`, then commands separated by `|`. */
  private parsePipeline(toks: readonly Token[], pos: Pos, context: string, allowDecl: boolean): Pipeline {
    let k = 0;
    const vars: string[] = [];
    let isAssign = false;
    if (allowDecl && toks[0]?.kind === 'variable') {
      const t1 = toks[1];
      const t2 = toks[2];
      const t3 = toks[3];
      if (t1?.kind === 'declare' || t1?.kind === 'assign') {
        vars.push(toks[0].value);
        isAssign = t1.kind === 'assign';
        k = 2;
      } else if (context === 'range' && t1?.kind === 'comma' && t2?.kind === 'variable' && t3?.kind === 'declare') {
        vars.push(toks[0].value, t2.value);
        k = 4;
      } else if (t1?.kind === 'comma') {
        throw this.err(t1.pos, context === 'range' ? 'range can only initialize variables with :=' : `too many declarations in ${context}`);
      }
    }
    for (const v of vars) {
      if (isAssign) {
        if (!this.declared(v)) throw this.err(pos, `undefined variable "${v}"`);
      }
    }
    const rest = toks.slice(k);
    if (rest.length === 0) throw this.err(toks[k - 1]?.pos ?? pos, `missing value for ${context}`);
    const cmds: Command[] = [];
    let cur = 0;
    const parseCmd = (): Command => {
      const args: Operand[] = [];
      const startTok = rest[cur];
      while (cur < rest.length) {
        const t = rest[cur]!;
        if (t.kind === 'pipe' || t.kind === 'rparen') break;
        if (args.length > 0 && !t.spaceBefore) throw this.err(t.pos, `missing space before ${describe(t)}?`);
        args.push(this.parseOperand(rest, () => cur, (n) => (cur = n)));
      }
      if (args.length === 0) throw this.err(startTok?.pos ?? pos, `missing value for ${context}`);
      return { pos: startTok?.pos ?? pos, args };
    };
    for (;;) {
      cmds.push(parseCmd());
      const t = rest[cur];
      if (t === undefined) break;
      if (t.kind === 'rparen') throw this.err(t.pos, 'unexpected right paren');
      cur++; // pipe
      if (cur >= rest.length) throw this.err(t.pos, 'missing command after |');
    }
    // Declarations become visible after the pipeline (Go: `{{$x := $x}}` sees the outer $x).
    if (!isAssign) this.scopes[this.scopes.length - 1]!.push(...vars);
    return { pos: rest[0]?.pos ?? pos, vars, isAssign, cmds };
  }

  private parseOperand(toks: readonly Token[], get: () => number, set: (n: number) => void): Operand {
    const t = toks[get()]!;
    set(get() + 1);
    const src = (end: number): string => this.text.slice(t.start, end);
    const fieldsAfter = (): { fields: string[]; end: number } => {
      const fields: string[] = [];
      let end = toks[get() - 1]!.end;
      for (let n = toks[get()]; n !== undefined && n.kind === 'field' && !n.spaceBefore; n = toks[get()]) {
        fields.push(n.value);
        end = n.end;
        set(get() + 1);
      }
      return { fields, end };
    };
    switch (t.kind) {
      case 'dot': {
        const next = toks[get()];
        if (next?.kind === 'field' && !next.spaceBefore) throw this.err(next.pos, 'unexpected . after term "."');
        return { kind: 'dot', pos: t.pos, src: '.' };
      }
      case 'nil':
        return { kind: 'nil', pos: t.pos, src: 'nil' };
      case 'bool':
        return { kind: 'bool', value: t.value === 'true', pos: t.pos, src: t.value };
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos, src: src(t.end) };
      case 'char':
        return { kind: 'number', value: BigInt(t.value.codePointAt(0) ?? 0), pos: t.pos, src: src(t.end) };
      case 'number':
        return { kind: 'number', value: this.numberValue(t), pos: t.pos, src: t.value };
      case 'identifier': {
        if (KEYWORDS.has(t.value)) throw this.err(t.pos, `unexpected <${t.value}> in command`);
        if (!this.functions.has(t.value)) throw this.err(t.pos, `function "${t.value}" not defined`);
        return { kind: 'function', name: t.value, pos: t.pos, src: t.value };
      }
      case 'field': {
        const names = [t.value];
        const { fields, end } = fieldsAfter();
        return { kind: 'field', names: [...names, ...fields], pos: t.pos, src: src(end) };
      }
      case 'variable': {
        if (!this.declared(t.value)) throw this.err(t.pos, `undefined variable "${t.value}"`);
        const { fields, end } = fieldsAfter();
        return { kind: 'variable', name: t.value, fields, pos: t.pos, src: src(end) };
      }
      case 'lparen': {
        this.enter(t.pos);
        // Find the matching paren, then parse the inside as a pipeline.
        let depth = 1;
        let k = get();
        for (; k < toks.length; k++) {
          const kk = toks[k]!.kind;
          if (kk === 'lparen') depth++;
          else if (kk === 'rparen' && --depth === 0) break;
        }
        if (k >= toks.length) throw this.err(t.pos, 'unclosed left paren');
        const inner = toks.slice(get(), k);
        if (inner.length === 0) throw this.err(t.pos, 'missing value for parenthesized pipeline');
        const pipe = this.parsePipeline(inner, t.pos, 'parenthesized pipeline', false);
        this.depth--;
        set(k + 1);
        const { fields, end } = fieldsAfter();
        return { kind: 'paren', pipe, fields, pos: t.pos, src: src(end) };
      }
      default:
        throw this.err(t.pos, `unexpected ${describe(t)} in operand`);
    }
  }

  private numberValue(t: Token): number | bigint {
    const s = t.value.replace(/_/g, '');
    const isHex = /^[+-]?0[xX]/.test(s);
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]/, '');
    if (!isHex && /[.eEpP]/.test(body)) {
      const v = Number(body);
      if (!Number.isFinite(v)) throw this.err(t.pos, `number out of range: ${t.value}`);
      return neg ? -v : v;
    }
    if (isHex && /[.pP]/.test(body)) throw this.err(t.pos, `hexadecimal floating-point numbers are not supported: ${t.value}`);
    const normalized = /^0[0-7]+$/.test(body) ? '0o' + body.slice(1) : body;
    let v: bigint;
    try {
      v = BigInt(normalized);
    } catch {
      throw this.err(t.pos, `bad number syntax: ${JSON.stringify(t.value)}`);
    }
    if (neg) v = -v;
    if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) throw this.err(t.pos, `number out of range: ${t.value}`);
    return v;
  }
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function describe(t: Token): string {
  switch (t.kind) {
    case 'string':
      return `quoted string ${JSON.stringify(t.value)}`;
    case 'field':
      return `field .${t.value}`;
    case 'declare':
      return '":="';
    default:
      return `"${t.value}"`;
  }
}
