import { type Pos, parseError } from './errors.js';

/**
 * Lexer for the Go text/template subset: splits a template into text and actions
 * (`{{ ... }}`, with `{{-` / `-}}` trim markers and `{{/* comments *\/}}`), and each
 * action into tokens. Errors are TemplateError with the template name, line and column.
 */

export type TokenKind =
  | 'field' // .Name (value: Name)
  | 'dot' // .
  | 'variable' // $ or $name (value includes the $)
  | 'identifier' // function name or keyword
  | 'string' // value: decoded text
  | 'char' // 'x' (value: decoded character)
  | 'number' // value: source text
  | 'bool' // true / false
  | 'nil'
  | 'pipe' // |
  | 'lparen'
  | 'rparen'
  | 'declare' // :=
  | 'assign' // =
  | 'comma';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly pos: Pos;
  /** Offset in the template text (for `at <...>` excerpts). */
  readonly start: number;
  readonly end: number;
  /** Whitespace separates this token from the previous one in the action. */
  readonly spaceBefore: boolean;
}

export type Segment =
  | { readonly kind: 'text'; readonly text: string; readonly pos: Pos }
  | { readonly kind: 'action'; readonly tokens: readonly Token[]; readonly pos: Pos; /** position just after the action */ readonly endPos: Pos }
  | { readonly kind: 'comment'; readonly pos: Pos };

const LEFT = '{{';
const RIGHT = '}}';
/** Upper bound on a template's size (chars); a bigger one is a mistake or an attack. */
export const MAX_TEMPLATE_CHARS = 1 << 20;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\',
};

/** Splits `text` into segments. */
export function lex(name: string, text: string): Segment[] {
  if (text.length > MAX_TEMPLATE_CHARS) {
    throw parseError(name, { line: 1, col: 1 }, `template is longer than ${MAX_TEMPLATE_CHARS} characters`);
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const posOf = (offset: number): Pos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (lineStarts[lo] ?? 0) + 1 };
  };

  const segments: Segment[] = [];
  let i = 0;
  let trimNextText = false;
  while (i < text.length) {
    const open = text.indexOf(LEFT, i);
    let chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    const chunkStart = i;
    let trimLeft = false;
    if (open >= 0 && text[open + 2] === '-' && isSpace(text[open + 3])) trimLeft = true;
    if (trimNextText) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    if (trimLeft) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk !== '') segments.push({ kind: 'text', text: chunk, pos: posOf(chunkStart) });
    trimNextText = false;
    if (open < 0) break;

    const actionPos = posOf(open);
    let j = open + 2 + (trimLeft ? 2 : 0);
    // Comment: the action must be exactly /* ... */ (with optional trim markers).
    if (text.startsWith('/*', j)) {
      const close = text.indexOf('*/', j + 2);
      if (close < 0) throw parseError(name, actionPos, 'unclosed comment');
      let k = close + 2;
      let trimRight = false;
      if (text[k] !== undefined && isSpace(text[k]) && text.startsWith('-' + RIGHT, k + 1)) {
        trimRight = true;
        k += 1 + 1 + RIGHT.length;
      } else if (text.startsWith(RIGHT, k)) {
        k += RIGHT.length;
      } else {
        throw parseError(name, posOf(close), 'comment ends before closing delimiter');
      }
      segments.push({ kind: 'comment', pos: actionPos });
      trimNextText = trimRight;
      i = k;
      continue;
    }
    const tokens: Token[] = [];
    let spaceBefore = false;
    let parenDepth = 0;
    for (;;) {
      if (j >= text.length) throw parseError(name, actionPos, 'unclosed action');
      const c = text[j]!;
      // Right delimiter, optionally preceded by a trim marker " -".
      if (isSpace(c) && text[j + 1] === '-' && text.startsWith(RIGHT, j + 2)) {
        trimNextText = true;
        j += 2 + RIGHT.length;
        break;
      }
      if (text.startsWith(RIGHT, j)) {
        if (parenDepth > 0) throw parseError(name, posOf(j), 'unclosed left paren');
        j += RIGHT.length;
        break;
      }
      if (isSpace(c)) {
        spaceBefore = true;
        j++;
        continue;
      }
      const start = j;
      const push = (kind: TokenKind, value: string, end: number): void => {
        tokens.push({ kind, value, pos: posOf(start), start, end, spaceBefore });
        spaceBefore = false;
        j = end;
      };
      if (c === '|') push('pipe', '|', j + 1);
      else if (c === '(') {
        parenDepth++;
        push('lparen', '(', j + 1);
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) throw parseError(name, posOf(j), 'unexpected right paren');
        push('rparen', ')', j + 1);
      } else if (c === ',') push('comma', ',', j + 1);
      else if (c === ':') {
        if (text[j + 1] !== '=') throw parseError(name, posOf(j), 'expected :=');
        push('declare', ':=', j + 2);
      } else if (c === '=') push('assign', '=', j + 1);
      else if (c === '"') {
        const [value, end] = readQuoted(name, text, j, '"', posOf);
        push('string', value, end);
      } else if (c === "'") {
        const [value, end] = readQuoted(name, text, j, "'", posOf);
        if ([...value].length !== 1) throw parseError(name, posOf(j), `malformed character constant: ${text.slice(j, end)}`);
        push('char', value, end);
      } else if (c === '`') {
        const close = text.indexOf('`', j + 1);
        if (close < 0) throw parseError(name, posOf(j), 'unterminated raw quoted string');
        push('string', text.slice(j + 1, close).replace(/\r/g, ''), close + 1);
      } else if (c === '$') {
        let k = j + 1;
        while (isAlnum(text[k])) k++;
        push('variable', text.slice(j, k), k);
      } else if (c === '.') {
        if (/[0-9]/.test(text[j + 1] ?? '')) {
          push('number', ...numberAt(name, text, j, posOf));
        } else {
          let k = j + 1;
          while (isAlnum(text[k])) k++;
          if (k === j + 1) push('dot', '.', k);
          else push('field', text.slice(j + 1, k), k);
        }
      } else if (/[0-9+-]/.test(c)) {
        push('number', ...numberAt(name, text, j, posOf));
      } else if (isAlnum(c)) {
        let k = j;
        while (isAlnum(text[k])) k++;
        const word = text.slice(j, k);
        if (word === 'true' || word === 'false') push('bool', word, k);
        else if (word === 'nil') push('nil', word, k);
        else push('identifier', word, k);
      } else {
        throw parseError(name, posOf(j), `unrecognized character in action: ${JSON.stringify(c)}`);
      }
    }
    segments.push({ kind: 'action', tokens, pos: actionPos, endPos: posOf(j) });
    i = j;
  }
  return segments;
}

