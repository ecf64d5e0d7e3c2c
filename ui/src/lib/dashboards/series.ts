// Turning query results into what panels draw: legends from legendFormat, reductions
// (reduceOptions.calcs), percent stacking, and per-series overrides (colour, unit).
import { type Labels, formatLabels } from '../prom';
import type { Columns } from '../series';
import type { Override } from './model';
import { compileRegex } from './variables';

/** legendFormat "{{instance}} {{ mode }}" over a series' labels; empty or "__auto": the series as Prometheus prints it. Unknown labels become "". */
export function legendOf(format: string | undefined, metric: Labels): string {
  if (format === undefined || format.trim() === '' || format === '__auto') return formatLabels(metric);
  if (format === '__series_name') return metric['__name__'] ?? formatLabels(metric);
  return format.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_w, name: string) => metric[name] ?? '');
}

export type Calc = 'lastNotNull' | 'last' | 'firstNotNull' | 'first' | 'mean' | 'max' | 'min' | 'sum' | 'count' | 'range' | 'delta' | 'diff';

/** Reduces a series (nulls are gaps) with Grafana's calc; null when nothing to reduce. Unknown calcs act as lastNotNull. */
export function reduce(values: readonly (number | null)[], calc: string | undefined): number | null {
  const nn = values.filter((v): v is number => v !== null && Number.isFinite(v));
  switch (calc) {
    case 'last':
      return values.length === 0 ? null : (values[values.length - 1] ?? null);
    case 'first':
      return values[0] ?? null;
    case 'firstNotNull':
      return nn[0] ?? null;
    case 'mean':
      return nn.length === 0 ? null : nn.reduce((a, b) => a + b, 0) / nn.length;
    case 'max':
      return nn.length === 0 ? null : Math.max(...nn);
    case 'min':
      return nn.length === 0 ? null : Math.min(...nn);
    case 'sum':
      return nn.reduce((a, b) => a + b, 0);
    case 'count':
      return nn.length;
    case 'range':
      return nn.length === 0 ? null : Math.max(...nn) - Math.min(...nn);
    case 'delta':
    case 'diff':
      return nn.length === 0 ? null : (nn[nn.length - 1] ?? 0) - (nn[0] ?? 0);
    default:
      return nn.length === 0 ? null : (nn[nn.length - 1] ?? null);
  }
}

/** Each y as a percent of the sum of all series at that time (for stacking mode "percent"). */
export function percentColumns(data: Columns): Columns {
  const [xs, ...ys] = data;
  const totals = xs.map((_x, i) => ys.reduce((s, y) => s + Math.abs(y[i] ?? 0), 0));
  return [xs, ...ys.map((y) => y.map((v, i) => (v === null ? null : (totals[i] ?? 0) === 0 ? 0 : (v / (totals[i] ?? 1)) * 100)))];
}

export interface SeriesStyle {
  color?: string;
  unit?: string;
  /** Negative-Y transform (Grafana's custom.transform "negative-Y"). */
  negate?: boolean;
}

function matches(o: Override, name: string): boolean {
  const opt = o.matcher.options;
  if (typeof opt !== 'string') return false;
  if (o.matcher.id === 'byName') return opt === name;
  if (o.matcher.id === 'byRegexp') {
    const re = compileRegex(opt);
    return !(re instanceof Error) && re.test(name);
  }
  return false;
}

/** The overrides that apply to a series named `name`: fixed colour, unit, negative-Y. Later overrides win. */
export function styleFor(name: string, overrides: readonly Override[] | undefined): SeriesStyle {
  const s: SeriesStyle = {};
  for (const o of overrides ?? []) {
    if (typeof o !== 'object' || o === null || !Array.isArray(o.properties) || typeof o.matcher !== 'object' || !matches(o, name)) continue;
    for (const p of o.properties) {
      if (p.id === 'color' && typeof p.value === 'object' && p.value !== null) {
        const c = (p.value as { fixedColor?: unknown }).fixedColor;
        if (typeof c === 'string') s.color = c;
      } else if (p.id === 'unit' && typeof p.value === 'string') s.unit = p.value;
      else if (p.id === 'custom.transform' && p.value === 'negative-Y') s.negate = true;
    }
  }
  return s;
}
