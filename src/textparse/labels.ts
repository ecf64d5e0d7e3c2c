import {
  BACKSLASH,
  COMMA,
  EQUAL,
  NL,
  QUOTE,
  RBRACE,
  SP,
  TAB,
  isLabelNameChar,
  isLabelNameStart,
  unescape,
  wellFormed,
} from './lex.js';
import { excerpt } from './errors.js';

/**
 * Offsets of the label pairs of one label set, filled by `scanLabels` and reused from line to
 * line (no allocation per line). Pair i occupies `offs[5i .. 5i+4]`: name start, name end,
 * value start, value end (inside the quotes), 1 if the value holds a backslash.
 */
export class LabelOffsets {
  offs: number[] = [];
  count = 0;
  /** Raw newlines seen inside label values (legal in the Prometheus text format). */
  newlines = 0;
  /** Offset of the next `\\` at or after the last query (text length if none): a cache for one document. */
  nextBackslash = -1;
  /** Offset of the next newline, likewise. */
  nextNewline = -1;

  /** The pairs, unescaped, in input order. */
  pairs(text: string): [string, string][] {
    const out: [string, string][] = new Array<[string, string]>(this.count);
    const o = this.offs;
    for (let i = 0, k = 0; i < this.count; i++, k += 5) {
      const vs = o[k + 2]!;
      const ve = o[k + 3]!;
      out[i] = [text.slice(o[k], o[k + 1]), wellFormed(o[k + 4] === 1 ? unescape(text, vs, ve, true) : text.slice(vs, ve))];
    }
    return out;
  }
}

/** Raised by the scanners; the parser turns it into an ExpositionParseError with line and column. */
export class ScanFailure extends Error {
  override name = 'ScanFailure';
  constructor(
    readonly pos: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function skipBlanks(s: string, p: number, n: number): number {
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c !== SP && c !== TAB) break;
    p++;
  }
  return p;
}

/**
 * Scans a label set from just after its `{` to just after its `}` and returns that offset;
 * throws ScanFailure when malformed. OpenMetrics (`om`): no blanks anywhere, `,` only between
 * pairs, no raw newline in values. Prometheus text: blanks around tokens, a trailing `,` and a
 * missing `,` between pairs are accepted (as Prometheus does), values may hold raw newlines.
 * Both: label names `[a-zA-Z_][a-zA-Z0-9_]*`, not `__name__`, unique; a backslash escapes the
 * next character (which may not be a newline). Values are not checked for lone surrogates: the
 * text is assumed well-formed, as every UTF-8 decoder produces (see decodeExposition).
 */
export function scanLabels(s: string, p: number, om: boolean, out: LabelOffsets): number {
  const n = s.length;
  const o = out.offs;
  let count = 0;
  let k = 0;
  let afterComma = false;
  for (;;) {
    if (!om) p = skipBlanks(s, p, n);
    let c = p < n ? s.charCodeAt(p) : -1;
    if (c === RBRACE && !(om && afterComma)) {
      p++;
      break;
    }
    if (!isLabelNameStart(c)) {
      throw new ScanFailure(p, `expected a label name${afterComma ? '' : ' or "}"'}, got ${excerpt(s, p)}`);
    }
    const ns = p++;
    while (p < n && isLabelNameChar(s.charCodeAt(p))) p++;
    const ne = p;
    if (!om) p = skipBlanks(s, p, n);
    if (p >= n || s.charCodeAt(p) !== EQUAL) throw new ScanFailure(p, `expected "=" after the label name, got ${excerpt(s, p)}`);
    p++;
    if (!om) p = skipBlanks(s, p, n);
    if (p >= n || s.charCodeAt(p) !== QUOTE) throw new ScanFailure(p, `expected a label value in double quotes, got ${excerpt(s, p)}`);
    const vs = ++p;
    let esc = 0;
    // Fast path: find the closing quote natively; valid when no backslash or newline precedes it.
    const q = s.indexOf('"', p);
    if (q < 0) throw new ScanFailure(vs - 1, 'unterminated label value: expected a closing \'"\'');
    if (out.nextBackslash < p) out.nextBackslash = indexOrEnd(s, '\\', p);
    if (out.nextNewline < p) out.nextNewline = indexOrEnd(s, '\n', p);
    if (out.nextBackslash > q && out.nextNewline > q) {
      p = q;
    } else {
      for (;;) {
        if (p >= n) throw new ScanFailure(vs - 1, 'unterminated label value: expected a closing \'"\'');
        c = s.charCodeAt(p);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          esc = 1;
          if (p + 1 < n && s.charCodeAt(p + 1) === NL) throw new ScanFailure(p, 'a backslash may not escape a newline in a label value');
          p += 2;
          continue;
        }
        if (c === NL) {
          if (om) throw new ScanFailure(p, 'unterminated label value: expected a closing \'"\' before the end of line');
          out.newlines++;
        }
        p++;
      }
    }
    o[k] = ns;
    o[k + 1] = ne;
    o[k + 2] = vs;
    o[k + 3] = p;
    o[k + 4] = esc;
    k += 5;
    count++;
    p++;
    if (!om) p = skipBlanks(s, p, n);
    c = p < n ? s.charCodeAt(p) : -1;
    if (c === COMMA) {
      p++;
      afterComma = true;
    } else if (c === RBRACE) {
      p++;
      break;
    } else if (!om && isLabelNameStart(c)) {
      afterComma = false;
    } else {
      throw new ScanFailure(p, `expected "," or "}" after a label value, got ${excerpt(s, p)}`);
    }
  }
  out.count = count;
  if (count > 0) checkNames(s, o, count);
  return p;
}

function indexOrEnd(s: string, what: string, from: number): number {
  const i = s.indexOf(what, from);
  return i < 0 ? s.length : i;
}

function sameName(s: string, o: number[], a: number, b: number): boolean {
  const len = o[a + 1]! - o[a]!;
  if (o[b + 1]! - o[b]! !== len) return false;
  const x = o[a]!;
  const y = o[b]!;
  for (let i = 0; i < len; i++) if (s.charCodeAt(x + i) !== s.charCodeAt(y + i)) return false;
  return true;
}

/** Rejects `__name__` and duplicate names; quadratic for small sets, a Set beyond. */
function checkNames(s: string, o: number[], count: number): void {
  for (let i = 0, a = 0; i < count; i++, a += 5) {
    if (o[a + 1]! - o[a]! === 8 && s.startsWith('__name__', o[a])) {
      throw new ScanFailure(o[a]!, 'label name "__name__" is reserved: the metric name goes before the braces');
    }
  }
  if (count === 1) return;
  if (count <= 16) {
    for (let i = 1, b = 5; i < count; i++, b += 5) {
      for (let a = 0; a < b; a += 5) {
        if (sameName(s, o, a, b)) throw new ScanFailure(o[b]!, `duplicate label name "${s.slice(o[b], o[b + 1])}"`);
      }
    }
    return;
  }
  const seen = new Set<string>();
  for (let i = 0, a = 0; i < count; i++, a += 5) {
    const name = s.slice(o[a], o[a + 1]);
    if (seen.has(name)) throw new ScanFailure(o[a]!, `duplicate label name "${name}"`);
    seen.add(name);
  }
}
