import { ExpositionParseError, errorAt, excerpt } from './errors.js';
import { type ExpositionFormat } from './format.js';
import { LabelOffsets, ScanFailure, scanLabels } from './labels.js';
import {
  HASH,
  LBRACE,
  NL,
  SP,
  TAB,
  codePointLength,
  isMetricNameStart,
  parseFloatToken,
  parseIntMillis,
  unescape,
  wellFormed,
} from './lex.js';
import { FamilyRuleFailure, type OpenMetricsType, OpenMetricsValidator, openMetricsType } from './omcheck.js';

/** What `next()` found. OpenMetrics has no free comments, so it never yields 'comment'. */
export type EntryKind = 'series' | 'type' | 'help' | 'unit' | 'comment';

/** Family types: OpenMetrics' eight, plus `untyped`, the Prometheus text spelling of unknown. */
export type MetricType = OpenMetricsType | 'untyped';

/** An OpenMetrics exemplar: labels unescaped in input order, timestamp in ms when present. */
export interface Exemplar {
  labels: [string, string][];
  value: number;
  timestamp: number | undefined;
}

/** Parser settings; all optional. */
export interface ParserOptions {
  /** OpenMetrics: also enforce the value rules of the specification (default false). */
  readonly strict?: boolean;
  /**
   * OpenMetrics: check the syntax only, not the family rules (families contiguous and once,
   * metadata before samples, a metric's samples contiguous with non-decreasing timestamps...).
   * For backfill input (`vigie import`), which may be concatenated or unsorted. Default false;
   * `strict` is then ignored.
   */
  readonly syntaxOnly?: boolean;
}

/** Longest exemplar label set OpenMetrics allows: names and values together, in code points. */
const EXEMPLAR_MAX_CODE_POINTS = 128;

const PROM_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * A pull parser over one exposition document (Prometheus text 0.0.4 or OpenMetrics 1.0 text).
 * `next()` advances entry by entry and validates each one completely (syntax, and for
 * OpenMetrics the family rules), so a document that parses to its end is valid; the accessors
 * then read the current entry lazily (labels are unescaped only when asked for). Accessors are
 * valid only for the kind `next()` returned, until the next call. A thrown error invalidates the
 * parser and, as in Prometheus, the whole document: entries already returned may be discarded.
 * Time and extra memory are linear in the input (no backtracking). The input is a string:
 * decode bytes with `decodeExposition`, which rejects invalid UTF-8 with line and column; lone
 * surrogates in a hand-made string are not errors but come out of the accessors as U+FFFD.
 */
export class ExpositionParser {
  private readonly text: string;
  private readonly om: boolean;
  private readonly validator: OpenMetricsValidator | undefined;
  private readonly lbl = new LabelOffsets();
  private readonly exLbl = new LabelOffsets();
  private pos = 0;
  private nextLine = 1;
  private curLine = 1;
  private start = 0;
  private nameEnd = 0;
  private seriesEnd = 0;
  private textStart = 0;
  private textEnd = 0;
  private val = 0;
  private ts: number | undefined = undefined;
  private mtype: MetricType = 'unknown';
  private ex: Exemplar | undefined = undefined;
  private pairsCache: [string, string][] | undefined = undefined;
  private done = false;
  /** Matches one metric name at lastIndex (per parser: a RegExp carries state). */
  private readonly nameRe = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;

  /**
   * `options.strict` (OpenMetrics only, default false) also enforces the specification's value
   * rules (see OpenMetricsValidator); syntax and family-structure rules always apply.
   */
  constructor(text: string, format: ExpositionFormat, options?: ParserOptions) {
    this.text = text;
    this.om = format === 'openmetrics';
    this.validator = this.om && options?.syntaxOnly !== true ? new OpenMetricsValidator(options?.strict ?? false) : undefined;
  }

  /** 1-based line number of the current entry (of the next one before the first `next()`). */
  get line(): number {
    return this.curLine;
  }

  /** Advances to the next entry; undefined at the end. Throws ExpositionParseError. */
  next(): EntryKind | undefined {
    if (this.done) return undefined;
    try {
      return this.om ? this.nextOm() : this.nextProm();
    } catch (e) {
      this.done = true;
      if (e instanceof ScanFailure) throw errorAt(this.text, this.start, this.curLine, e.pos, e.detail);
      if (e instanceof FamilyRuleFailure) throw new ExpositionParseError(e.line, 1, e.detail);
      throw e;
    }
  }

  /** For 'series': the raw text `name{a="b",...}` exactly as in the input (no value). */
  seriesText(): string {
    return this.text.slice(this.start, this.seriesEnd);
  }

