// Reading a panel's display options (fieldConfig, options) with safe defaults.
import type { FieldDefaults, Panel, Thresholds } from '../../lib/dashboards/model';
import { DEFAULT_THRESHOLDS } from '../../lib/dashboards/thresholds';
import { formatUnit } from '../../lib/dashboards/units';

export interface Display {
  readonly unit: string | undefined;
  readonly decimals: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly thresholds: Thresholds;
  readonly format: (v: number | null) => string;
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function displayOf(panel: Panel): Display {
  const d: FieldDefaults = panel.fieldConfig?.defaults ?? {};
  const unit = typeof d.unit === 'string' ? d.unit : undefined;
  const decimals = finite(d.decimals);
  const t = d.thresholds;
  const thresholds = t !== undefined && typeof t === 'object' && Array.isArray(t.steps) ? t : DEFAULT_THRESHOLDS;
  return { unit, decimals, min: finite(d.min), max: finite(d.max), thresholds, format: (v) => formatUnit(v, unit, decimals) };
}

export function option<T>(panel: Panel, key: string, guard: (v: unknown) => v is T, dflt: T): T {
  const v = panel.options?.[key];
  return guard(v) ? v : dflt;
}
export const isString = (v: unknown): v is string => typeof v === 'string';

/** reduceOptions.calcs[0], defaulting to lastNotNull. */
export function calcOf(panel: Panel): string {
  const r = panel.options?.['reduceOptions'];
  const calcs = typeof r === 'object' && r !== null ? (r as { calcs?: unknown }).calcs : undefined;
  return Array.isArray(calcs) && typeof calcs[0] === 'string' ? calcs[0] : 'lastNotNull';
}
