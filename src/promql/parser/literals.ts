/**
 * Literal conversions with Go/Prometheus semantics: numbers (strconv.ParseInt base 0, then
 * ParseFloat), durations (prometheus/common model.ParseDuration / Duration.String), strings
 * (strconv.Unquote with single-quoted strings allowed) and float formatting.
 */

const MS_PER: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};
const UNIT_ORDER: Readonly<Record<string, number>> = { y: 1, w: 2, d: 3, h: 4, m: 5, s: 6, ms: 7 };
/** Largest Go time.Duration in ms (2^63-1 ns). */
const MAX_DURATION_MS = 9223372036854.775;

/** Parses a Prometheus duration (`1h30m`, `0`, `500ms`) into ms; returns an error text on failure. */
export function parseDuration(s: string): number | { error: string } {
  if (s === '0') return 0;
  if (s === '') return { error: 'empty duration string' };
  const bad = { error: `not a valid duration string: ${JSON.stringify(s)}` };
  let rest = s;
  let total = 0;
  let lastPos = 0;
  while (rest !== '') {
    const m = /^(\d+)(\D*)/.exec(rest);
    if (m === null) return bad;
    const digits = m[1] ?? '';
    const unit = m[2] ?? '';
    if (unit === '') return bad;
    const mult = MS_PER[unit];
    const pos = UNIT_ORDER[unit];
    if (mult === undefined || pos === undefined) return { error: `unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(s)}` };
    if (pos <= lastPos) return bad;
    lastPos = pos;
    const v = Number(digits);
    if (v > MAX_DURATION_MS / mult) return { error: 'duration out of range' };
    total += v * mult;
    if (total > MAX_DURATION_MS) return { error: 'duration out of range' };
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Formats ms like Prometheus' model.Duration (`1h30m`, `90d`, `2w`, `0s`); negative gives ''. */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let r = '';
  const f = (unit: string, exact: boolean): void => {
    const mult = MS_PER[unit] ?? 1;
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      r += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  f('y', true);
  f('w', true);
  f('d', false);
  f('h', false);
  f('m', false);
  f('s', false);
  f('ms', false);
  return r;
}

/** Seconds (a duration literal's value) to ms, as Prometheus: round to ns, truncate to ms. */
export function secondsToMs(sec: number): number {
  const ns = Math.round(sec * 1e9);
  return Math.trunc(ns / 1e6);
}

/** Go's strconv.ParseInt(s, 0, 64) then ParseFloat fallback, for PromQL NUMBER tokens. */
export function parseNumber(val: string): number | { error: string } {
  const lower = val.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const clean = val.replace(/_/g, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(clean)) {
    const b = BigInt(clean);
    if (b > 0x7fffffffffffffffn) return { error: `strconv.ParseFloat: parsing ${JSON.stringify(val)}: invalid syntax` };
    return Number(b);
  }
  if (/^0[0-7]+$/.test(clean)) {
    const b = BigInt(`0o${clean.slice(1)}`);
    if (b <= 0x7fffffffffffffffn) return Number(b);
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) {
    return { error: `strconv.ParseFloat: parsing ${JSON.stringify(val)}: invalid syntax` };
  }
  const n = Number(clean);
  if (!Number.isFinite(n)) return { error: `strconv.ParseFloat: parsing ${JSON.stringify(val)}: value out of range` };
  return n;
}

/**
 * Unquotes a lexed STRING token (`"…"`, `'…'` with Go escapes, or a raw `` `…` ``). Byte
 * escapes (`\xNN`, octal) are assembled as UTF-8. Returns an error text on failure.
 */
export function unquote(s: string): string | { error: string } {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) return { error: 'invalid syntax' };
  const body = s.slice(1, -1);
  if (q === '`') return body.replace(/\r/g, '');
  if (q !== '"' && q !== "'") return { error: 'invalid syntax' };
  if (!body.includes('\\')) {
    if (body.includes(q) || body.includes('\n')) return { error: 'invalid syntax' };
    return body;
  }
  const enc = new TextEncoder();
  const bytes: number[] = [];
  const pushStr = (t: string): void => {
    for (const b of enc.encode(t)) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      if (c === q || c === '\n') return { error: 'invalid syntax' };
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      pushStr(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    const sv = simple[e];
    if (sv !== undefined) {
      pushStr(sv);
      continue;
    }
    if (e === q) {
      pushStr(q);
      continue;
    }
    let len: number;
    let base: number;
    let start = i;
    if (e >= '0' && e <= '7') {
      len = 3;
      base = 8;
      start = i - 1;
    } else if (e === 'x') {
      len = 2;
      base = 16;
    } else if (e === 'u') {
      len = 4;
      base = 16;
    } else if (e === 'U') {
      len = 8;
      base = 16;
    } else {
      return { error: 'invalid syntax' };
    }
    const digits = body.slice(start, start + len);
    const re = base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
    if (digits.length !== len || !re.test(digits)) return { error: 'invalid syntax' };
    const v = parseInt(digits, base);
    i = start + len;
    if (e === 'u' || e === 'U') {
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return { error: 'invalid syntax' };
      pushStr(String.fromCodePoint(v));
    } else {
      if (v > 255) return { error: 'invalid syntax' };
      bytes.push(v);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent; `+Inf`, `-Inf`, `NaN`. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  const neg = v < 0;
  const [mant = '', expStr = '0'] = (neg ? s.slice(1) : s).split('e');
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const pointPos = (mant.indexOf('.') === -1 ? mant.length : mant.indexOf('.')) + exp;
  let out: string;
  if (pointPos <= 0) out = `0.${'0'.repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return neg ? `-${out}` : out;
}

/** Go's `%v` for a float64: shortest `%g`, exponent form (`1e+06`) when the exponent is < -4 or >= 6. */
export function formatFloatV(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential();
  const [mant = '', expStr = '0'] = e.split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return formatFloat(v);
}
