import { GoTime, SafeHtml, TemplateSample, goTypeName, isMap, sortedEntries } from './values.js';

/**
 * The parts of Go's fmt package templates use: `Sprint`, `Sprintln`, `Sprintf` with the verbs
 * %v %s %d %f %F %g %G %e %E %q %x %X %o %b %c %t %%, flags `+ - # 0 space`, width and
 * precision (also `*`). Floats format like Go's strconv: shortest digits for %v (`1e+06`,
 * `0.1`, `3`), round-half-even at the requested precision.
 */

/** A decimal: significant digits without trailing zeros ('' for zero) and the decimal point position. */
interface Decimal {
  readonly digits: string;
  /** value = 0.digits × 10^dp */
  readonly dp: number;
}

function decimalFrom(expForm: string): Decimal {
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(expForm);
  if (m === null) return { digits: '', dp: 0 };
  const digits = (m[1]! + (m[2] ?? '')).replace(/0+$/, '');
  if (digits === '') return { digits: '', dp: 0 };
  return { digits, dp: Number(m[3]) + 1 };
}

/** Shortest digits that read back as |x| (what Go's 'g' with precision -1 uses). */
function shortest(x: number): Decimal {
  return decimalFrom(Math.abs(x).toExponential());
}

/** |x| to 100 significant digits: exact enough to round half-even like Go. */
function precise(x: number): Decimal {
  return decimalFrom(Math.abs(x).toExponential(99));
}

/** Rounds to `nd` significant digits, ties to even (Go's decimal rounding). */
function roundTo(d: Decimal, nd: number): Decimal {
  if (nd >= d.digits.length) return d;
  if (nd < 0) return { digits: '', dp: 0 };
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.digits.length) up = true; // more non-zero digits follow (no trailing zeros are kept)
  else up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  let kept = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') i--;
    if (i < 0) {
      kept = '1';
      dp++;
    } else {
      kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
    }
  }
  kept = kept.replace(/0+$/, '');
  return kept === '' ? { digits: '', dp: 0 } : { digits: kept, dp };
}

function digitAt(d: Decimal, i: number): string {
  return d.digits[i] ?? '0';
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let s = digitAt(d, 0);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(d: Decimal, prec: number): string {
  let s = '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j < 0 ? '0' : digitAt(d, j);
    }
  }
  return s;
}

/**
 * Formats a float64 like strconv.FormatFloat(x, fmt, prec, 64) with fmt in e E f F g G;
 * prec -1 = shortest. No sign handling of NaN/Inf here (see formatFloat).
 */
function formatAbs(x: number, verb: string, prec: number): string {
  const lower = verb.toLowerCase();
  if (prec < 0) {
    const d = shortest(x);
    if (lower === 'e') return fmtE(d, Math.max(d.digits.length - 1, 0), verb === 'E' ? 'E' : 'e');
    if (lower === 'f') return fmtF(d, Math.max(d.digits.length - d.dp, 0));
    const exp = d.dp - 1;
    if (d.digits !== '' && (exp < -4 || exp >= 6)) return fmtE(d, d.digits.length - 1, verb === 'G' ? 'E' : 'e');
    return fmtF(d, Math.max(d.digits.length - d.dp, 0));
  }
  const exact = precise(x);
  if (lower === 'e') return fmtE(roundTo(exact, prec + 1), prec, verb === 'E' ? 'E' : 'e');
  if (lower === 'f') return fmtF(roundTo(exact, exact.dp + prec), prec);
  // %g with precision: significant digits, trailing zeros dropped.
  let p = prec === 0 ? 1 : prec;
  const d = roundTo(exact, p);
  let eprec = p;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  const exp = d.dp - 1;
  if (d.digits !== '' && (exp < -4 || exp >= eprec)) {
    if (p > d.digits.length) p = d.digits.length;
    return fmtE(d, p - 1, verb === 'G' ? 'E' : 'e');
  }
  if (p > d.dp) p = d.digits.length;
  return fmtF(d, Math.max(p - d.dp, 0));
}

/** Go's float64 formatting for a verb (v g G e E f F) and precision (-1 = default). */
export function formatFloat(x: number, verb: string, prec: number, plus = false, space = false): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const v = verb === 'v' ? 'g' : verb;
  const p = prec < 0 && (v === 'e' || v === 'E' || v === 'f' || v === 'F') ? 6 : prec;
  const body = formatAbs(x, v, p);
  const neg = x < 0 || Object.is(x, -0);
  return (neg ? '-' : plus ? '+' : space ? ' ' : '') + body;
}

