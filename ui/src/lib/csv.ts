// CSV export of chart data: one row per timestamp, one column per series (RFC 4180 quoting).
import type { Columns } from './series';

/** Quotes a field when it holds a comma, quote or line break; a label text starting like a spreadsheet formula is prefixed with '. */
export function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `time` (ISO 8601, UTC) then each series; gaps are empty cells. Lines end with CRLF. */
export function columnsToCsv(names: readonly string[], data: Columns): string {
  const [xs, ...ys] = data;
  const lines = [['time', ...names].map(csvField).join(',')];
  for (let i = 0; i < xs.length; i++) {
    const t = new Date((xs[i] ?? 0) * 1000).toISOString();
    lines.push([t, ...ys.map((y) => { const v = y[i]; return v === null || v === undefined ? '' : String(v); })].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Instant results (label set → value) as CSV: one column per label name, then value. */
export function tableToCsv(rows: readonly { readonly metric: Record<string, string>; readonly value: string }[]): string {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.metric)))].sort();
  const lines = [[...names, 'value'].map(csvField).join(',')];
  for (const r of rows) lines.push([...names.map((n) => csvField(r.metric[n] ?? '')), csvField(r.value)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
