// Threshold colours (fieldConfig.defaults.thresholds) and Grafana's named colours.
import type { Thresholds } from './model';

const NAMED: Readonly<Record<string, string>> = {
  green: '#73BF69', 'dark-green': '#37872D', 'semi-dark-green': '#56A64B', 'light-green': '#96D98D', 'super-light-green': '#C8F2C2',
  red: '#F2495C', 'dark-red': '#C4162A', 'semi-dark-red': '#E02F44', 'light-red': '#FF7383', 'super-light-red': '#FFA6B0',
  orange: '#FF9830', 'dark-orange': '#FA6400', 'semi-dark-orange': '#FF780A', 'light-orange': '#FFB357', 'super-light-orange': '#FFCB7D',
  yellow: '#FADE2A', 'dark-yellow': '#E0B400', 'semi-dark-yellow': '#F2CC0C', 'light-yellow': '#FFEE52', 'super-light-yellow': '#FFF899',
  blue: '#5794F2', 'dark-blue': '#1F60C4', 'semi-dark-blue': '#3274D9', 'light-blue': '#8AB8FF', 'super-light-blue': '#C0D8FF',
  purple: '#B877D9', 'dark-purple': '#8F3BB8', 'semi-dark-purple': '#A352CC', 'light-purple': '#CA95E5', 'super-light-purple': '#DEB6F2',
  white: '#ffffff', black: '#000000', transparent: 'transparent', text: 'currentColor',
};
const DEFAULT = '#73BF69';

/**
 * A CSS colour from a Grafana colour: a named one, #hex, rgb()/rgba()/hsl()/hsla() with plain
 * numbers; anything else (which could smuggle CSS) gives `fallback`.
 */
export function cssColor(c: unknown, fallback = DEFAULT): string {
  if (typeof c !== 'string') return fallback;
  const s = c.trim();
  const named = NAMED[s.toLowerCase()];
  if (named !== undefined) return named;
  if (/^#[0-9a-f]{3,8}$/i.test(s)) return s;
  if (/^(rgb|rgba|hsl|hsla)\(\s*[\d.%]+\s*(,\s*[\d.%]+\s*){2,3}\)$/i.test(s)) return s;
  return fallback;
}

/** The default thresholds Grafana gives a new panel. */
export const DEFAULT_THRESHOLDS: Thresholds = { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 80 }] };

/** Steps sorted with the base first; values as numbers (the base is -Infinity). */
export function thresholdSteps(t: Thresholds | undefined): { value: number; color: string }[] {
  const steps = (t?.steps ?? []).map((s) => ({ value: s.value === null || s.value === undefined || !Number.isFinite(Number(s.value)) ? -Infinity : Number(s.value), color: cssColor(s.color) }));
  return steps.sort((a, b) => a.value - b.value);
}

/**
 * The colour of `v`: the last step whose value is <= v. In percentage mode the step values
 * are percents of [min, max] (defaults 0 and 100).
 */
export function thresholdColor(v: number | null | undefined, t: Thresholds | undefined, min = 0, max = 100): string {
  const steps = thresholdSteps(t);
  if (v === null || v === undefined || !Number.isFinite(v) || steps.length === 0) return steps[0]?.color ?? DEFAULT;
  const x = t?.mode === 'percentage' ? (max > min ? ((v - min) / (max - min)) * 100 : 0) : v;
  let color = steps[0]?.color ?? DEFAULT;
  for (const s of steps) if (x >= s.value) color = s.color;
  return color;
}

/** Step boundaries in the value scale (percentage steps converted through [min, max]), base excluded. */
export function thresholdLines(t: Thresholds | undefined, min = 0, max = 100): { value: number; color: string }[] {
  return thresholdSteps(t)
    .filter((s) => Number.isFinite(s.value))
    .map((s) => ({ color: s.color, value: t?.mode === 'percentage' ? min + ((max - min) * s.value) / 100 : s.value }));
}
