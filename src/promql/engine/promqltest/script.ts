import { type Labels, labelsFromPairs } from '../../../model/index.js';

/**
 * Parser for the promqltest script language (see
 * ../shared/conformance/promqltest/FORMAT.md). Produces plain commands; the runner
 * executes them. Native-histogram literals are recognised and flagged, never decoded.
 */

export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

/** One point of a loaded or expected series: undefined value = omitted position. */
export interface SeriesLine {
  readonly labels: Labels;
  /** Value per position; undefined for `_`. Stale markers are the bit-exact staleness NaN. */
  readonly values: Float64Array;
  readonly present: Uint8Array;
  /** True when the line held a `{{…}}` native histogram. */
  readonly histogram: boolean;
}

export interface LoadCmd {
  readonly kind: 'load';
  readonly line: number;
  readonly interval: number;
  readonly nhcb: boolean;
  readonly series: readonly SeriesLine[];
  readonly startTimestamps: boolean;
}
export interface ClearCmd {
  readonly kind: 'clear';
  readonly line: number;
}
export interface Expect {
  readonly type: 'fail' | 'warn' | 'info' | 'no_warn' | 'no_info' | 'ordered';
  readonly msg?: string;
  readonly regex?: RegExp;
}
export interface EvalCmd {
  readonly kind: 'eval';
  readonly line: number;
  readonly instant: boolean;
  /** Instant: start === end === the eval time. */
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly expr: string;
  readonly expects: readonly Expect[];
  readonly rangeVector?: { readonly from: number; readonly to: number; readonly step: number };
  readonly string?: string;
  readonly scalar?: number;
  readonly series: readonly SeriesLine[];
  /** Expected output involves native histograms. */
  readonly histogram: boolean;
}
export type Command = LoadCmd | ClearCmd | EvalCmd;

const UNIT_MS: Readonly<Record<string, number>> = { y: 365 * 86400000, w: 7 * 86400000, d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 };

/** Prometheus duration syntax (`1h30m`, `0`), in ms. Throws ScriptError. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new ScriptError(`invalid duration "${s}"`);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (s.length === 0) throw new ScriptError('empty duration');
  return total;
}

const STALE = (() => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, 0x7ff0000000000002n);
  return dv.getFloat64(0);
})();

const UNUM = String.raw`(?:[iI][nN][fF]|[nN][aA][nN]|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)`;
const NUM = `[+-]?${UNUM}`;
const ITEM_RE = new RegExp(`^(${NUM})(?:([+-])(${UNUM}))?x(\\d+)$`);
const NUM_RE = new RegExp(`^${NUM}$`);

function parseNum(s: string): number {
  const t = s.replace(/_/g, '');
  const l = t.toLowerCase();
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l === 'nan' || l === '+nan' || l === '-nan') return NaN;
  const v = Number(t);
  if (Number.isNaN(v)) throw new ScriptError(`invalid number "${s}"`);
  return v;
}

/** Splits a value sequence into items, keeping `{{…}}` histogram literals whole. */
function splitItems(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) {
      if (s.startsWith('{{', j)) {
        const e = s.indexOf('}}', j);
        if (e < 0) throw new ScriptError('unterminated histogram literal');
        j = e + 2;
      } else j++;
    }
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Expands a value sequence. Histogram items become NaN positions and set `histogram`. */
export function parseValues(s: string): { values: number[]; present: boolean[]; stale: boolean[]; histogram: boolean } {
  const values: number[] = [];
  // Stale markers are flagged apart: a plain JS array would quiet the signalling NaN.
  const stale: boolean[] = [];
  const present: boolean[] = [];
  let histogram = false;
  const push = (v: number, p: boolean, st = false): void => {
    values.push(v);
    present.push(p);
    stale.push(st);
  };
  for (const item of splitItems(s)) {
    if (item.startsWith('{{')) {
      histogram = true;
      const m = /x(\d+)$/.exec(item);
      const n = m && item.endsWith('}}x' + m[1]) ? Number(m[1]) + 1 : 1;
      for (let k = 0; k < n; k++) push(NaN, false);
      continue;
    }
    if (item === '_') {
      push(NaN, false);
      continue;
    }
    const om = /^_x(\d+)$/.exec(item);
    if (om) {
      for (let k = 0; k < Number(om[1]); k++) push(NaN, false);
      continue;
    }
    if (item === 'stale') {
      push(NaN, true, true);
      continue;
    }
    if (NUM_RE.test(item)) {
      push(parseNum(item), true);
      continue;
    }
    const m = ITEM_RE.exec(item);
    if (!m) throw new ScriptError(`invalid value item "${item}"`);
    const start = parseNum(m[1]!);
    const delta = m[3] === undefined ? 0 : parseNum(m[3]) * (m[2] === '-' ? -1 : 1);
    const k = Number(m[4]);
    let v = start;
    for (let j = 0; j <= k; j++) {
      push(v, true);
      v += delta;
    }
  }
  return { values, present, stale, histogram };
}

