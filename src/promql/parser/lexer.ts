import { goQuote, goQuoteRune } from './errors.js';
import { Cursor, isAlpha, isAlphaNumeric, isDigit, isSpace } from './cursor.js';
import { DURATION_KEYWORDS, KEY, type Token, type TokenType } from './token-types.js';

/**
 * The PromQL lexer: a state machine with Prometheus' token set and error texts. It needs no
 * feedback from the parser, so `lex(input)` returns the whole token list, ending with `EOF`
 * or with one `ERROR` token (its `val` is the message, its `pos` where the bad item starts).
 */


type State = 'statements' | 'braces' | 'duration';

/** Tokenizes `input` (comments included). Never throws. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}

class Lexer extends Cursor {
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;
  private readonly out: Token[] = [];
  private failed = false;

  constructor(input: string) {
    super(input);
  }

  run(): Token[] {
    let state: State | undefined = 'statements';
    while (state !== undefined && !this.failed) {
      state = state === 'statements' ? this.lexStatements() : state === 'braces' ? this.lexInsideBraces() : this.lexDurationExpr();
    }
    return this.out;
  }

  private emit(type: TokenType): void {
    this.out.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos) });
    this.start = this.pos;
  }
  private ignore(): void {
    this.start = this.pos;
  }
  protected errorf(msg: string): undefined {
    this.out.push({ type: 'ERROR', pos: this.start, val: msg });
    this.failed = true;
    return undefined;
  }

  /** An error right after an emit in the same step replaces the emitted item (as upstream's lexer does). */
  private replaceWithError(msg: string): undefined {
    this.out.pop();
    return this.errorf(msg);
  }

  private lexStatements(): State | undefined {
    if (this.braceOpen) return 'braces';
    if (this.input.startsWith('#', this.pos)) return this.lexLineComment('statements');
    const r = this.next();
    switch (true) {
      case r === '':
        if (this.parenDepth !== 0) return this.errorf('unclosed left parenthesis');
        if (this.bracketOpen) return this.errorf('unclosed left bracket');
        this.emit('EOF');
        return undefined;
      case r === ',':
        this.emit('COMMA');
        break;
      case isSpace(r):
        this.skipSpaces();
        break;
      case r === '*':
        this.emit('MUL');
        break;
      case r === '/':
        this.emit('DIV');
        break;
      case r === '%':
        this.emit('MOD');
        break;
      case r === '+':
        this.emit('ADD');
        break;
      case r === '-':
        this.emit('SUB');
        break;
      case r === '^':
        this.emit('POW');
        break;
      case r === '=': {
        const t = this.peek();
        if (t === '=') {
          this.next();
          this.emit('EQLC');
        } else if (t === '~') {
          return this.errorf(`unexpected character after '=': ${goQuoteRune(t)}`);
        } else {
          this.emit('EQL');
        }
        break;
      }
      case r === '!': {
        const t = this.next();
        if (t !== '=') return this.errorf(`unexpected character after '!': ${goQuoteRune(t === '' ? '\ufffd' : t)}`);
        this.emit('NEQ');
        break;
      }
      case r === '<':
      case r === '>': {
        const t = this.peek();
        if (t === '=') {
          this.next();
          this.emit(r === '<' ? 'LTE' : 'GTE');
        } else if (t === '/') {
          this.next();
          this.emit(r === '<' ? 'TRIM_UPPER' : 'TRIM_LOWER');
        } else {
          this.emit(r === '<' ? 'LSS' : 'GTR');
        }
        break;
      }
      case isDigit(r) || (r === '.' && isDigit(this.peek())):
        this.backup();
        this.lexNumberOrDuration();
        break;
      case r === '"' || r === "'":
        this.lexString(r);
        break;
      case r === '`':
        this.lexRawString();
        break;
      case isAlpha(r) || r === ':':
        if (!this.bracketOpen) {
          this.backup();
          this.lexKeywordOrIdentifier();
          break;
        }
        if (r === ':') {
          if (this.gotColon) return this.errorf(`unexpected colon ${goQuoteRune(r)}`);
          this.emit('COLON');
          this.gotColon = true;
          break;
        }
        if (DURATION_START.has(r.toLowerCase()) && this.scanDurationKeyword()) break;
        return this.errorf(`unexpected character: ${goQuoteRune(r)}, expected ${goQuoteRune(':')}`);
      case r === '(':
        this.emit('LEFT_PAREN');
        this.parenDepth++;
        break;
      case r === ')':
        this.emit('RIGHT_PAREN');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.replaceWithError(`unexpected right parenthesis ${goQuoteRune(r)}`);
        break;
      case r === '{':
        this.emit('LEFT_BRACE');
        this.braceOpen = true;
        return 'braces';
      case r === '[':
        if (this.bracketOpen) return this.errorf(`unexpected left bracket ${goQuoteRune(r)}`);
        this.gotColon = false;
        this.emit('LEFT_BRACKET');
        this.skipSpaces();
        this.bracketOpen = true;
        return 'duration';
      case r === ']':
        if (!this.bracketOpen) return this.errorf(`unexpected right bracket ${goQuoteRune(r)}`);
        this.emit('RIGHT_BRACKET');
        this.bracketOpen = false;
        break;
      case r === '@':
        this.emit('AT');
        break;
      default:
        return this.errorf(`unexpected character: ${goQuoteRune(r)}`);
    }
    return this.failed ? undefined : 'statements';
  }

  private lexInsideBraces(): State | undefined {
    if (this.input.startsWith('#', this.pos)) return this.lexLineComment('braces');
    const r = this.next();
    switch (true) {
      case r === '':
        return this.errorf('unexpected end of input inside braces');
      case isSpace(r):
        this.skipSpaces();
        break;
      case isAlpha(r):
        while (isAlphaNumeric(this.next()));
        this.backup();
        this.emit('IDENTIFIER');
        break;
      case r === ',':
        this.emit('COMMA');
        break;
      case r === '"' || r === "'":
        this.lexString(r);
        break;
      case r === '`':
        this.lexRawString();
        break;
      case r === '=':
        if (this.next() === '~') {
          this.emit('EQL_REGEX');
          break;
        }
        this.backup();
        this.emit('EQL');
        break;
      case r === '!': {
        const nr = this.next();
        if (nr === '~') this.emit('NEQ_REGEX');
        else if (nr === '=') this.emit('NEQ');
        else return this.errorf(`unexpected character after '!' inside braces: ${goQuoteRune(nr === '' ? '\ufffd' : nr)}`);
        break;
      }
      case r === '{':
        return this.errorf(`unexpected left brace ${goQuoteRune(r)}`);
      case r === '}':
        this.emit('RIGHT_BRACE');
        this.braceOpen = false;
        return this.failed ? undefined : 'statements';
      default:
        return this.errorf(`unexpected character inside braces: ${goQuoteRune(r)}`);
    }
    return this.failed ? undefined : 'braces';
  }

  private lexDurationExpr(): State | undefined {
    const r = this.next();
    switch (true) {
      case r === '':
        return this.errorf('unexpected end of input in duration expression');
      case r === ']':
        this.emit('RIGHT_BRACKET');
        this.bracketOpen = false;
        this.gotColon = false;
        return 'statements';
      case r === ':':
        this.emit('COLON');
        if (!this.gotDuration) return this.replaceWithError('unexpected colon before duration in duration expression');
        if (this.gotColon) return this.replaceWithError('unexpected repeated colon in duration expression');
        this.gotColon = true;
        return 'duration';
      case r === '(':
        this.emit('LEFT_PAREN');
        this.parenDepth++;
        return 'duration';
      case r === ')':
        this.emit('RIGHT_PAREN');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.replaceWithError(`unexpected right parenthesis ${goQuoteRune(r)}`);
        return 'duration';
      case isSpace(r):
        this.skipSpaces();
        return 'duration';
      case r === '+' || r === '-' || r === '*' || r === '/' || r === '%' || r === '^' || r === ',':
        this.emit(r === '+' ? 'ADD' : r === '-' ? 'SUB' : r === '*' ? 'MUL' : r === '/' ? 'DIV' : r === '%' ? 'MOD'
          : r === '^' ? 'POW' : 'COMMA');
        return 'duration';
      case DURATION_START.has(r.toLowerCase()):
        if (this.scanDurationKeyword()) return 'duration';
        return this.errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
      case isDigit(r) || (r === '.' && isDigit(this.peek())):
        this.backup();
        this.gotDuration = true;
        this.lexNumberOrDuration();
        return this.failed ? undefined : 'statements';
      default:
        return this.errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
  }

  private skipSpaces(): void {
    while (isSpace(this.peek())) this.next();
    this.ignore();
  }

  private lexLineComment(state: State): State {
    this.pos += 1;
    let r = this.next();
    while (r !== '\r' && r !== '\n' && r !== '') r = this.next();
    this.backup();
    this.emit('COMMENT');
    return state;
  }

  private scanDurationKeyword(): boolean {
    for (;;) {
      const r = this.next();
      if (isAlpha(r)) continue;
      this.backup();
      const tok = DURATION_KEYWORDS.get(this.input.slice(this.start, this.pos).toLowerCase());
      if (tok === undefined) return false;
      this.emit(tok);
      return true;
    }
  }

  private lexKeywordOrIdentifier(): void {
    for (;;) {
      const r = this.next();
      if (isAlphaNumeric(r) || r === ':') continue;
      this.backup();
      const word = this.input.slice(this.start, this.pos);
      const kw = KEY.get(word.toLowerCase());
      if (kw !== undefined) {
        // fill* are keywords only before '(' so that they stay usable as metric names.
        if ((kw === 'FILL' || kw === 'FILL_LEFT' || kw === 'FILL_RIGHT') && !this.followedByLeftParen()) this.emit('IDENTIFIER');
        else this.emit(kw);
      } else {
        this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER');
      }
      return;
    }
  }

  private followedByLeftParen(): boolean {
    for (let p = this.pos; p < this.input.length; p++) {
      const c = this.input[p] ?? '';
      if (!isSpace(c)) return c === '(';
    }
    return false;
  }

  private lexNumberOrDuration(): void {
    if (this.scanNumber()) {
      this.emit('NUMBER');
      return;
    }
    if (this.acceptRemainingDuration()) {
      this.backup();
      this.emit('DURATION');
      return;
    }
    this.errorf(`bad number or duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
  }



  private lexString(quote: string): void {
    for (;;) {
      const c = this.next();
      if (c === '\\') {
        if (!this.lexEscape(quote)) return;
        continue;
      }
      if (c === '' || c === '\n') {
        this.errorf('unterminated quoted string');
        return;
      }
      if (c === quote) break;
    }
    this.emit('STRING');
  }


  private lexRawString(): void {
    for (;;) {
      const c = this.next();
      if (c === '') {
        this.errorf('unterminated raw string');
        return;
      }
      if (c === '`') break;
    }
    this.emit('STRING');
  }
}

const DURATION_START: ReadonlySet<string> = new Set(['s', 'r', 'm']);
