// Character-level helpers shared by both exposition formats. Everything works on UTF-16 code
// units of a JS string with explicit [start, end) offsets so the hot path never slices.

/** Code units used by the scanners. */
export const NL = 10;
export const SP = 32;
export const TAB = 9;
export const HASH = 35;
export const QUOTE = 34;
export const BACKSLASH = 92;
export const COMMA = 44;
export const EQUAL = 61;
export const LBRACE = 123;
export const RBRACE = 125;

// Character classes of ASCII code units as bit flags, in an (immutable) string indexed by code
// unit: charCodeAt(c) is NaN beyond 127, and NaN & flag is 0. Faster than chains of compares.
const METRIC_START = 1;
const METRIC_CHAR = 2;
const LABEL_START = 4;
const LABEL_CHAR = 8;
const CLASSES = ((): string => {
  let t = '';
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    const digit = c >= 48 && c <= 57;
    let f = 0;
    if (letter || c === 58) f |= METRIC_START | METRIC_CHAR;
    if (digit) f |= METRIC_CHAR | LABEL_CHAR;
    if (letter) f |= LABEL_START | LABEL_CHAR;
    t += String.fromCharCode(f);
  }
  return t;
})();

/** `[a-zA-Z_:]`: first character of a metric name. */
export function isMetricNameStart(c: number): boolean {
  return (CLASSES.charCodeAt(c) & METRIC_START) !== 0;
}

/** `[a-zA-Z0-9_:]`: following characters of a metric name. */
export function isMetricNameChar(c: number): boolean {
  return (CLASSES.charCodeAt(c) & METRIC_CHAR) !== 0;
}

/** `[a-zA-Z_]`: first character of a label name. */
export function isLabelNameStart(c: number): boolean {
  return (CLASSES.charCodeAt(c) & LABEL_START) !== 0;
}

/** `[a-zA-Z0-9_]`: following characters of a label name. */
export function isLabelNameChar(c: number): boolean {
  return (CLASSES.charCodeAt(c) & LABEL_CHAR) !== 0;
}

/** True when `s` is a valid (legacy) metric name. */
export function isValidMetricName(s: string): boolean {
  if (s.length === 0 || !isMetricNameStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isMetricNameChar(s.charCodeAt(i))) return false;
  return true;
}

/** Offset of the first unpaired UTF-16 surrogate in [start, end), or -1 (the text is valid Unicode). */
export function findLoneSurrogate(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

function matchesWordCI(s: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((s.charCodeAt(start + i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses [start, end) as a float in the grammar both formats share (Go's ParseFloat without hex
 * forms or underscores, which Prometheus also refuses): `[+-]? (digits [. digits*] | . digits)
 * ([eE] [+-]? digits)?`, or, when `special` is true, `[+-]?(inf|infinity)` and `nan` in any
 * case. Returns undefined when malformed or when a finite literal overflows to ±Inf.
 */
export function parseFloatToken(s: string, start: number, end: number, special: boolean): number | undefined {
  let i = start;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 43 || c === 45) {
    neg = c === 45;
    i++;
  }
  if (i >= end) return undefined;
  c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    // Fast path: a plain integer of at most 15 digits is exact in a double.
    let v = 0;
    let j = i;
    while (j < end) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      j++;
    }
    if (j === end && j - i <= 15) return neg ? -v : v;
    i = j;
    if (i < end && s.charCodeAt(i) === 46) {
      i++;
      while (i < end && isDigit(s.charCodeAt(i))) i++;
    }
  } else if (c === 46) {
    i++;
    const d0 = i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (i === d0) return undefined;
  } else {
    if (!special) return undefined;
    if (matchesWordCI(s, i, end, 'inf') || matchesWordCI(s, i, end, 'infinity')) return neg ? -Infinity : Infinity;
    if (i === start && matchesWordCI(s, i, end, 'nan')) return NaN;
    return undefined;
  }
  if (i < end && (s.charCodeAt(i) | 0x20) === 101) {
    i++;
    if (i < end && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const d0 = i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (i === d0) return undefined;
  }
  if (i !== end) return undefined;
  const v = Number(s.slice(start, end));
  return Number.isFinite(v) ? v : undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Largest value of a Go int64, the range of Prometheus text timestamps. */
const INT64_MAX_DIGITS = '9223372036854775807';

/**
 * Parses [start, end) as a Prometheus text timestamp: decimal digits only (no sign), within
 * int64. Returns milliseconds, or undefined when malformed or out of range.
 */
export function parseIntMillis(s: string, start: number, end: number): number | undefined {
  if (end <= start) return undefined;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  const n = end - start;
  if (n > 19 || (n === 19 && s.slice(start, end) > INT64_MAX_DIGITS)) {
    // Leading zeros may make a long string small.
    let k = start;
    while (k < end - 1 && s.charCodeAt(k) === 48) k++;
    if (end - k > 19 || (end - k === 19 && s.slice(k, end) > INT64_MAX_DIGITS)) return undefined;
  }
  return v;
}

/**
 * Unescapes a label value (both formats) or an OpenMetrics HELP text: `\\` → `\`, `\"` → `"`,
 * `\n` → newline; any other backslash is kept as is (as Prometheus' replacer does).
 * With `quote` false (Prometheus text HELP), `\"` is kept as is too.
 */
export function unescape(s: string, start: number, end: number, quote: boolean): string {
  let i = s.indexOf('\\', start);
  if (i < 0 || i >= end) return s.slice(start, end);
  let out = '';
  let from = start;
  while (i >= 0 && i < end - 1) {
    const c = s.charCodeAt(i + 1);
    if (c === BACKSLASH || c === 110 || (quote && c === QUOTE)) {
      out += s.slice(from, i) + (c === 110 ? '\n' : c === BACKSLASH ? '\\' : '"');
      from = i + 2;
      i = s.indexOf('\\', from);
    } else {
      i = s.indexOf('\\', i + 1);
    }
  }
  return out + s.slice(from, end);
}

/** Number of Unicode code points in `s` (surrogate pairs count once). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const h = s.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff) n--;
    }
  }
  return n;
}

/** `s` with unpaired surrogates replaced by U+FFFD. */
export function wellFormed(s: string): string {
  let bad = findLoneSurrogate(s, 0, s.length);
  if (bad < 0) return s;
  let out = '';
  let from = 0;
  while (bad >= 0) {
    out += s.slice(from, bad) + '\ufffd';
    from = bad + 1;
    bad = findLoneSurrogate(s, from, s.length);
  }
  return out + s.slice(from);
}

