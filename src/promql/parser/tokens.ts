import type { PositionRange } from './ast.js';
import { ParseAbort } from './errors.js';
import { lex } from './lexer.js';
import { describeToken, type Token, type TokenType } from './token-types.js';

/**
 * The parser's view of the token list: comments removed, one-token lookahead (plus `peekAt`),
 * and the "unexpected ..." errors in Prometheus' wording. Internal to the package.
 */
export class TokenStream {
  private readonly tokens: Token[];
  private i = 0;

  constructor(readonly input: string) {
    this.tokens = lex(input).filter((t) => t.type !== 'COMMENT');
  }

  peek(): Token {
    return this.tokens[this.i] ?? this.eof();
  }
  peekAt(k: number): Token {
    return this.tokens[this.i + k] ?? this.eof();
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length) this.i++;
    this.lastEnd = t.pos + t.val.length;
    return t;
  }
  /** The end offset of the last consumed token (Prometheus' "last closing" position). */
  lastConsumedEnd(): number {
    return this.lastEnd;
  }
  private lastEnd = 0;
  is(type: TokenType): boolean {
    return this.peek().type === type;
  }
  /** Consumes the next token when it has `type`. */
  accept(type: TokenType): Token | undefined {
    return this.is(type) ? this.next() : undefined;
  }
  /** Consumes a token of `type` or fails with `unexpected X[ in context][, expected ...]`. */
  expect(type: TokenType, context = '', expected = ''): Token {
    if (!this.is(type)) this.unexpected(context, expected);
    return this.next();
  }

  private eof(): Token {
    return { type: 'EOF', pos: this.input.length, val: '' };
  }

  /** Throws the error for the next token: the lexer's message for an ERROR token, else `unexpected ...`. */
  unexpected(context = '', expected = ''): never {
    const t = this.peek();
    if (t.type === 'ERROR') throw new ParseAbort({ start: t.pos, end: this.input.length }, t.val);
    let msg = `unexpected ${describeToken(t)}`;
    if (context !== '') msg += ` in ${context}`;
    if (expected !== '') msg += `, expected ${expected}`;
    throw new ParseAbort(tokenRange(t), msg);
  }

  /** Throws `detail` at `range`. */
  fail(range: PositionRange, detail: string): never {
    throw new ParseAbort(range, detail);
  }
}

/** The source range of a token. */
export function tokenRange(t: Token): PositionRange {
  return { start: t.pos, end: t.pos + t.val.length };
}