function numberAt(name: string, text: string, start: number, posOf: (o: number) => Pos): [string, number] {
  const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?)/.exec(
    text.slice(start, start + 400),
  );
  const end = start + (m?.[0].length ?? 0);
  if (m === null || isAlnum(text[end]) || text[end] === '.') {
    let k = end;
    while (isAlnum(text[k]) || text[k] === '.') k++;
    throw parseError(name, posOf(start), `bad number syntax: ${JSON.stringify(text.slice(start, Math.max(k, start + 1)))}`);
  }
  return [m[0], end];
}

/** Reads a Go interpreted string ("...") or char ('x') starting at `start`; returns the decoded value and the end offset. */
function readQuoted(name: string, text: string, start: number, quote: string, posOf: (o: number) => Pos): [string, number] {
  let out = '';
  let k = start + 1;
  for (;;) {
    const c = text[k];
    if (c === undefined || c === '\n') throw parseError(name, posOf(start), quote === '"' ? 'unterminated quoted string' : 'unterminated character constant');
    if (c === quote) return [out, k + 1];
    if (c !== '\\') {
      out += c;
      k++;
      continue;
    }
    const e = text[k + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined || e === quote) {
      out += simple ?? e;
      k += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = text.slice(k + 2, k + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw parseError(name, posOf(k), `invalid escape \\${e}${hex} in quoted string`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw parseError(name, posOf(k), `escape \\${e}${hex} is not a valid Unicode code point`);
      // Go's \x is a byte; for bytes < 0x80 that is the same character.
      out += String.fromCodePoint(cp);
      k += 2 + n;
    } else if (/[0-7]/.test(e)) {
      const oct = text.slice(k + 1, k + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw parseError(name, posOf(k), `invalid octal escape \\${oct}`);
      out += String.fromCharCode(parseInt(oct, 8));
      k += 4;
    } else {
      throw parseError(name, posOf(k), `unknown escape sequence \\${e}`);
    }
  }
}