/** Reads a Go-style quoted string at s[i] (", ' or `); returns the value and the next index. */
function readQuoted(s: string, i: number): [string, number] {
  const q = s[i]!;
  let j = i + 1;
  if (q === '`') {
    const e = s.indexOf('`', j);
    if (e < 0) throw new ScriptError('unterminated raw string');
    return [s.slice(j, e), e + 1];
  }
  let out = '';
  while (j < s.length && s[j] !== q) {
    const c = s[j]!;
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = s[j + 1];
    j += 2;
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        // Go \xNN is a raw byte; collect consecutive bytes and decode as UTF-8.
        const bytes: number[] = [parseInt(s.slice(j, j + 2), 16)];
        j += 2;
        while (s[j] === '\\' && s[j + 1] === 'x') {
          bytes.push(parseInt(s.slice(j + 2, j + 4), 16));
          j += 4;
        }
        out += Buffer.from(bytes).toString('utf8');
        break;
      }
      case 'u': out += String.fromCodePoint(parseInt(s.slice(j, j + 4), 16)); j += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(s.slice(j, j + 8), 16)); j += 8; break;
      default: out += e ?? '';
    }
  }
  if (s[j] !== q) throw new ScriptError('unterminated string');
  return [out, j + 1];
}

const IDENT = /[A-Za-z_:][A-Za-z0-9_:.]*/y;

/** Parses a series descriptor at the start of `s`; returns labels and the rest of the line. */
export function parseDescriptor(s: string): { labels: Labels; rest: string } {
  const pairs: [string, string][] = [];
  let i = 0;
  IDENT.lastIndex = 0;
  const nm = IDENT.exec(s);
  if (nm) {
    pairs.push(['__name__', nm[0]]);
    i = IDENT.lastIndex;
  }
  if (s[i] === '{') {
    i++;
    for (;;) {
      while (/\s/.test(s[i] ?? '')) i++;
      if (s[i] === '}') { i++; break; }
      let name: string;
      if (s[i] === '"' || s[i] === "'" || s[i] === '`') [name, i] = readQuoted(s, i);
      else {
        IDENT.lastIndex = i;
        const m = IDENT.exec(s);
        if (!m) throw new ScriptError(`bad series descriptor "${s}"`);
        name = m[0];
        i = IDENT.lastIndex;
      }
      while (/\s/.test(s[i] ?? '')) i++;
      if (s[i] === '=') {
        i++;
        while (/\s/.test(s[i] ?? '')) i++;
        let value: string;
        [value, i] = readQuoted(s, i);
        pairs.push([name, value]);
      } else {
        pairs.push(['__name__', name]); // quoted metric name
      }
      while (/\s/.test(s[i] ?? '')) i++;
      if (s[i] === ',') i++;
    }
  }
  if (i === 0) throw new ScriptError(`bad series descriptor "${s}"`);
  return { labels: labelsFromPairs(pairs), rest: s.slice(i) };
}

function seriesLine(text: string): SeriesLine & { st: boolean } {
  const { labels, rest } = parseDescriptor(text);
  const st = rest.startsWith('@st');
  const { values, present, stale, histogram } = st ? { values: [], present: [], stale: [], histogram: false } : parseValues(rest);
  const arr = Float64Array.from(values);
  stale.forEach((x, i) => {
    if (x) arr[i] = STALE;
  });
  return { labels, values: arr, present: Uint8Array.from(present, (b) => (b ? 1 : 0)), histogram, st };
}

function parseExpect(rest: string): Expect {
  const m = /^(fail|warn|info|no_warn|no_info|ordered)\b\s*(?:(msg|regex):\s*(.*))?$/.exec(rest);
  if (!m) throw new ScriptError(`bad expect line "expect ${rest}"`);
  const type = m[1] as Expect['type'];
  if (m[2] === 'msg') return { type, msg: m[3]!.trim() };
  if (m[2] === 'regex') return { type, regex: new RegExp(m[3]!.trim()) };
  return { type };
}

