// The family-level rules of OpenMetrics 1.0 that a line-by-line syntax check cannot see:
// metadata placement and repetition, clashing names, which sample names a type allows,
// grouping and timestamp order, value constraints per type, histogram consistency, and which
// samples may carry exemplars. They follow the OpenMetrics specification and its reference
// parser test suite (tests/testdata/parsers of the OpenMetrics repository).

import { parseFloatToken } from './lex.js';

/** The metric types OpenMetrics 1.0 defines (`untyped` is a Prometheus text keyword only). */
export type OpenMetricsType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

/** Sample-name suffixes each type allows (the family name itself is reserved by every type). */
const SUFFIXES: Readonly<Record<OpenMetricsType, readonly string[]>> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

/** Returns the type if `s` names an OpenMetrics type. */
export function openMetricsType(s: string): OpenMetricsType | undefined {
  return Object.hasOwn(SUFFIXES, s) ? (s as OpenMetricsType) : undefined;
}

/** Thrown by the validator; the parser converts it to an ExpositionParseError at `line`. */
export class FamilyRuleFailure extends Error {
  override name = 'FamilyRuleFailure';
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface HistogramGroup {
  line: number;
  count: number | undefined;
  lastLe: number | undefined;
  lastValue: number;
  negativeBucket: boolean;
  sum: boolean;
  gsum: boolean;
  negativeGsum: boolean;
}

class Family {
  type: OpenMetricsType | undefined = undefined;
  help = false;
  unit: string | undefined = undefined;
  hasSamples = false;
  allowed: readonly string[];
  readonly seenGroups = new Set<string>();
  group: string | undefined = undefined;
  groupTs: number | undefined = undefined;
  hist: HistogramGroup | undefined = undefined;
  histKey: string | undefined = undefined;
  histTs: number | undefined = undefined;
  constructor(
    readonly name: string,
    readonly line: number,
  ) {
    this.allowed = [name];
  }
}

function label(pairs: readonly (readonly [string, string])[], name: string): string | undefined {
  for (const [k, v] of pairs) if (k === name) return v;
  return undefined;
}

/** Identity of a sample's group: its labels without `excluded`, independent of their order. */
function groupKey(pairs: readonly (readonly [string, string])[], excluded: string | undefined): string {
  if (pairs.length === 0) return '';
  if (pairs.length === 1) return pairs[0]![0] === excluded ? '' : pairs[0]![0] + '\u0000' + pairs[0]![1];
  const kept = excluded === undefined ? [...pairs] : pairs.filter((p) => p[0] !== excluded);
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let key = '';
  for (const [k, v] of kept) key += k + '\u0000' + v + '\u0001';
  return key;
}

const NAN_FORBIDDEN = new Set(['_total', '_sum', '_count', '_bucket', '_gcount', '_gsum']);
const NEGATIVE_FORBIDDEN = new Set(['_total', '_sum', '_count', '_bucket', '_gcount']);

/**
 * Checks one OpenMetrics document entry by entry. Call `meta` for each HELP/TYPE/UNIT line,
 * `sample` for each sample line, `end` at `# EOF`. Each throws FamilyRuleFailure. Some rules
 * concern a whole family, so a failure may be reported when the next family starts (naming
 * the line of the offending family or group).
 */
export class OpenMetricsValidator {
  private readonly seenNames = new Set<string>();
  private fam: Family | undefined = undefined;

  /**
   * `strict` adds the value rules of the specification: counter-like values (_total, _sum,
   * _count, _bucket, _gcount) neither negative nor NaN, _gsum not NaN, integer counts and
   * buckets, non-negative quantiles, stateset values 0/1, info value 1, and per histogram:
   * buckets in increasing `le` order, cumulative, ending with +Inf equal to _count, _sum and
   * _count together, no _sum with negative buckets. Real client libraries break some of these
   * (client_golang writes _sum with negative buckets, as in Prometheus' own testdata), and
   * Prometheus accepts them, so scrapes use the non-strict mode.
   */
  constructor(private readonly strict: boolean) {}

