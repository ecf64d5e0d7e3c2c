import { isIP } from 'node:net';
import { translateRE2 } from '../model/index.js';
import { FuncError, type FuncDef, asString, queryEscape } from './builtins.js';
import { sprintf } from './gofmt.js';
import { GoTime, SafeHtml, TemplateSample, goTypeName } from './values.js';

/**
 * Prometheus' template functions (prometheus/template), same names and results.
 * Numbers given as ints, floats or numeric strings are accepted where Prometheus converts them.
 */

const GO_FLOAT = /^[+-]?(?:(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?|0[xX][\da-fA-F_]*(?:\.[\da-fA-F_]*)?[pP][+-]?\d+|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])$/;

/** Prometheus' ConvertToFloat: float, int, or a string strconv.ParseFloat reads. */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || v instanceof SafeHtml) {
    const s = String(v);
    if (!GO_FLOAT.test(s)) throw new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
    const lower = s.toLowerCase().replace(/_/g, '');
    if (/^[+-]?inf/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
    if (lower === 'nan') return NaN;
    if (/0x/.test(lower)) return parseHexFloat(lower);
    return Number(lower);
  }
  throw new FuncError(`can't convert ${goTypeName(v)} to float`);
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0x([\da-f]*)(?:\.([\da-f]*))?p([+-]?\d+)$/.exec(s);
  if (m === null) return NaN;
  const mant = parseInt((m[2] ?? '') + (m[3] ?? '') || '0', 16);
  const v = mant * 2 ** (Number(m[4]) - 4 * (m[3] ?? '').length);
  return m[1] === '-' ? -v : v;
}

const BIG_PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL_PREFIXES = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function g4(v: number): string {
  return sprintf('%.4g', [v]);
}

function scaleDown(v: number): [number, string] {
  let prefix = '';
  for (const p of SMALL_PREFIXES) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return [v, prefix];
}

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of BIG_PREFIXES) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  const [s, prefix] = scaleDown(v);
  return g4(s) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

/** @param v seconds */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  const [s, prefix] = scaleDown(v);
  return `${g4(s)}${prefix}s`;
}

/** Unix seconds → time (ms precision, like Prometheus' model.Time). */
function floatToTime(v: number): GoTime {
  if (v > 9.223372036854776e9 || v < -9.223372036854776e9) throw new FuncError(`${v} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  return new GoTime(Math.trunc((v * 1e9) / 1e6));
}

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS_S = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Prometheus duration (`1h30m`) → seconds. */
export function parseDurationSeconds(s: string): number {
  if (s === '0') return 0;
  const m = s === '' ? null : DURATION_RE.exec(s);
  if (m === null) throw new FuncError(`not a valid duration string: ${JSON.stringify(s)}`);
  let total = 0;
  DURATION_UNITS_S.forEach((unit, i) => {
    const d = m[i + 1];
    if (d !== undefined) total += Number(d) * unit;
  });
  return total;
}

/** Go's net.SplitHostPort; undefined when `hostPort` has no valid port part. */
function splitHostPort(hostPort: string): [string, string] | undefined {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0 || hostPort[close + 1] !== ':') return undefined;
    return [hostPort.slice(1, close), hostPort.slice(close + 2)];
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = hostPort.slice(0, colon);
  if (host.includes(':')) return undefined;
  return [host, hostPort.slice(colon + 1)];
}

function compileRE2(pattern: string, global: boolean): RegExp {
  try {
    const t = translateRE2(pattern);
    return new RegExp(t.source, t.flags + (global ? 'g' : ''));
  } catch (err) {
    throw new FuncError(`error parsing regexp: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Go's Regexp.Expand template syntax: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandReplacement(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (/^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        end = close;
      }
    } else {
      const w = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (w !== null) {
        name = w[0];
        end = i + w[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
    i = end;
  }
  return out;
}

/** Go's Regexp.ReplaceAllString (empty matches right after a match are skipped). */
export function reReplaceAll(pattern: string, repl: string, text: string): string {
  const re = compileRE2(pattern, true);
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '') {
      const cp = text.codePointAt(end);
      re.lastIndex = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (start === prevEnd) continue;
    }
    out += text.slice(last, start) + expandReplacement(repl, m);
    last = end;
    prevEnd = end;
    if (end > text.length) break;
  }
  return out + text.slice(last);
}

function isTitleSeparator(ch: string): boolean {
  if (/^[A-Za-z0-9_]$/.test(ch)) return false;
  if (ch.charCodeAt(0) < 0x80) return true;
  if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
  return /^\s$/u.test(ch);
}

/** Go's strings.Title. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isTitleSeparator(prev) ? mapCase(ch, true) : ch;
    prev = ch;
  }
  return out;
}

/** Per-character case mapping like Go's strings.ToUpper/ToLower (no expansion such as ß → SS). */
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

function asSample(v: unknown, fn: string): TemplateSample {
  if (v instanceof TemplateSample) return v;
  if (v === undefined || v === null) throw new FuncError(`${fn}: nil sample`);
  throw new FuncError(`wrong type for value; expected *template.sample; got ${goTypeName(v)}`);
}

