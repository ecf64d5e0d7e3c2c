import { METRIC_NAME } from './labels.js';
import { type MatchType, Matcher, MatcherError } from './matcher.js';

/**
 * A series selector could not be parsed. `position` is the 0-based offset in the input where
 * the problem was found; the message names it ("at char 7") and says what was expected.
 */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  constructor(
    readonly position: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`at char ${position + 1}: ${detail}`, options);
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

/**
 * Parses a PromQL series selector as `match[]` parameters take it: `metric`, `metric{...}` or
 * `{...}`, where `...` is a comma-separated list of `label OP "value"` (OP one of = != =~ !~;
 * values in double, single or back quotes, with Go's escapes in the first two; a trailing comma
 * is allowed). As in Prometheus, at least one matcher must not match the empty string, so that
 * `{job=~".*"}` (every series) is refused. Returns the matchers (the metric name as
 * `__name__="metric"` first). Throws SelectorError.
 *
 * A stop-gap until the PromQL parser (src/promql/parser) exports its own `parseMetricSelector`;
 * both must accept the same texts for the subset above.
 */
export function parseSeriesSelector(text: string): Matcher[] {
  const p = new SelectorParser(text);
  const matchers = p.parse();
  if (!matchers.some((m) => !m.matchesEmpty())) {
    throw new SelectorError(0, `selector ${JSON.stringify(text)} must contain at least one matcher that does not match the empty string (e.g. a metric name)`);
  }
  return matchers;
}

class SelectorParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parse(): Matcher[] {
    const out: Matcher[] = [];
    this.space();
    if (this.pos < this.s.length && NAME_START.test(this.s[this.pos]!)) {
      out.push(new Matcher('=', METRIC_NAME, this.word(NAME_CHAR)));
      this.space();
    }
    if (this.peek() === '{') {
      this.pos++;
      this.space();
      while (this.peek() !== '}') {
        out.push(this.matcher());
        this.space();
        const c = this.peek();
        if (c === ',') {
          this.pos++;
          this.space();
        } else if (c !== '}') {
          throw this.fail(`expected "," or "}" after a label matcher, found ${this.found()}`);
        }
      }
      this.pos++;
      this.space();
    } else if (out.length === 0) {
      throw this.fail(`expected a metric name or "{", found ${this.found()}`);
    }
    if (this.pos < this.s.length) throw this.fail(`unexpected ${this.found()} after the selector`);
    return out;
  }

  private matcher(): Matcher {
    if (!LABEL_START.test(this.peek())) throw this.fail(`expected a label name, found ${this.found()}`);
    const at = this.pos;
    const name = this.word(LABEL_CHAR);
    this.space();
    const op = this.op();
    this.space();
    const value = this.string();
    try {
      return new Matcher(op, name, value);
    } catch (cause) {
      if (cause instanceof MatcherError) throw new SelectorError(at, cause.message, { cause });
      throw cause;
    }
  }

  private op(): MatchType {
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two === '!=' || two === '=~' || two === '!~') {
      this.pos += 2;
      return two;
    }
    if (this.peek() === '=') {
      this.pos++;
      return '=';
    }
    throw this.fail(`expected one of = != =~ !~, found ${this.found()}`);
  }

  private string(): string {
    const q = this.peek();
    if (q !== '"' && q !== "'" && q !== '`') throw this.fail(`expected a quoted label value, found ${this.found()}`);
    const start = this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) throw new SelectorError(start, 'unterminated quoted string');
      const c = this.s[this.pos++]!;
      if (c === q) return out;
      if (c === '\\' && q !== '`') out += this.escape();
      else if (c === '\n' && q !== '`') throw new SelectorError(start, 'newline in a quoted string');
      else out += c;
    }
  }

  private escape(): string {
    const c = this.s[this.pos++];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (c !== undefined && c in simple) return simple[c]!;
    const hex = (n: number): string => {
      const h = this.s.slice(this.pos, this.pos + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw this.fail(`invalid escape \\${c ?? ''}${h}`);
      this.pos += n;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw this.fail(`invalid code point in escape \\${c ?? ''}${h}`);
      return String.fromCodePoint(cp);
    };
    if (c === 'x') return hex(2);
    if (c === 'u') return hex(4);
    if (c === 'U') return hex(8);
    this.pos--;
    throw this.fail(`unknown escape sequence \\${c ?? ''}`);
  }

  private word(re: RegExp): string {
    const start = this.pos;
    while (this.pos < this.s.length && re.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private space(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private found(): string {
    return this.pos >= this.s.length ? 'end of input' : JSON.stringify(this.s[this.pos]);
  }

  private fail(detail: string): SelectorError {
    return new SelectorError(this.pos, detail);
  }
}
