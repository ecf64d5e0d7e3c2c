import { VigieError } from '../common/index.js';
import { METRIC_NAME, type Labels } from '../model/index.js';

/** The formats `vigie export` and `GET /api/v1/export` write. */
export const EXPORT_FORMATS = ['json', 'csv', 'openmetrics'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Content-Type of each export format (the HTTP endpoint sends it; files get `fileExtension`). */
export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

export const FILE_EXTENSIONS: Readonly<Record<ExportFormat, string>> = { json: 'jsonl', csv: 'csv', openmetrics: 'om.txt' };

/** The CSV header line: one row per sample (see README, "Export and import"). */
export const CSV_HEADER = 'series,timestamp_ms,time,value\n';

/** A time given on the command line or in a query string is not understood. */
export class TimeParseError extends VigieError {
  override name = 'TimeParseError';
}

/**
 * Parses a time as Prometheus' API does, plus dates: unix seconds (`1700000000`,
 * `1700000000.5`, negative allowed), RFC 3339 (`2024-01-15T10:00:00Z`, offsets, fractions) or
 * a UTC date `2024-01-15` (its midnight). Returns integer milliseconds (rounded). Throws
 * TimeParseError.
 */
export function parseTime(text: string): number {
  const s = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const ms = Math.round(Number(s) * 1000);
    if (Number.isSafeInteger(ms)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(s) || /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    // Date.parse rolls 2024-02-30 over to March: check the date part round-trips.
    if (Number.isFinite(ms) && (s.length !== 10 || new Date(ms).toISOString().startsWith(s))) return ms;
  }
  throw new TimeParseError(`invalid time ${JSON.stringify(text)}: expected RFC 3339 (2024-01-15T10:00:00Z), a date (2024-01-15) or unix seconds`);
}

/** A sample value as the Prometheus text formats write it: `NaN`, `+Inf`, `-Inf`, else the shortest decimal. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Milliseconds as decimal seconds with exactly the millisecond digits needed (`1700000000.123`, `1700000000`). */
export function formatSeconds(ms: number): string {
  const neg = ms < 0;
  const a = Math.abs(ms);
  const whole = Math.floor(a / 1000);
  const frac = a % 1000;
  const f = frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${whole}${f}`;
}

/** A label value escaped for the text formats: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * `name{a="b",c="d"}` in the text formats' syntax (no spaces; `name` alone without other labels;
 * `{a="b"}` when the series has no `__name__`). `extra` labels are merged in (the series' own
 * labels win), keeping the name order.
 */
export function formatSeriesText(labels: Labels, extra?: Labels): string {
  let name = '';
  const parts: string[] = [];
  const own = new Set<string>();
  for (const l of labels) own.add(l.name);
  const all = extra === undefined || extra.length === 0 ? labels : [...labels, ...extra.filter((l) => !own.has(l.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const l of all) {
    if (l.name === METRIC_NAME) name = l.value;
    else parts.push(`${l.name}="${escapeLabelValue(l.value)}"`);
  }
  return parts.length === 0 ? (name === '' ? '{}' : name) : `${name}{${parts.join(',')}}`;
}

/** One CSV field, quoted (RFC 4180) when it holds a comma, quote, CR or LF. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The labels as a JSON object (`{"__name__":"up","job":"x"}`), for JSON lines. */
export function labelsJson(labels: Labels): string {
  const o: Record<string, string> = {};
  for (const l of labels) o[l.name] = l.value;
  return JSON.stringify(o);
}

/**
 * A value in JSON lines: a number when finite, else the string `"NaN"`, `"+Inf"` or `"-Inf"`
 * (JSON has no literal for them; Prometheus' API uses the same strings).
 */
export function jsonValue(v: number): string {
  return Number.isFinite(v) ? String(v) : `"${formatValue(v)}"`;
}
