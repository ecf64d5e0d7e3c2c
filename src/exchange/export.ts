import { throwIfAborted } from '../common/index.js';
import { type Matcher, isStaleNaN, labelsKey, type Labels } from '../model/index.js';
import type { Queryable, SampleIterator } from '../storage/index.js';
import { metricNames, selectByName } from './select.js';
import { CSV_HEADER, type ExportFormat, csvField, formatSeconds, formatSeriesText, formatValue, jsonValue, labelsJson } from './format.js';

/** What to export: the union of the series matching any selector, samples in [mint, maxt] (ms, inclusive). */
export interface ExportRequest {
  /** One matcher list per `match[]`; a series matching several is written once. */
  readonly selectors: readonly (readonly Matcher[])[];
  readonly mint: number;
  readonly maxt: number;
  readonly format: ExportFormat;
  /** Stops the export between series (the generator then throws AbortedError). */
  readonly signal?: AbortSignal;
  /** Write the CSV header line (default true); false to append to a file that has one. */
  readonly csvHeader?: boolean;
  /** OpenMetrics: end with `# EOF` (default true). */
  readonly eof?: boolean;
}

/** Running totals of an export, filled in while the generator runs. */
export interface ExportCounts {
  series: number;
  /** When set, the key of every series written is added (distinct series over several exports). */
  seriesKeys?: Set<string>;
  samples: number;
  /** Oldest / newest timestamp written (ms); Infinity / -Infinity when nothing was. */
  minTime: number;
  maxTime: number;
}

export const newExportCounts = (): ExportCounts => ({ series: 0, samples: 0, minTime: Infinity, maxTime: -Infinity });

/** Text is handed out in pieces of about this many characters. */
const PIECE_CHARS = 1 << 16;
/** A JSON line holds at most this many samples; longer series continue on the next line (as VictoriaMetrics does per block). */
const JSON_LINE_SAMPLES = 10_000;

/**
 * Streams the raw samples matching `req` in `req.format`, in pieces of text (UTF-8 strings of
 * about 64 KiB; write them in order). Series come grouped by metric name (names sorted), then in
 * label order; series without `__name__` come last (they are left out of OpenMetrics, which
 * needs a name). Staleness markers are left out (they are storage bookkeeping, not values);
 * ordinary NaN and infinities are kept. Formats:
 * - json: one line per series (split every 10,000 samples) like VictoriaMetrics'
 *   `/api/v1/export`: `{"metric":{"__name__":"up",...},"values":[1,"NaN"],"timestamps":[ms,...]}`;
 * - csv: header `series,timestamp_ms,time,value`, one row per sample; `series` is
 *   `name{label="value",...}` in the text format's syntax, `time` is RFC 3339 UTC;
 * - openmetrics: `# TYPE name unknown` per metric, `name{...} value seconds` per sample,
 *   ending with `# EOF` (what `vigie import` and promtool's backfill read).
 * The querier is closed when the generator finishes, throws, or is returned early.
 */
export async function* exportSamples(queryable: Queryable, req: ExportRequest, counts: ExportCounts = newExportCounts()): AsyncGenerator<string> {
  const q = queryable.querier(req.mint, req.maxt);
  const scratch: Scratch = { ts: new Float64Array(1024), vs: new Float64Array(1024) };
  try {
    let buf = req.format === 'csv' && req.csvHeader !== false ? CSV_HEADER : '';
    for (const name of await metricNames(q, req.selectors, req.format !== 'openmetrics')) {
      let typed = false;
      for (const s of selectByName(q, req.selectors, name, { start: req.mint, end: req.maxt }, req.signal)) {
        throwIfAborted(req.signal);
        const n = readSamples(scratch, s.iterator(), req.mint, req.maxt);
        if (n === 0) continue;
        counts.series++;
        counts.seriesKeys?.add(labelsKey(s.labels));
        counts.samples += n;
        if (scratch.ts[0]! < counts.minTime) counts.minTime = scratch.ts[0]!;
        if (scratch.ts[n - 1]! > counts.maxTime) counts.maxTime = scratch.ts[n - 1]!;
        if (req.format === 'openmetrics' && !typed) {
          buf += `# TYPE ${name} unknown\n`;
          typed = true;
        }
        for (const piece of formatSeries(scratch, req.format, s.labels, n)) {
          buf += piece;
          if (buf.length >= PIECE_CHARS) {
            yield buf;
            buf = '';
          }
        }
      }
    }
    if (req.format === 'openmetrics' && req.eof !== false) buf += '# EOF\n';
    if (buf !== '') yield buf;
  } finally {
    q.close();
  }
}

/** Sample buffers reused from series to series by one export (grown as needed). */
interface Scratch {
  ts: Float64Array;
  vs: Float64Array;
}

/** Reads the series' samples in [mint, maxt], staleness markers left out, into `scratch`; returns the count. */
function readSamples(scratch: Scratch, it: SampleIterator, mint: number, maxt: number): number {
  let n = 0;
  if (!it.seek(mint)) {
    const e = it.err();
    if (e) throw e;
    return 0;
  }
  do {
    if (it.t > maxt) break;
    if (isStaleNaN(it.v)) continue;
    if (n === scratch.ts.length) {
      const ts = new Float64Array(n * 2);
      const vs = new Float64Array(n * 2);
      ts.set(scratch.ts);
      vs.set(scratch.vs);
      scratch.ts = ts;
      scratch.vs = vs;
    }
    scratch.ts[n] = it.t;
    scratch.vs[n] = it.v;
    n++;
  } while (it.next());
  const e = it.err();
  if (e) throw e;
  return n;
}

/** The text of one series' `n` samples in `scratch`, in pieces. */
function* formatSeries(scratch: Scratch, format: ExportFormat, labels: Labels, n: number): Generator<string> {
  const { ts, vs } = scratch;
  switch (format) {
    case 'json': {
      const metric = labelsJson(labels);
      for (let from = 0; from < n; from += JSON_LINE_SAMPLES) {
        const to = Math.min(n, from + JSON_LINE_SAMPLES);
        const values: string[] = [];
        const times: string[] = [];
        for (let i = from; i < to; i++) {
          values.push(jsonValue(vs[i]!));
          times.push(String(ts[i]!));
        }
        yield `{"metric":${metric},"values":[${values.join(',')}],"timestamps":[${times.join(',')}]}\n`;
      }
      return;
    }
    case 'csv': {
      const series = csvField(formatSeriesText(labels));
      let out = '';
      for (let i = 0; i < n; i++) {
        const t = ts[i]!;
        out += `${series},${t},${new Date(t).toISOString()},${formatValue(vs[i]!)}\n`;
        if (out.length >= PIECE_CHARS) {
          yield out;
          out = '';
        }
      }
      yield out;
      return;
    }
    case 'openmetrics': {
      const series = formatSeriesText(labels);
      let out = '';
      for (let i = 0; i < n; i++) {
        out += `${series} ${formatValue(vs[i]!)} ${formatSeconds(ts[i]!)}\n`;
        if (out.length >= PIECE_CHARS) {
          yield out;
          out = '';
        }
      }
      yield out;
      return;
    }
  }
}