function asResult(v: unknown): TemplateSample[] {
  if (Array.isArray(v) && v.every((e) => e instanceof TemplateSample)) return v;
  if (Array.isArray(v) && v.length === 0) return [];
  throw new FuncError(`wrong type for value; expected template.queryResult; got ${goTypeName(v)}`);
}

function def(minArgs: number, maxArgs: number, fn: FuncDef['fn']): FuncDef {
  return { minArgs, maxArgs, fn };
}

/** Prometheus' functions, by name. `tmpl` runs a named template (`define`) with data. */
export const PROMETHEUS_FUNCS: ReadonlyMap<string, FuncDef> = new Map<string, FuncDef>([
  [
    'query',
    def(1, 1, async (c, [q]) => {
      if (c.query === undefined) throw new FuncError('no query function: templates here cannot run PromQL');
      const res = await c.query(asString(q));
      return res.map((s) => new TemplateSample({ ...s.labels }, s.value));
    }),
  ],
  [
    'first',
    def(1, 1, (_c, [v]) => {
      const r = asResult(v);
      if (r.length === 0) throw new FuncError('first() called on vector with no elements');
      return r[0];
    }),
  ],
  ['label', def(2, 2, (_c, [l, s]) => asSample(s, 'label').Labels[asString(l)] ?? '')],
  ['value', def(1, 1, (_c, [s]) => asSample(s, 'value').Value)],
  ['strvalue', def(1, 1, (_c, [s]) => asSample(s, 'strvalue').Labels['__value__'] ?? '')],
  [
    'sortByLabel',
    def(2, 2, (_c, [l, v]) => {
      const key = asString(l);
      // Sorts in place, like Prometheus (the caller's slice sees the new order), stable.
      const r = asResult(v);
      return r.sort((a, b) => {
        const x = a.Labels[key] ?? '';
        const y = b.Labels[key] ?? '';
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }),
  ],
  ['args', def(0, Infinity, (_c, args) => Object.fromEntries(args.map((a, i) => [`arg${i}`, a])))],
  ['tmpl', def(2, 2, async (c, [name, data]) => {
    const out = await c.executeTemplate(asString(name), data);
    return c.html ? new SafeHtml(out) : out;
  })],
  ['reReplaceAll', def(3, 3, (_c, [p, r, t]) => reReplaceAll(asString(p), asString(r), asString(t)))],
  ['match', def(2, 2, (_c, [p, t]) => compileRE2(asString(p), false).test(asString(t)))],
  ['safeHtml', def(1, 1, (_c, [t]) => new SafeHtml(asString(t)))],
  ['title', def(1, 1, (_c, [t]) => title(asString(t)))],
  ['toUpper', def(1, 1, (_c, [t]) => mapCase(asString(t), true))],
  ['toLower', def(1, 1, (_c, [t]) => mapCase(asString(t), false))],
  ['graphLink', def(1, 1, (_c, [e]) => `/graph?g0.expr=${queryEscape(asString(e))}&g0.tab=0`)],
  ['tableLink', def(1, 1, (_c, [e]) => `/graph?g0.expr=${queryEscape(asString(e))}&g0.tab=1`)],
  ['humanize', def(1, 1, (_c, [v]) => humanize(toFloat(v)))],
  ['humanize1024', def(1, 1, (_c, [v]) => humanize1024(toFloat(v)))],
  ['humanizeDuration', def(1, 1, (_c, [v]) => humanizeDuration(toFloat(v)))],
  ['humanizePercentage', def(1, 1, (_c, [v]) => sprintf('%.4g%%', [toFloat(v) * 100]))],
  [
    'humanizeTimestamp',
    def(1, 1, (_c, [v]) => {
      const f = toFloat(v);
      if (!Number.isFinite(f)) return g4(f);
      return floatToTime(f).toString();
    }),
  ],
  [
    'toTime',
    def(1, 1, (_c, [v]) => {
      const f = toFloat(v);
      if (!Number.isFinite(f)) throw new FuncError('value is NaN or Inf');
      return floatToTime(f);
    }),
  ],
  ['parseDuration', def(1, 1, (_c, [d]) => parseDurationSeconds(asString(d)))],
  ['pathPrefix', def(0, 0, (c) => c.pathPrefix)],
  ['externalURL', def(0, 0, (c) => c.externalURL)],
  ['stripPort', def(1, 1, (_c, [hp]) => splitHostPort(asString(hp))?.[0] ?? asString(hp))],
  [
    'stripDomain',
    def(1, 1, (_c, [hp]) => {
      const s = asString(hp);
      const split = splitHostPort(s);
      const host = split?.[0] ?? s;
      const port = split?.[1] ?? '';
      if (isIP(host) !== 0) return s;
      const short = host.split('.')[0] ?? host;
      if (port === '') return short;
      return short.includes(':') ? `[${short}]:${port}` : `${short}:${port}`;
    }),
  ],
]);
