import type { PositionRange } from './ast.js';

/**
 * A PromQL syntax or type error. `message` is Prometheus' text:
 * `<line>:<col>: parse error: <detail>` (line and column 1-based, from `positionRange.start`);
 * `detail` holds the part after `parse error: `.
 */
export class PromQLParseError extends Error {
  override readonly name = 'PromQLParseError';
  readonly positionRange: PositionRange;
  readonly detail: string;
  readonly query: string;

  constructor(query: string, positionRange: PositionRange, detail: string, options?: ErrorOptions) {
    super(`${startPosInput(query, positionRange.start)}: parse error: ${detail}`, options);
    this.positionRange = positionRange;
    this.detail = detail;
    this.query = query;
  }
}

/** `line:col` of offset `pos` in `query`, as Prometheus prints it. */
function startPosInput(query: string, pos: number): string {
  if (query === '') return 'unknown position';
  if (pos < 0 || pos > query.length) return 'invalid position';
  let lastLineBreak = -1;
  let line = 1;
  for (let i = 0; i < pos; i++) {
    if (query.charCodeAt(i) === 10) {
      lastLineBreak = i;
      line++;
    }
  }
  return `${line}:${pos - lastLineBreak}`;
}

/**
 * Internal: thrown inside the parser to stop at the first error; `parseExpr` converts it to a
 * `PromQLParseError`. Never escapes the package.
 */
export class ParseAbort extends Error {
  override readonly name = 'ParseAbort';
  readonly range: PositionRange;
  readonly detail: string;
  constructor(range: PositionRange, detail: string) {
    super(detail);
    this.range = range;
    this.detail = detail;
  }
}

/** Go's `%q` for a string (strconv.Quote, for the characters PromQL inputs contain). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c < 0xe000) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go's `%q` for a rune: `'a'`, `'\''`, `'\n'`. */
export function goQuoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = goQuote(ch);
  return `'${q.slice(1, -1)}'`;
}

/** Go's `%#U` for a rune: `U+0041 'A'`. */
export function goUnicode(ch: string): string {
  const c = ch.codePointAt(0) ?? 0;
  const hex = c.toString(16).toUpperCase().padStart(4, '0');
  return c >= 0x20 && c !== 0x7f ? `U+${hex} '${ch}'` : `U+${hex}`;
}
