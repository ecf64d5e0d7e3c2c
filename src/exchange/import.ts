import { VigieError } from '../common/index.js';
import { LabelsError, METRIC_NAME, compareLabels, formatLabels, labelsFromPairs, labelsKey, type Labels } from '../model/index.js';
import { type ExpositionFormat, ExpositionParseError, ExpositionParser } from '../textparse/index.js';

/**
 * The import text is not usable. `line` is 1-based (0 when the problem is not on one line);
 * `column` (1-based) is given for syntax errors.
 */
export class ImportError extends VigieError {
  override name = 'ImportError';
  constructor(
    readonly line: number,
    detail: string,
    options?: ErrorOptions & { column?: number },
  ) {
    super(line > 0 ? `line ${line}${options?.column !== undefined ? `, column ${options.column}` : ''}: ${detail}` : detail, options);
  }
}

/** One series ready to store: `ts` strictly increasing (ms), `vs` the values, both of length n. */
export interface ImportSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

export interface ParsedImport {
  /** In `compareLabels` order. */
  readonly series: ImportSeries[];
  readonly format: ExpositionFormat;
  /** Samples kept (after dropping exact duplicates). */
  readonly samples: number;
  /** Samples dropped because the same series had the same value at the same time earlier in the file. */
  readonly duplicates: number;
  /** Oldest / newest timestamp (ms); Infinity / -Infinity when there is no sample. */
  readonly minTime: number;
  readonly maxTime: number;
}

export interface ParseImportOptions {
  /** Default 'auto': OpenMetrics when the text ends with `# EOF`, else the Prometheus text format. */
  readonly format?: ExpositionFormat | 'auto';
  /** Called every 64 Ki entries and at the end with (line reached, total lines), for a progress bar. */
  readonly onProgress?: (line: number, lines: number) => void;
}

/** Builds one series while reading: samples in file order, with their lines for messages. */
class SeriesBuilder {
  ts = new Float64Array(8);
  vs = new Float64Array(8);
  lines = new Uint32Array(8);
  n = 0;
  sorted = true;
  constructor(readonly labels: Labels) {}
  add(t: number, v: number, line: number): void {
    if (this.n === this.ts.length) {
      const grow = <A extends Float64Array | Uint32Array>(a: A, b: A): A => (b.set(a), b);
      this.ts = grow(this.ts, new Float64Array(this.n * 2));
      this.vs = grow(this.vs, new Float64Array(this.n * 2));
      this.lines = grow(this.lines, new Uint32Array(this.n * 2));
    }
    if (this.n > 0 && t <= this.ts[this.n - 1]!) this.sorted = false;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.lines[this.n] = line;
    this.n++;
  }
}

/**
 * Reads an OpenMetrics or Prometheus text document whose samples all carry timestamps (as
 * promtool's `tsdb create-blocks-from openmetrics` requires: a sample without one has no time
 * to be stored at) and returns its samples grouped by series, each series sorted by time, so
 * the input may be in any order. A series given twice at one timestamp with the same value is
 * kept once; with two different values it is an error naming both lines (as the TSDB refuses
 * such a duplicate). Metadata (TYPE, HELP, UNIT) and exemplars are not kept. Throws ImportError
 * with the line of the first problem (syntax, missing timestamp, duplicate label).
 */
export function parseImportText(text: string, opts: ParseImportOptions = {}): ParsedImport {
  const format = opts.format === undefined || opts.format === 'auto' ? detectFormat(text) : opts.format;
  const lines = countLines(text);
  // Syntax only: backfill files may be concatenated or unsorted, which the family rules refuse.
  const parser = new ExpositionParser(text, format, { syntaxOnly: true });
  const byText = new Map<string, SeriesBuilder>();
  const byKey = new Map<string, SeriesBuilder>();
  let entries = 0;
  let kind;
  for (;;) {
    try {
      kind = parser.next();
    } catch (e) {
      if (e instanceof ExpositionParseError) throw new ImportError(e.line, `${e.message.replace(/^line \d+, column \d+: /, '')} (read as ${format === 'openmetrics' ? 'OpenMetrics' : 'Prometheus text'})`, { cause: e, column: e.column });
      throw e;
    }
    if (kind === undefined) break;
    if (++entries % 65536 === 0) opts.onProgress?.(parser.line, lines);
    if (kind !== 'series') continue;
    const t = parser.timestamp();
    const raw = parser.seriesText();
    if (t === undefined) {
      throw new ImportError(parser.line, `sample ${raw} has no timestamp: every sample to import needs one (ms in the Prometheus text format, seconds in OpenMetrics)`);
    }
    let b = byText.get(raw);
    if (b === undefined) {
      let labels: Labels;
      try {
        labels = labelsFromPairs([[METRIC_NAME, parser.metricName()], ...parser.labelPairs()]);
      } catch (e) {
        if (e instanceof LabelsError) throw new ImportError(parser.line, `${raw}: ${e.message}`, { cause: e });
        throw e;
      }
      const key = labelsKey(labels);
      b = byKey.get(key);
      if (b === undefined) byKey.set(key, (b = new SeriesBuilder(labels)));
      byText.set(raw, b);
    }
    b.add(t, parser.value(), parser.line);
  }
  opts.onProgress?.(lines, lines);
  let samples = 0;
  let duplicates = 0;
  let minTime = Infinity;
  let maxTime = -Infinity;
  const series: ImportSeries[] = [];
  for (const b of byKey.values()) {
    const s = finish(b);
    duplicates += b.n - s.ts.length;
    samples += s.ts.length;
    if (s.ts[0]! < minTime) minTime = s.ts[0]!;
    if (s.ts[s.ts.length - 1]! > maxTime) maxTime = s.ts[s.ts.length - 1]!;
    series.push(s);
  }
  series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { series, format, samples, duplicates, minTime, maxTime };
}

/** Sorts a builder's samples by time (stable), drops exact duplicates, refuses conflicting ones. */
function finish(b: SeriesBuilder): ImportSeries {
  const n = b.n;
  if (b.sorted) return { labels: b.labels, ts: b.ts.slice(0, n), vs: b.vs.slice(0, n) };
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => b.ts[x]! - b.ts[y]! || x - y);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let k = 0;
  let prev = -1;
  for (const i of order) {
    const t = b.ts[i]!;
    const v = b.vs[i]!;
    if (k > 0 && ts[k - 1] === t) {
      if (!sameBits(vs[k - 1]!, v)) {
        throw new ImportError(b.lines[i]!, `${formatLabels(b.labels)} has two different values at ${new Date(t).toISOString()} (${t} ms): lines ${b.lines[prev]!} and ${b.lines[i]!}`);
      }
      continue;
    }
    ts[k] = t;
    vs[k] = v;
    prev = i;
    k++;
  }
  return { labels: b.labels, ts: ts.slice(0, k), vs: vs.slice(0, k) };
}

/** Equal as text gives them: NaN equals NaN, 0 differs from -0 (text has no NaN payloads). */
function sameBits(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** OpenMetrics when the last non-blank line is `# EOF`. */
export function detectFormat(text: string): ExpositionFormat {
  return /(^|\n)# EOF\s*$/.test(text.slice(-64)) ? 'openmetrics' : 'prometheus';
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
