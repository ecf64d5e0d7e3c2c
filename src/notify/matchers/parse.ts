import { VigieError } from '../../common/index.js';
import { Matcher, type MatchType } from '../../model/index.js';

/** A matcher text that is not valid Alertmanager matcher syntax; `position` is a 0-based char offset. */
export class MatcherParseError extends VigieError {
  override name = 'MatcherParseError';
  constructor(
    readonly input: string,
    readonly position: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`bad matcher ${JSON.stringify(input)} at char ${position + 1}: ${detail}`, options);
  }
}

const OPS: readonly MatchType[] = ['=~', '!~', '!=', '='];

/**
 * Parses Alertmanager's matcher syntax into matchers: one matcher (`severity = critical`,
 * `alertname=~"Disk.*"`) or a list in braces (`{a="b", c!~"d|e"}`; a trailing comma is
 * allowed). Names and values may be double-quoted (Go string escapes `\"`, `\\`, `\n`, `\t`,
 * `\uXXXX`); an unquoted value runs to the next `,` or `}` and is trimmed. Regexps are RE2,
 * fully anchored. Throws MatcherParseError naming the position and what was expected.
 */
export function parseMatchers(input: string): Matcher[] {
  const p = new Cursor(input);
  p.skipSpace();
  const braced = p.peek() === '{';
  if (braced) p.pos++;
  const out: Matcher[] = [];
  for (;;) {
    p.skipSpace();
    if (p.atEnd()) {
      if (braced) throw new MatcherParseError(input, p.pos, 'expected "}" to close the list');
      break;
    }
    if (braced && p.peek() === '}') {
      p.pos++;
      p.skipSpace();
      if (!p.atEnd()) throw new MatcherParseError(input, p.pos, 'unexpected text after "}"');
      break;
    }
    out.push(parseOne(p));
    p.skipSpace();
    if (p.peek() === ',') {
      p.pos++;
      continue;
    }
    if (braced && p.peek() === '}') continue;
    if (!p.atEnd()) throw new MatcherParseError(input, p.pos, `expected "," between matchers, got ${JSON.stringify(p.peek())}`);
  }
  if (out.length === 0 && !braced) throw new MatcherParseError(input, 0, 'expected a matcher like name="value"');
  return out;
}

/** Parses exactly one matcher (`name op value`); throws when the text holds none or several. */
export function parseMatcher(input: string): Matcher {
  const ms = parseMatchers(input);
  if (ms.length !== 1) throw new MatcherParseError(input, 0, `expected exactly one matcher, got ${ms.length}`);
  return ms[0]!;
}

function parseOne(p: Cursor): Matcher {
  const start = p.pos;
  const quotedName = p.peek() === '"';
  const name = quotedName ? p.quoted() : p.bare(/[\s=!~{},"]/);
  if (name === '') throw new MatcherParseError(p.input, start, 'expected a label name');
  // Unquoted names follow Prometheus' classic rule; any UTF-8 name may be written in quotes.
  if (!quotedName && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new MatcherParseError(p.input, start, `invalid label name ${JSON.stringify(name)} (quote it to use other characters)`);
  p.skipSpace();
  const op = OPS.find((o) => p.input.startsWith(o, p.pos));
  if (op === undefined) throw new MatcherParseError(p.input, p.pos, `expected an operator (=, !=, =~, !~) after ${JSON.stringify(name)}`);
  p.pos += op.length;
  p.skipSpace();
  let value: string;
  if (p.peek() === '"') value = p.quoted();
  else {
    const at = p.pos;
    value = p.bare(/[,}]/).trim();
    if (value.includes('"')) throw new MatcherParseError(p.input, at, 'a value containing a quote must itself be in double quotes');
  }
  try {
    return new Matcher(op, name, value);
  } catch (err) {
    throw new MatcherParseError(p.input, start, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

class Cursor {
  pos = 0;
  constructor(readonly input: string) {}
  atEnd(): boolean {
    return this.pos >= this.input.length;
  }
  peek(): string {
    return this.input[this.pos] ?? '';
  }
  skipSpace(): void {
    while (/\s/.test(this.peek()) && !this.atEnd()) this.pos++;
  }
  bare(stop: RegExp): string {
    const s = this.pos;
    while (!this.atEnd() && !stop.test(this.peek())) this.pos++;
    return this.input.slice(s, this.pos);
  }
  /** A double-quoted string with Go escapes; the cursor is on the opening quote. */
  quoted(): string {
    const s = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.atEnd()) throw new MatcherParseError(this.input, s, 'unterminated quoted string');
      const c = this.input[this.pos++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.input[this.pos++] ?? '';
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', "'": "'" };
      const mapped = simple[e];
      if (mapped !== undefined) {
        out += mapped;
      } else if (e === 'u' || e === 'x' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.input.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new MatcherParseError(this.input, this.pos - 2, `invalid escape \\${e}${hex}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else {
        throw new MatcherParseError(this.input, this.pos - 2, `invalid escape \\${e}`);
      }
    }
  }
}

/** Formats a matcher the way Alertmanager prints it: `name="value"` (value quoted). */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}