/** Go's strconv.Quote: double-quoted with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (/\p{C}/u.test(ch)) out += cp > 0xffff ? '\\U' + cp.toString(16).padStart(8, '0') : '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** `%v` of any value, as fmt prints it. `top` = not inside a slice or map (a top-level pointer prints `&{...}`). */
export function formatValue(v: unknown, top = true): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (v instanceof SafeHtml || v instanceof GoTime) return v.toString();
  if (v instanceof TemplateSample) {
    const body = `{${formatValue(v.Labels, false)} ${formatFloat(v.Value, 'g', -1)}}`;
    return top ? `&${body}` : body;
  }
  if (Array.isArray(v)) return `[${v.map((e) => formatValue(e, false)).join(' ')}]`;
  if (isMap(v)) return `map[${sortedEntries(v).map(([k, e]) => `${formatValue(k, false)}:${formatValue(e, false)}`).join(' ')}]`;
  if (typeof v === 'function') return '<func>';
  return '{}';
}

function isStringLike(v: unknown): boolean {
  return typeof v === 'string' || v instanceof SafeHtml;
}

/** fmt.Sprint: operands formatted with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && !isStringLike(a) && !isStringLike(args[i - 1])) out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a final newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

function badVerb(verb: string, v: unknown): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  zero: boolean;
  space: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (n <= 0) return s;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function formatInt(v: bigint, verb: string, spec: Spec): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let body: string;
  switch (verb) {
    case 'd':
    case 'v':
      body = a.toString(10);
      break;
    case 'x':
      body = (spec.sharp ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      body = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'o':
      body = (spec.sharp ? '0' : '') + a.toString(8);
      break;
    case 'O':
      body = '0o' + a.toString(8);
      break;
    case 'b':
      body = a.toString(2);
      break;
    case 'c':
      return String.fromCodePoint(Number(v));
    case 'q':
      return `'${String.fromCodePoint(Number(v))}'`;
    case 'U':
      return 'U+' + a.toString(16).toUpperCase().padStart(4, '0');
    default:
      return badVerb(verb, v);
  }
  if (spec.prec !== undefined) body = body.padStart(spec.prec, '0');
  return (neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '') + body;
}

function formatOne(v: unknown, verb: string, spec: Spec): { text: string; numeric: boolean } {
  if (typeof v === 'bigint') return { text: formatInt(v, verb, spec), numeric: true };
  if (typeof v === 'number') {
    if ('vgGeEfF'.includes(verb)) return { text: formatFloat(v, verb, spec.prec ?? -1, spec.plus, spec.space), numeric: true };
    return { text: badVerb(verb, v), numeric: false };
  }
  if (typeof v === 'boolean') return { text: verb === 't' || verb === 'v' ? String(v) : badVerb(verb, v), numeric: false };
  if (isStringLike(v) || v instanceof GoTime) {
    let s = String(v);
    switch (verb) {
      case 'v':
      case 's':
        if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
        return { text: s, numeric: false };
      case 'q':
        return { text: goQuote(s), numeric: false };
      case 'x':
      case 'X': {
        const hex = Buffer.from(s, 'utf8').toString('hex');
        return { text: verb === 'X' ? hex.toUpperCase() : hex, numeric: false };
      }
      default:
        return { text: badVerb(verb, v), numeric: false };
    }
  }
  if (v === undefined || v === null) return { text: verb === 'v' ? '<nil>' : badVerb(verb, v), numeric: false };
  if (Array.isArray(v)) return { text: `[${v.map((e) => formatOne(e, verb, { ...spec, width: undefined }).text).join(' ')}]`, numeric: false };
  if (isMap(v)) {
    const inner = { ...spec, width: undefined };
    return { text: `map[${sortedEntries(v).map(([k, e]) => `${formatOne(k, verb, inner).text}:${formatOne(e, verb, inner).text}`).join(' ')}]`, numeric: false };
  }
  return { text: verb === 'v' || verb === 's' ? formatValue(v) : badVerb(verb, v), numeric: false };
}

/** fmt.Sprintf. Wrong verbs, missing and extra operands are reported inline like Go (`%!d(string=x)`, `%!s(MISSING)`). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  const takeNumber = (): number | undefined => {
    if (format[i] === '*') {
      i++;
      const a = args[argi++];
      return typeof a === 'bigint' ? Number(a) : undefined;
    }
    const m = /^\d+/.exec(format.slice(i));
    if (m === null) return undefined;
    i += m[0].length;
    // Bounded: a width of 10^9 in a hostile template would allocate a gigabyte.
    return Math.min(Number(m[0]), 100_000);
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { plus: false, minus: false, sharp: false, zero: false, space: false, width: undefined, prec: undefined };
    for (;;) {
      const c = format[i];
      if (c === '+') spec.plus = true;
      else if (c === '-') spec.minus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === '0') spec.zero = true;
      else if (c === ' ') spec.space = true;
      else break;
      i++;
    }
    spec.width = takeNumber();
    if (format[i] === '.') {
      i++;
      spec.prec = takeNumber() ?? 0;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    i++;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (verb === 'T' && argi < args.length) {
      const a = args[argi++];
      out += pad(a === undefined || a === null ? '<nil>' : goTypeName(a), spec, false);
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const { text, numeric } = formatOne(args[argi++], verb, spec);
    out += pad(text, spec, numeric);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`)).join(', ') + ')';
  }
  return out;
}