  /** For 'series': the metric name. For 'type' / 'help' / 'unit' use familyName(). */
  metricName(): string {
    return this.text.slice(this.start, this.nameEnd);
  }

  /**
   * For 'series': the label pairs, unescaped, in input order (no `__name__`); lone surrogates
   * (impossible in decoded bytes, see decodeExposition) become U+FFFD. Do not mutate.
   */
  labelPairs(): [string, string][] {
    return (this.pairsCache ??= this.lbl.pairs(this.text));
  }

  /** For 'series': the value; NaN, +Inf and -Inf as written. */
  value(): number {
    return this.val;
  }

  /** For 'series': the timestamp in ms (OpenMetrics seconds are converted), or undefined. */
  timestamp(): number | undefined {
    return this.ts;
  }

  /** For 'series' in OpenMetrics: the exemplar, already validated, or undefined. */
  exemplar(): Exemplar | undefined {
    return this.ex;
  }

  /** For 'type' / 'help' / 'unit': the family name. */
  familyName(): string {
    return this.text.slice(this.start, this.nameEnd);
  }

  /** For 'type': the family type as written (`untyped` only in the Prometheus text format). */
  familyType(): MetricType {
    return this.mtype;
  }

  /**
   * For 'help': the help text, unescaped (`\\`, `\n`; OpenMetrics also `\"`). HELP, UNIT and
   * comment texts are not checked by next() for lone surrogates (bytes decoded by
   * decodeExposition cannot hold any; scanning every HELP would cost ~15% of a page): the
   * accessors replace any with U+FFFD, so they always return valid Unicode.
   */
  helpText(): string {
    return wellFormed(unescape(this.text, this.textStart, this.textEnd, this.om));
  }

  /** For 'unit': the unit (may be empty). */
  unit(): string {
    return wellFormed(this.text.slice(this.textStart, this.textEnd));
  }

  /** For 'comment': the text after `#` and the blanks that follow it. */
  commentText(): string {
    return wellFormed(this.text.slice(this.textStart, this.textEnd));
  }

  /**
   * End of the metric name starting at `p` (its first character already checked). A sticky
   * regular expression: native code beats a JS loop on long names such as node_exporter's.
   */
  private metricNameEnd(p: number): number {
    const re = this.nameRe;
    re.lastIndex = p;
    re.test(this.text);
    return re.lastIndex;
  }

  private fail(pos: number, detail: string): never {
    throw new ScanFailure(pos, detail);
  }

  private endOfLine(p: number): number {
    const i = this.text.indexOf('\n', p);
    return i < 0 ? this.text.length : i;
  }

  // ---- Prometheus text 0.0.4 ----

  private nextProm(): EntryKind | undefined {
    const s = this.text;
    const n = s.length;
    let p = this.pos;
    for (;;) {
      while (p < n) {
        const c = s.charCodeAt(p);
        if (c !== SP && c !== TAB) break;
        p++;
      }
      if (p >= n) {
        this.pos = n;
        this.done = true;
        return undefined;
      }
      if (s.charCodeAt(p) !== NL) break;
      p++;
      this.nextLine++;
    }
    this.start = p;
    this.curLine = this.nextLine;
    this.pairsCache = undefined;
    if (s.charCodeAt(p) === HASH) return this.promComment(p);
    return this.promSeries(p);
  }