  meta(kind: 'help' | 'type' | 'unit', name: string, text: string, line: number): void {
    let f = this.fam;
    if (f !== undefined && f.name === name && f.hasSamples) {
      throw new FamilyRuleFailure(line, `metadata for "${name}" must come before its samples`);
    }
    if (f === undefined || f.name !== name) {
      this.finishFamily();
      f = this.fam = new Family(name, line);
    }
    switch (kind) {
      case 'help':
        if (f.help) throw new FamilyRuleFailure(line, `second HELP for "${name}"`);
        f.help = true;
        break;
      case 'type': {
        if (f.type !== undefined) throw new FamilyRuleFailure(line, `second TYPE for "${name}"`);
        const t = openMetricsType(text)!;
        f.type = t;
        f.allowed = SUFFIXES[t].map((s) => name + s);
        if (f.unit && (t === 'info' || t === 'stateset')) throw new FamilyRuleFailure(line, `${t === 'info' ? 'an' : 'a'} ${t} may not have a UNIT`);
        break;
      }
      case 'unit':
        if (f.unit !== undefined) throw new FamilyRuleFailure(line, `second UNIT for "${name}"`);
        f.unit = text;
        if (text !== '' && !name.endsWith('_' + text)) {
          throw new FamilyRuleFailure(line, `the family name "${name}" must end with "_${text}", its unit`);
        }
        if (text !== '' && (f.type === 'info' || f.type === 'stateset')) throw new FamilyRuleFailure(line, `a(n) ${f.type} may not have a UNIT`);
        break;
    }
  }

