// Template variable interpolation in Grafana's syntax: $var, ${var}, ${var:format}, [[var]],
// [[var:format]], and the built-ins $__interval, $__interval_ms, $__rate_interval, $__range,
// $__range_s, $__range_ms. Unknown variables stay as written.
import { formatInterval } from './time';

/** What `$__all` stands for when a variable has "All" selected. */
export const ALL_VALUE = '$__all';

export interface VarValue {
  /** Selected values (several for multi-value variables); for "All": the values of all options. */
  readonly values: readonly string[];
  /** Display texts, parallel to `values`. */
  readonly texts: readonly string[];
  /** multi or includeAll: the default format is a regex alternation. */
  readonly multiOrAll: boolean;
  /** "All" selected and the variable has a custom allValue: used as is. */
  readonly allValue?: string;
}
export type VarScope = ReadonlyMap<string, VarValue>;

/** Escapes regex metacharacters so the value matches itself in `=~`. */
export function escapeRegex(v: string): string {
  return v.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}
/** Inside a PromQL double-quoted string: a backslash must be doubled. */
function promEscape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function formatValues(v: VarValue, format: string | undefined): string {
  const vals = v.values;
  if (v.allValue !== undefined && (format === undefined || format === 'regex' || format === 'raw')) return v.allValue;
  switch (format) {
    case undefined: {
      if (!v.multiOrAll) return (vals[0] ?? '').replace(/\\/g, '\\\\');
      const esc = vals.map((x) => promEscape(escapeRegex(x)));
      return esc.length === 1 ? (esc[0] ?? '') : `(${esc.join('|')})`;
    }
    case 'regex': {
      const esc = vals.map(escapeRegex);
      return esc.length === 1 ? (esc[0] ?? '') : `(${esc.join('|')})`;
    }
    case 'pipe':
      return vals.join('|');
    case 'csv':
    case 'raw':
      return vals.join(',');
    case 'text':
      return v.texts.join(' + ');
    case 'json':
      return JSON.stringify(vals.length === 1 ? vals[0] : vals);
    case 'doublequote':
      return vals.map((x) => `"${x.replace(/"/g, '\\"')}"`).join(',');
    case 'singlequote':
      return vals.map((x) => `'${x.replace(/'/g, "\\'")}'`).join(',');
    case 'sqlstring':
      return vals.map((x) => `'${x.replace(/'/g, "''")}'`).join(',');
    case 'glob':
      return vals.length === 1 ? (vals[0] ?? '') : `{${vals.join(',')}}`;
    case 'percentencode':
      return vals.map(encodeURIComponent).join(',');
    case 'lucene':
      return vals.length === 1 ? (vals[0] ?? '') : `(${vals.map((x) => `"${x}"`).join(' OR ')})`;
    default:
      return vals.join(',');
  }
}

/** The built-in variables for a query over [startMs, endMs] with interval `intervalMs` and scrape interval `scrapeMs`. */
export function builtinScope(startMs: number, endMs: number, intervalMs: number, scrapeMs = 15_000): VarScope {
  const rangeMs = Math.max(0, Math.round(endMs - startMs));
  const one = (s: string): VarValue => ({ values: [s], texts: [s], multiOrAll: false });
  return new Map([
    ['__interval', one(formatInterval(intervalMs))],
    ['__interval_ms', one(String(Math.round(intervalMs)))],
    ['__rate_interval', one(formatInterval(Math.max(4 * scrapeMs, intervalMs + scrapeMs)))],
    ['__range', one(formatInterval(Math.max(1000, Math.round(rangeMs / 1000) * 1000)))],
    ['__range_s', one(String(Math.round(rangeMs / 1000)))],
    ['__range_ms', one(String(rangeMs))],
  ]);
}

const VAR_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.[^:}]+)?(?::([^}]+))?\}/g;

/** Variable names a text refers to. */
export function referencedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(VAR_RE)) out.add(m[1] ?? m[2] ?? m[4] ?? '');
  out.delete('');
  return out;
}

/**
 * Replaces variables in `text` by their values from the scopes (first match wins, so pass
 * a repeat's scoped variables first). Unknown names and unknown syntax stay as written.
 */
export function interpolate(text: string, ...scopes: readonly VarScope[]): string {
  return text.replace(VAR_RE, (whole, plain?: string, bracket?: string, bracketFmt?: string, braced?: string, bracedFmt?: string) => {
    const name = plain ?? bracket ?? braced ?? '';
    const format = bracketFmt ?? bracedFmt;
    const v = scopes.find((s) => s.has(name))?.get(name);
    if (v === undefined) return whole;
    return format === 'queryparam' ? v.values.map((x) => `var-${name}=${encodeURIComponent(x)}`).join('&') : formatValues(v, format);
  });
}