  private promSeries(p: number): EntryKind {
    const s = this.text;
    const n = s.length;
    if (!isMetricNameStart(s.charCodeAt(p))) this.fail(p, `expected a metric name or "#", got ${excerpt(s, p)}`);
    p = this.metricNameEnd(p);
    this.nameEnd = p;
    while (p < n && (s.charCodeAt(p) === SP || s.charCodeAt(p) === TAB)) p++;
    this.lbl.count = 0;
    this.lbl.newlines = 0;
    if (p < n && s.charCodeAt(p) === LBRACE) {
      p = scanLabels(s, p + 1, false, this.lbl);
      this.seriesEnd = p;
      while (p < n && (s.charCodeAt(p) === SP || s.charCodeAt(p) === TAB)) p++;
    } else {
      this.seriesEnd = this.nameEnd;
    }
    const vs = p;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === SP || c === TAB || c === NL || c === LBRACE) break;
      p++;
    }
    if (p === vs) this.fail(p, `expected a value after the metric, got ${excerpt(s, p)}`);
    const v = parseFloatToken(s, vs, p, true);
    if (v === undefined) this.fail(vs, `expected a number as the value, got ${excerpt(s, vs, p)}`);
    this.val = v;
    while (p < n && (s.charCodeAt(p) === SP || s.charCodeAt(p) === TAB)) p++;
    this.ts = undefined;
    if (p < n && s.charCodeAt(p) !== NL) {
      const ts0 = p;
      while (p < n && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
      if (p === ts0) this.fail(p, `expected a timestamp (integer milliseconds) or end of line, got ${excerpt(s, p)}`);
      const t = parseIntMillis(s, ts0, p);
      if (t === undefined) this.fail(ts0, `timestamp ${excerpt(s, ts0, p)} is out of range`);
      this.ts = t;
      while (p < n && (s.charCodeAt(p) === SP || s.charCodeAt(p) === TAB)) p++;
      if (p < n && s.charCodeAt(p) !== NL) this.fail(p, `expected end of line after the timestamp, got ${excerpt(s, p)}`);
    }
    this.pos = p + 1;
    this.nextLine = this.curLine + this.lbl.newlines + 1;
    return 'series';
  }

  private promComment(p: number): EntryKind {
    const s = this.text;
    const n = s.length;
    let q = p + 1;
    while (q < n && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
    const eol = this.endOfLine(p);
    this.pos = eol + 1;
    this.nextLine = this.curLine + 1;
    let kind: 'help' | 'type' | undefined;
    if (q > p + 1 && q + 4 < n && (s.charCodeAt(q + 4) === SP || s.charCodeAt(q + 4) === TAB)) {
      if (s.startsWith('HELP', q)) kind = 'help';
      else if (s.startsWith('TYPE', q)) kind = 'type';
    }
    if (kind === undefined) {
      this.textStart = q;
      this.textEnd = eol;
      return 'comment';
    }
    q += 5;
    while (q < n && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
    if (!isMetricNameStart(s.charCodeAt(q))) this.fail(q, `expected a metric name after ${kind.toUpperCase()}, got ${excerpt(s, q)}`);
    this.start = q;
    q = this.metricNameEnd(q);
    this.nameEnd = q;
    if (q < eol) {
      const c = s.charCodeAt(q);
      if (c !== SP && c !== TAB) this.fail(q, `expected a blank after the metric name, got ${excerpt(s, q)}`);
      q++;
    }
    // As in Prometheus, the text is the rest of the line after exactly one blank.
    this.textStart = q;
    this.textEnd = eol;
    if (kind === 'type') {
      const t = s.slice(q, eol);
      if (!PROM_TYPES.has(t)) this.fail(q, `expected a metric type (counter, gauge, histogram, summary or untyped), got ${JSON.stringify(t)}`);
      this.mtype = t as MetricType;
    }
    return kind;
  }

  // ---- OpenMetrics 1.0 ----

  private nextOm(): EntryKind | undefined {
    const s = this.text;
    const p = this.pos;
    this.start = p;
    this.curLine = this.nextLine;
    this.pairsCache = undefined;
    if (p >= s.length) this.fail(p, 'expected "# EOF" at the end of the document');
    const c = s.charCodeAt(p);
    if (c === NL) this.fail(p, 'expected a metric name or "#" (OpenMetrics allows no blank lines)');
    if (c === HASH) return this.omMeta(p);
    return this.omSeries(p);
  }

  private omMeta(p: number): EntryKind | undefined {
    const s = this.text;
    const n = s.length;
    if (s.charCodeAt(p + 1) !== SP) this.fail(p + 1, `expected " " after "#" (OpenMetrics has no comments), got ${excerpt(s, p + 1)}`);
    let q = p + 2;
    if (s.startsWith('EOF', q)) {
      q += 3;
      if (q < n && s.charCodeAt(q) === NL) q++;
      if (q < n) this.fail(q, `expected the end of the document after "# EOF", got ${excerpt(s, q)}`);
      this.validator?.end();
      this.pos = n;
      this.done = true;
      return undefined;
    }
    let kind: 'help' | 'type' | 'unit' | undefined;
    if (s.startsWith('HELP ', q)) kind = 'help';
    else if (s.startsWith('TYPE ', q)) kind = 'type';
    else if (s.startsWith('UNIT ', q)) kind = 'unit';
    else this.fail(q, `expected HELP, TYPE, UNIT or EOF after "# ", got ${excerpt(s, q, q + 4)}`);
    q += 5;
    if (!isMetricNameStart(s.charCodeAt(q))) this.fail(q, `expected a metric name, got ${excerpt(s, q)}`);
    this.start = q;
    q = this.metricNameEnd(q);
    this.nameEnd = q;
    if (s.charCodeAt(q) !== SP) this.fail(q, `expected " " after the metric name, got ${excerpt(s, q)}`);
    const eol = this.endOfLine(q);
    q++;
    this.textStart = q;
    this.textEnd = eol;
    const text = s.slice(q, eol);
    if (kind === 'type') {
      const t = openMetricsType(text);
      if (t === undefined) {
        this.fail(q, `expected a metric type (counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown), got ${JSON.stringify(text)}`);
      }
      this.mtype = t;
    }
    this.pos = eol + 1;
    this.nextLine = this.curLine + 1;
    this.validator?.meta(kind, this.familyName(), kind === 'help' ? this.helpText() : text, this.curLine);
    return kind;
  }

  private omSeries(p: number): EntryKind {
    const s = this.text;
    const n = s.length;
    if (!isMetricNameStart(s.charCodeAt(p))) this.fail(p, `expected a metric name or "#", got ${excerpt(s, p)}`);
    p = this.metricNameEnd(p);
    this.nameEnd = p;
    this.lbl.count = 0;
    if (p < n && s.charCodeAt(p) === LBRACE) p = scanLabels(s, p + 1, true, this.lbl);
    this.seriesEnd = p;
    if (s.charCodeAt(p) !== SP) this.fail(p, `expected " " and a value after the metric, got ${excerpt(s, p)}`);
    p++;
    const vs = p;
    p = this.omToken(p);
    if (p === vs) this.fail(p, `expected a value, got ${excerpt(s, p)}`);
    const v = parseFloatToken(s, vs, p, true);
    if (v === undefined) this.fail(vs, `expected a number as the value, got ${excerpt(s, vs, p)}`);
    this.val = v;
    this.ts = undefined;
    this.ex = undefined;
    let tsSec: number | undefined;
    if (s.charCodeAt(p) === SP) {
      p++;
      if (s.charCodeAt(p) !== HASH) {
        const t0 = p;
        p = this.omToken(p);
        tsSec = this.omSeconds(t0, p);
        this.ts = Math.round(tsSec * 1000);
        if (s.charCodeAt(p) === SP) {
          p++;
          if (s.charCodeAt(p) !== HASH) this.fail(p, `expected "# {" (an exemplar) or end of line, got ${excerpt(s, p)}`);
        }
      }
      if (s.charCodeAt(p) === HASH) p = this.omExemplar(p);
    }
    if (p >= n || s.charCodeAt(p) !== NL) this.fail(p, `expected end of line, got ${excerpt(s, p)}`);
    this.pos = p + 1;
    this.nextLine = this.curLine + 1;
    this.validator?.sample(this.metricName(), this.labelPairs(), v, tsSec, this.ex !== undefined, this.curLine);
    return 'series';
  }

  /** End of a token that runs to the next space or newline. */
  private omToken(p: number): number {
    const s = this.text;
    const n = s.length;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === SP || c === NL) break;
      p++;
    }
    return p;
  }

  /** An OpenMetrics timestamp in seconds: a finite number. */
  private omSeconds(start: number, end: number): number {
    if (end === start) this.fail(start, `expected a timestamp, got ${excerpt(this.text, start)}`);
    const t = parseFloatToken(this.text, start, end, false);
    if (t === undefined) this.fail(start, `expected a timestamp (seconds), got ${excerpt(this.text, start, end)}`);
    return t;
  }

  /** Parses ` # {labels} value [timestamp]` from the `#`; returns the offset after it. */
  private omExemplar(p: number): number {
    const s = this.text;
    if (s.charCodeAt(p + 1) !== SP || s.charCodeAt(p + 2) !== LBRACE) this.fail(p, `expected "# {" to start an exemplar, got ${excerpt(s, p, p + 3)}`);
    const lstart = p + 2;
    p = scanLabels(s, p + 3, true, this.exLbl);
    const labels = this.exLbl.pairs(s);
    let size = 0;
    for (const [k, v] of labels) size += k.length + codePointLength(v);
    if (size > EXEMPLAR_MAX_CODE_POINTS) {
      this.fail(lstart, `exemplar labels are ${size} characters long; at most ${EXEMPLAR_MAX_CODE_POINTS} are allowed`);
    }
    if (s.charCodeAt(p) !== SP) this.fail(p, `expected " " and a value after the exemplar labels, got ${excerpt(s, p)}`);
    const vs = ++p;
    p = this.omToken(p);
    if (p === vs) this.fail(p, `expected an exemplar value, got ${excerpt(s, p)}`);
    const value = parseFloatToken(s, vs, p, true);
    if (value === undefined) this.fail(vs, `expected a number as the exemplar value, got ${excerpt(s, vs, p)}`);
    let timestamp: number | undefined;
    if (s.charCodeAt(p) === SP) {
      const t0 = ++p;
      p = this.omToken(p);
      timestamp = Math.round(this.omSeconds(t0, p) * 1000);
    }
    this.ex = { labels, value, timestamp };
    return p;
  }
}
