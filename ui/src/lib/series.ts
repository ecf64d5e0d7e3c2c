// Prometheus range results → uPlot's column data (one shared x array in seconds, one y array per series).
import type { MatrixSeries } from './prom';

/** uPlot's AlignedData: [xs, ...ys]; null is a gap. */
export type Columns = [number[], ...(number | null)[][]];

/** A sample value as a drawable number: NaN and ±Inf become null (a gap), never a broken scale. */
export function sampleValue(v: string): number | null {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Aligns series on the union of their timestamps (seconds, ascending); a series without a
 * sample at some time gets null there.
 */
export function alignSeries(series: readonly MatrixSeries[]): Columns {
  const times = new Set<number>();
  for (const s of series) for (const [t] of s.values) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((t, i) => index.set(t, i));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const i = index.get(t);
      if (i !== undefined) col[i] = sampleValue(v);
    }
    return col;
  });
  return [xs, ...ys];
}

/**
 * Stacks columns: each y becomes its value plus the stacked value of the series before it
 * (a gap below counts as 0; a gap stays a gap). Returns new arrays, the input is not changed.
 */
export function stackColumns(data: Columns): Columns {
  const [xs, ...ys] = data;
  const out: (number | null)[][] = [];
  let below: (number | null)[] = new Array<number | null>(xs.length).fill(0);
  for (const y of ys) {
    const col = y.map((v, i) => (v === null ? null : v + (below[i] ?? 0)));
    out.push(col);
    below = col.map((v, i) => v ?? below[i] ?? 0);
  }
  return [xs, ...out];
}

/** Pairs of series indexes (1-based, as uPlot numbers them) to fill between when stacked. */
export function stackBands(seriesCount: number): { series: [number, number] }[] {
  const bands: { series: [number, number] }[] = [];
  for (let i = seriesCount; i > 1; i--) bands.push({ series: [i, i - 1] });
  return bands;
}

/** Human units for axis ticks and legends. */
export type Unit = 'none' | 'percent' | 'bytes' | 'bytesPerSec' | 'seconds';

export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'percent':
      return `${round3(v)}%`;
    case 'bytes':
      return scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);
    case 'bytesPerSec':
      return `${scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'])}/s`;
    case 'seconds':
      return formatSeconds(v);
    case 'none':
      return scaled(v, 1000, ['', 'k', 'M', 'G', 'T', 'P']);
  }
}

function round3(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function scaled(v: number, base: number, units: readonly string[]): string {
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < units.length - 1) {
    x /= base;
    i++;
  }
  const sep = base === 1024 ? ' ' : '';
  return `${v < 0 ? '-' : ''}${round3(x)}${sep}${units[i] ?? ''}`.trimEnd();
}

/** 93784 → "1d 2h", 125 → "2m 5s", 0.25 → "250ms". */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a < 1) return `${round3(s * 1000)}ms`;
  if (a < 60) return `${round3(s)}s`;
  const parts: [number, string][] = [
    [Math.floor(a / 86400), 'd'],
    [Math.floor((a % 86400) / 3600), 'h'],
    [Math.floor((a % 3600) / 60), 'm'],
    [Math.floor(a % 60), 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return (s < 0 ? '-' : '') + parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ');
}
