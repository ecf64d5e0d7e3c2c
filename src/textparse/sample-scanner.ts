import { isUtf8 } from 'node:buffer';
import { decodeExposition } from './decode.js';
import { ExpositionParseError } from './errors.js';
import type { ExpositionFormat } from './format.js';
import { BACKSLASH, HASH, LBRACE, NL, QUOTE, RBRACE, SP, TAB, isMetricNameChar, isMetricNameStart, parseFloatToken, parseIntMillis } from './lex.js';
import { ExpositionParser } from './parser.js';

/** Exact powers of ten as doubles: 10^0 … 10^22 (10^23 is the first that rounds). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Digits a decimal mantissa may have and still be an exact double (10^15 < 2^53). */
const MAX_EXACT_DIGITS = 15;
const PROM_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'].map((t) => Buffer.from(t, 'latin1'));
/** Lines validated one by one in a body before the rest goes to ExpositionParser whole. */
const LINE_PARSES_BEFORE_FALLBACK = 16;
const HELP = Buffer.from('HELP', 'latin1');
const TYPE = Buffer.from('TYPE', 'latin1');

/**
 * Reads the samples of one scraped body straight from its bytes, for the scrape loop: no body
 * string and no string per line. `next()` stops at each sample; `key[keyStart, keyEnd)` then
 * holds the series text (`name{labels}` as written, UTF-8): the scrape cache's key.
 *
 * Contract: the result is the one ExpositionParser gives on the decoded body (same samples,
 * same ExpositionParseError, line and column), with one laziness: in the Prometheus text
 * format the label set of a sample is validated only when `metricName()` or `labelPairs()` is
 * called. A caller may skip them for a key it has seen validated before: label scanning depends
 * only on the key's bytes and stops at the key's end, so the same bytes are valid again.
 *
 * The fast path reads what exporters write (names, labels, decimal values, integer timestamps,
 * HELP/TYPE comments). Anything else it hands, from the start of that line to the end of the
 * body, to ExpositionParser on the decoded text, which is authoritative (an error, or an
 * unusual but valid form such as a 19-digit timestamp). OpenMetrics always goes to
 * ExpositionParser: its family rules need the whole document.
 */
export class SampleScanner {
  /** Holds the current series text at [keyStart, keyEnd): the body, or a scratch buffer. Valid until the next `next()`. */
  key: Uint8Array;
  keyStart = 0;
  keyEnd = 0;
  private readonly body: Uint8Array;
  private pos = 0;
  /** 1-based line of `pos`. */
  private line = 1;
  /** Line and offset where the current sample's line starts (before leading blanks). */
  private curLine = 1;
  private lineStart = 0;
  private nameEnd = 0;
  private val = 0;
  private ts: number | undefined = undefined;
  /** The current sample's line parsed by ExpositionParser (a miss: labels wanted). */
  private lineParser: ExpositionParser | undefined;
  /** Once the fast path gave up: the parser of the rest of the body, its first line being `proxyLine0 + 1`. */
  private proxy: ExpositionParser | undefined;
  private proxyLine0 = 0;
  private scratch: Buffer = Buffer.alloc(0);
  private linesParsed = 0;

  private constructor(body: Uint8Array) {
    this.body = body;
    this.key = body;
  }