  sample(
    name: string,
    pairs: readonly (readonly [string, string])[],
    value: number,
    tsSec: number | undefined,
    hasExemplar: boolean,
    line: number,
  ): void {
    let f = this.fam;
    if (f === undefined || !f.allowed.includes(name)) {
      this.finishFamily();
      f = this.fam = new Family(name, line);
      f.type = 'unknown';
    }
    f.hasSamples = true;
    const type = f.type ?? 'unknown';
    const suffix = name.slice(f.name.length);
    const fail = (detail: string): never => {
      throw new FamilyRuleFailure(line, detail);
    };
    if (type === 'stateset' && label(pairs, f.name) === undefined) fail(`a stateset sample needs a label named "${f.name}"`);
    let le = 0;
    if (suffix === '_bucket') {
      const raw = label(pairs, 'le');
      const v = raw === undefined ? undefined : parseFloatToken(raw, 0, raw.length, true);
      if (raw === undefined || v === undefined || Number.isNaN(v) || (!Number.isFinite(v) && raw !== '+Inf' && raw !== '-Inf')) {
        fail(`a bucket needs an "le" label holding a number, got ${raw === undefined ? 'none' : JSON.stringify(raw)}`);
      }
      le = v!;
    }
    if (type === 'summary' && suffix === '') {
      const raw = label(pairs, 'quantile');
      const q = raw === undefined ? undefined : parseFloatToken(raw, 0, raw.length, true);
      if (q === undefined || !(q >= 0 && q <= 1)) fail(`a summary quantile needs a "quantile" label between 0 and 1, got ${raw === undefined ? 'none' : JSON.stringify(raw)}`);
    }
    if (this.strict) checkValue(type, suffix, value, fail);

    const excluded =
      type === 'summary' && suffix === '' ? 'quantile' : type === 'stateset' ? f.name : suffix === '_bucket' ? 'le' : undefined;
    const key = type === 'info' ? '' : groupKey(pairs, excluded);
    if (f.group !== undefined) {
      if (key !== f.group && f.seenGroups.has(key)) fail('the samples of one metric (label set) must be contiguous within their family');
      if (key === f.group) {
        if ((tsSec === undefined) !== (f.groupTs === undefined)) fail('samples of one metric must all have a timestamp or none');
        if (f.groupTs !== undefined && tsSec! < f.groupTs && type !== 'info') fail('timestamps went backwards within one metric');
      }
    }
    f.group = key;
    f.groupTs = tsSec;
    f.seenGroups.add(key);

    if (hasExemplar && !(((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket') || (type === 'counter' && suffix === '_total'))) {
      fail('exemplars are allowed only on histogram buckets and counter _total samples');
    }
    if (this.strict && (type === 'histogram' || type === 'gaugehistogram')) this.histogramSample(f, key, tsSec, suffix, value, le, line);
  }

  /** Call at `# EOF`. */
  end(): void {
    this.finishFamily();
  }

  private histogramSample(f: Family, key: string, tsSec: number | undefined, suffix: string, value: number, le: number, line: number): void {
    let h = f.hist;
    if (h === undefined || key !== f.histKey || tsSec !== f.histTs) {
      if (h !== undefined) checkHistogram(f.name, h);
      h = f.hist = { line, count: undefined, lastLe: undefined, lastValue: 0, negativeBucket: false, sum: false, gsum: false, negativeGsum: false };
      f.histKey = key;
      f.histTs = tsSec;
    }
    switch (suffix) {
      case '_bucket':
        if (le < 0) h.negativeBucket = true;
        if (h.lastLe !== undefined && le <= h.lastLe) throw new FamilyRuleFailure(line, 'histogram buckets must be in increasing "le" order');
        if (value < h.lastValue) throw new FamilyRuleFailure(line, 'histogram bucket values must not decrease (they are cumulative)');
        h.lastLe = le;
        h.lastValue = value;
        break;
      case '_count':
      case '_gcount':
        h.count = value;
        break;
      case '_sum':
        h.sum = true;
        break;
      case '_gsum':
        h.gsum = true;
        if (value < 0) h.negativeGsum = true;
        break;
      default:
        break;
    }
  }

  private finishFamily(): void {
    const f = this.fam;
    if (f === undefined) return;
    this.fam = undefined;
    if (f.hist !== undefined) checkHistogram(f.name, f.hist);
    for (const s of new Set(['', ...SUFFIXES[f.type ?? 'unknown']])) {
      const n = f.name + s;
      if (this.seenNames.has(n)) throw new FamilyRuleFailure(f.line, `the name "${n}" of family "${f.name}" clashes with an earlier family`);
      this.seenNames.add(n);
    }
  }
}

function checkValue(type: OpenMetricsType, suffix: string, value: number, fail: (detail: string) => never): void {
  if (type === 'stateset' && value !== 0 && value !== 1) fail('a stateset value must be 0 or 1');
  if (type === 'info' && value !== 1) fail('an info value must be 1');
  if ((suffix === '_bucket' || suffix === '_count' || suffix === '_gcount') && !Number.isInteger(value)) fail(`a ${suffix} value must be an integer`);
  if (type === 'summary' && suffix === '' && value < 0) fail('a quantile value may not be negative');
  if (Number.isNaN(value) && NAN_FORBIDDEN.has(suffix)) fail(`a ${suffix} value may not be NaN`);
  if (value < 0 && NEGATIVE_FORBIDDEN.has(suffix)) fail(`a ${suffix} value may not be negative`);
}

function checkHistogram(name: string, h: HistogramGroup): void {
  const fail = (detail: string): never => {
    throw new FamilyRuleFailure(h.line, `histogram "${name}": ${detail}`);
  };
  if (h.lastLe !== Infinity) fail('a bucket with le="+Inf" is required (and must be the last)');
  if (h.count !== undefined && h.count !== h.lastValue) fail('the count must equal the +Inf bucket');
  if (h.sum && h.count === undefined) fail('_sum requires _count');
  if (h.gsum && h.count === undefined) fail('_gsum requires _gcount');
  if (!(h.sum || h.gsum) && h.count !== undefined) fail('_count requires _sum');
  if (h.negativeBucket && h.sum) fail('a histogram with negative buckets may not have _sum');
  if (!h.negativeBucket && h.negativeGsum) fail('_gsum may be negative only with negative buckets');
}
