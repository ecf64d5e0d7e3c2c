import { goUnicode } from './errors.js';

/** Character classes of Prometheus' lexer (ASCII only). */
export const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
export const isDigit = (c: string): boolean => c >= '0' && c <= '9';
/** ASCII letters and `_` (Prometheus' isAlpha). */
export const isAlpha = (c: string): boolean => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
export const isAlphaNumeric = (c: string): boolean => isAlpha(c) || isDigit(c);

/**
 * A read cursor over the query with Prometheus' lexer primitives (next/peek/backup/accept) and
 * its number, duration-unit and escape-sequence scanners. `start` is where the current item began.
 * Positions are UTF-16 offsets into the input.
 */
export abstract class Cursor {
  protected pos = 0;
  protected start = 0;
  protected width = 0;

  constructor(protected readonly input: string) {}

  /** Records an error item; returns undefined so callers can `return this.errorf(...)`. */
  protected abstract errorf(msg: string): undefined;

  /** Reads one code point ('' at the end). */
  protected next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return '';
    }
    const cp = this.input.codePointAt(this.pos) ?? 0;
    const ch = String.fromCodePoint(cp);
    this.width = ch.length;
    this.pos += this.width;
    return ch;
  }

  protected peek(): string {
    const c = this.next();
    this.backup();
    return c;
  }

  protected backup(): void {
    this.pos -= this.width;
  }

  protected accept(valid: string): boolean {
    const c = this.next();
    if (c !== '' && valid.includes(c)) return true;
    this.backup();
    return false;
  }

  protected is(valid: string): boolean {
    const c = this.peek();
    return c !== '' && valid.includes(c);
  }

  protected acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789'));
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlphaNumeric(this.next());
  }

  /** Prometheus' number scanner: [0x][.]digits with '.', 'e', '_' rules; next char must not be alphanumeric. */
  protected scanNumber(): boolean {
    const initialPos = this.pos;
    let digits = '0123456789';
    if (this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digits);
    let dotConsumed = false;
    let exponentConsumed = false;
    while (this.is(digits + '._eE')) {
      if (this.is('.') && dotConsumed) {
        this.accept('.');
        return false;
      }
      if (this.is('eE') && exponentConsumed) {
        this.accept('eE');
        return false;
      }
      if (this.accept('.')) {
        dotConsumed = true;
        if (this.accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (this.accept('eE')) {
        exponentConsumed = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === '') return false;
        continue;
      }
      if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === '') return false;
        continue;
      }
      while (this.accept(digits));
    }
    if (this.pos === initialPos) return false;
    return !isAlphaNumeric(this.peek());
  }

  /** Validates one escape sequence after a backslash; false after emitting an error. */
  protected lexEscape(quote: string): boolean {
    let ch = this.next();
    let n: number;
    let base: number;
    let max: number;
    switch (ch) {
      case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\': case quote:
        return true;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        [n, base, max] = [3, 8, 255];
        break;
      case 'x':
        ch = this.next();
        [n, base, max] = [2, 16, 255];
        break;
      case 'u':
        ch = this.next();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 'U':
        ch = this.next();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      case '':
        this.errorf('escape sequence not terminated');
        return false;
      default:
        this.errorf(`unknown escape sequence ${goUnicode(ch)}`);
        return false;
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === '') this.errorf('escape sequence not terminated');
        else this.errorf(`illegal character ${goUnicode(ch)} in escape sequence`);
        return false;
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      this.errorf('escape sequence is an invalid Unicode code point');
      return false;
    }
    return true;
  }
}

function digitVal(ch: string): number {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'a' && ch <= 'f') return ch.charCodeAt(0) - 87;
  if (ch >= 'A' && ch <= 'F') return ch.charCodeAt(0) - 55;
  return 16;
}