  /** A scanner over `body` (the raw response bytes, already decompressed). */
  static create(body: Uint8Array, format: ExpositionFormat): SampleScanner {
    const s = new SampleScanner(body);
    if (format === 'openmetrics' || !isUtf8(body)) {
      s.proxy = new ExpositionParser(decodeExposition(body), format); // throws on invalid UTF-8
      return s;
    }
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) s.pos = 3; // byte-order mark, as the decoder drops it
    return s;
  }

  /** Advances to the next sample; false at the end. Throws ExpositionParseError. */
  next(): boolean {
    this.lineParser = undefined;
    if (this.proxy !== undefined) return this.proxyNext();
    const b = this.body;
    const n = b.length;
    for (;;) {
      const lineStart = this.pos;
      let p = lineStart;
      while (p < n && (b[p] === SP || b[p] === TAB)) p++;
      if (p >= n) {
        this.pos = n;
        return false;
      }
      const c = b[p];
      if (c === NL) {
        this.pos = p + 1;
        this.line++;
        continue;
      }
      this.lineStart = lineStart;
      this.curLine = this.line;
      if (c === HASH) {
        let eol = b.indexOf(NL, p);
        if (eol < 0) eol = n;
        if (!this.commentOk(p, eol)) return this.fallBack();
        this.pos = eol + 1;
        this.line++;
        continue;
      }
      return this.sample(p) || this.fallBack();
    }
  }

  /** The metric name; validates the line's label set (see the class contract). */
  metricName(): string {
    return this.proxy?.metricName() ?? this.parsedLine().metricName();
  }

  /** Label pairs, unescaped, in input order, without __name__; validates the line's label set. Do not mutate. */
  labelPairs(): [string, string][] {
    return this.proxy?.labelPairs() ?? this.parsedLine().labelPairs();
  }

  value(): number {
    return this.proxy !== undefined ? this.proxy.value() : this.val;
  }

  /** Explicit timestamp in ms, if the line has one. */
  timestamp(): number | undefined {
    return this.proxy !== undefined ? this.proxy.timestamp() : this.ts;
  }

  /**
   * The current line through ExpositionParser: validates it, and gives its names and labels.
   * After a few such lines in one body (a first scrape: every key is new), the rest of the
   * body goes to ExpositionParser as a whole, which is cheaper than a parser per line.
   */
  private parsedLine(): ExpositionParser {
    if (this.lineParser !== undefined) return this.lineParser;
    if (++this.linesParsed > LINE_PARSES_BEFORE_FALLBACK) {
      this.fallBack(); // yields this same line first
      return this.proxy!;
    }
    const text = Buffer.from(this.body.buffer, this.body.byteOffset, this.body.byteLength).toString('utf8', this.lineStart, this.pos);
    const p = new ExpositionParser(text, 'prometheus');
    try {
      if (p.next() !== 'series') throw new Error(`SampleScanner: line ${this.curLine} is not a sample line for ExpositionParser`);
    } catch (e) {
      throw e instanceof ExpositionParseError ? e.shifted(this.curLine - 1) : e;
    }
    this.lineParser = p;
    return p;
  }

  /** Hands the rest of the body, from the current line, to ExpositionParser. */
  private fallBack(): boolean {
    const b = this.body;
    const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', this.lineStart, b.length);
    this.proxy = new ExpositionParser(text, 'prometheus');
    this.proxyLine0 = this.curLine - 1;
    return this.proxyNext();
  }

  private proxyNext(): boolean {
    const p = this.proxy!;
    try {
      for (let k = p.next(); k !== undefined; k = p.next()) {
        if (k !== 'series') continue;
        const text = p.seriesText();
        if (this.scratch.length < text.length * 3) this.scratch = Buffer.allocUnsafe(Math.max(256, text.length * 3));
        this.key = this.scratch;
        this.keyStart = 0;
        this.keyEnd = this.scratch.write(text, 0, 'utf8');
        return true;
      }
      return false;
    } catch (e) {
      throw e instanceof ExpositionParseError ? e.shifted(this.proxyLine0) : e;
    }
  }

  /**
   * Reads the sample line whose first non-blank byte is at `p`, as ExpositionParser's
   * Prometheus text rules; false when anything is unusual (the caller falls back).
   */
  private sample(p: number): boolean {
    const b = this.body;
    const n = b.length;
    if (!isMetricNameStart(b[p]!)) return false;
    const start = p;
    p++;
    while (p < n && isMetricNameChar(b[p]!)) p++;
    this.nameEnd = p;
    while (p < n && (b[p] === SP || b[p] === TAB)) p++;
    let keyEnd = this.nameEnd;
    let newlines = 0;
    if (p < n && b[p] === LBRACE) {
      // Only finds where the label set ends (quotes and escapes respected): validity is
      // checked by parsedLine(), or known from the cache (see the class contract).
      p++;
      for (;;) {
        if (p >= n) return false;
        const c = b[p];
        if (c === RBRACE) break;
        if (c === NL) return false;
        if (c === QUOTE) {
          for (p++; ; p++) {
            if (p >= n) return false;
            const d = b[p];
            if (d === QUOTE) break;
            if (d === BACKSLASH) p++;
            else if (d === NL) newlines++;
          }
        }
        p++;
      }
      p++;
      keyEnd = p;
      while (p < n && (b[p] === SP || b[p] === TAB)) p++;
    }
    const vs = p;
    while (p < n) {
      const c = b[p];
      if (c === SP || c === TAB || c === NL || c === LBRACE) break;
      p++;
    }
    if (p === vs) return false;
    const v = this.parseValue(vs, p);
    if (v === undefined) return false;
    while (p < n && (b[p] === SP || b[p] === TAB)) p++;
    let ts: number | undefined;
    if (p < n && b[p] !== NL) {
      const t0 = p;
      let t = 0;
      while (p < n) {
        const d = b[p]! - 48;
        if (d < 0 || d > 9) break;
        t = t * 10 + d;
        p++;
      }
      if (p === t0) return false;
      if (p - t0 > MAX_EXACT_DIGITS) {
        const parsed = parseIntMillis(latin1(b, t0, p), 0, p - t0);
        if (parsed === undefined) return false;
        t = parsed;
      }
      ts = t;
      while (p < n && (b[p] === SP || b[p] === TAB)) p++;
      if (p < n && b[p] !== NL) return false;
    }
    this.key = b;
    this.keyStart = start;
    this.keyEnd = keyEnd;
    this.val = v;
    this.ts = ts;
    this.pos = p + 1;
    this.line += newlines + 1;
    return true;
  }

  /**
   * The value in [s, e): a decimal with at most 15 digits and a power of ten within ±22 is
   * computed exactly here (one correctly rounded multiplication or division of exact
   * doubles, so the same double as Number()); anything else goes through parseFloatToken.
   */
  private parseValue(s: number, e: number): number | undefined {
    const b = this.body;
    let i = s;
    const neg = b[i] === 45;
    if (neg || b[i] === 43) i++;
    let m = 0;
    let digits = 0;
    let frac = 0;
    while (i < e) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      i++;
    }
    if (i < e && b[i] === 46) {
      i++;
      while (i < e) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        m = m * 10 + d;
        digits++;
        frac++;
        i++;
      }
    }
    let exp = 0;
    if (digits > 0 && i < e && (b[i]! | 0x20) === 101) {
      i++;
      const eneg = b[i] === 45;
      if (eneg || b[i] === 43) i++;
      const e0 = i;
      while (i < e && i - e0 < 4) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        exp = exp * 10 + d;
        i++;
      }
      if (i === e0) i = -1; // no exponent digits: let parseFloatToken decide
      if (eneg) exp = -exp;
    }
    const p10 = exp - frac;
    if (i === e && digits > 0 && digits <= MAX_EXACT_DIGITS && p10 >= -22 && p10 <= 22) {
      const v = p10 >= 0 ? m * POW10[p10]! : m / POW10[-p10]!;
      return neg ? -v : v;
    }
    return parseFloatToken(latin1(b, s, e), 0, e - s, true);
  }

  /** Whether the comment line [p, eol) (p at `#`) is one ExpositionParser accepts. */
  private commentOk(p: number, eol: number): boolean {
    const b = this.body;
    const n = b.length;
    let q = p + 1;
    while (q < n && (b[q] === SP || b[q] === TAB)) q++;
    if (!(q > p + 1 && q + 4 < n && (b[q + 4] === SP || b[q + 4] === TAB))) return true;
    const isType = bytesAt(b, q, TYPE);
    if (!isType && !bytesAt(b, q, HELP)) return true; // a free comment
    q += 5;
    while (q < n && (b[q] === SP || b[q] === TAB)) q++;
    if (!isMetricNameStart(b[q]!)) return false;
    q++;
    while (q < n && isMetricNameChar(b[q]!)) q++;
    if (q < eol) {
      if (b[q] !== SP && b[q] !== TAB) return false;
      q++;
    }
    if (!isType) return true;
    for (const t of PROM_TYPES) if (t.length === eol - q && bytesAt(b, q, t)) return true;
    return false;
  }
}

function bytesAt(b: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word[i]) return false;
  return true;
}

/** [s, e) of `b` as a string, one byte per character (for number tokens: non-ASCII is invalid either way). */
function latin1(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', s, e);
}