/** Parses a whole file into commands. Throws ScriptError with the line number. */
export function parseScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === '') { i++; continue; }
    const start = i;
    const body: string[] = [];
    i++;
    if (line.split(/\s+/)[0]!.toLowerCase() === 'clear') {
      cmds.push({ kind: 'clear', line: start + 1 });
      continue;
    }
    while (i < lines.length && lines[i] !== '') body.push(lines[i++]!);
    try {
      cmds.push(parseCommand(line, body, start + 1));
    } catch (e) {
      throw new ScriptError(`line ${start + 1}: ${(e as Error).message}`, { cause: e });
    }
  }
  return cmds;
}

function parseCommand(line: string, body: string[], lineNo: number): Command {
  const word = line.split(/\s+/)[0]!.toLowerCase();
  if (word === 'clear') return { kind: 'clear', line: lineNo };
  if (word === 'load' || word === 'load_with_nhcb') {
    const interval = parseDuration(line.split(/\s+/)[1] ?? '');
    const byKey = new Map<string, SeriesLine>();
    let startTimestamps = false;
    for (const b of body) {
      const s = seriesLine(b);
      if (s.st) { startTimestamps = true; continue; }
      byKey.set(JSON.stringify(s.labels), s);
    }
    return { kind: 'load', line: lineNo, interval, nhcb: word === 'load_with_nhcb', series: [...byKey.values()], startTimestamps };
  }
  if (word.startsWith('eval')) return parseEval(line, body, lineNo);
  throw new ScriptError(`unknown command "${word}"`);
}

function parseEval(line: string, body: string[], lineNo: number): EvalCmd {
  const expects: Expect[] = [];
  let m = /^(eval(?:_fail|_warn|_info|_ordered)?)\s+instant\s+at\s+(\S+)\s+(.*)$/.exec(line);
  let instant = true;
  let start: number, end: number, step = 0, expr: string, cmd: string;
  if (m) {
    cmd = m[1]!;
    start = end = parseDuration(m[2]!);
    expr = m[3]!;
  } else {
    m = /^(eval(?:_fail|_warn|_info|_ordered)?)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new ScriptError(`bad eval line "${line}"`);
    instant = false;
    cmd = m[1]!;
    start = parseDuration(m[2]!);
    end = parseDuration(m[3]!);
    step = parseDuration(m[4]!);
    expr = m[5]!;
  }
  if (cmd === 'eval_fail') expects.push({ type: 'fail' });
  if (cmd === 'eval_warn') expects.push({ type: 'warn' });
  if (cmd === 'eval_info') expects.push({ type: 'info' });
  if (cmd === 'eval_ordered') expects.push({ type: 'ordered' });
  let rangeVector: EvalCmd['rangeVector'];
  let str: string | undefined;
  let scalar: number | undefined;
  let histogram = false;
  const series: SeriesLine[] = [];
  for (const b of body) {
    if (b.startsWith('expected_fail_message ')) { expects.push({ type: 'fail', msg: b.slice(22).trim() }); continue; }
    if (b.startsWith('expected_fail_regexp ')) { expects.push({ type: 'fail', regex: new RegExp(b.slice(21).trim()) }); continue; }
    if (b.startsWith('expect ')) {
      const rest = b.slice(7).trim();
      const rv = /^range vector from (\S+) to (\S+) step (\S+)$/.exec(rest);
      if (rv) {
        rangeVector = { from: parseDuration(rv[1]!), to: parseDuration(rv[2]!), step: parseDuration(rv[3]!) };
        start = end = rangeVector.to;
        continue;
      }
      const sm = /^string\s+(.*)$/.exec(rest);
      if (sm) {
        const q = sm[1]!.trim();
        str = readQuoted(q, 0)[0];
        continue;
      }
      expects.push(parseExpect(rest));
      continue;
    }
    if (/^[+-]?(?:0x[0-9a-fA-F]+|\d|\.\d|[iI]nf|[nN]a[nN])/.test(b) && !/[{}]/.test(b)) {
      scalar = /^[+-]?0x/i.test(b) ? Number.parseInt(b, 16) : parseNum(b);
      if (/^[+-]?0x/i.test(b) && b.startsWith('-')) scalar = -Number.parseInt(b.slice(1), 16);
      continue;
    }
    const s = seriesLine(b);
    if (s.histogram) histogram = true;
    series.push(s);
  }
  return {
    kind: 'eval', line: lineNo, instant, start, end, step, expr, expects, series, histogram,
    ...(rangeVector ? { rangeVector } : {}),
    ...(str !== undefined ? { string: str } : {}),
    ...(scalar !== undefined ? { scalar } : {}),
  };
}
