import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { columnsToCsv } from '../lib/csv';
import { downloadBlob, downloadCanvasPng, fileSlug } from '../lib/download';
import { type Columns, type Unit, formatValue, stackBands, stackColumns } from '../lib/series';

const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#f97316', '#6366f1', '#14b8a6', '#a855f7'];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#888';
}

/** Axis ticks: as many decimals as the tick spacing needs (so 5.41 and 5.42 stay apart). */
function tickLabel(v: number, incr: number, unit: Unit): string {
  if (unit !== 'none' && unit !== 'percent') return formatValue(v, unit);
  if (unit === 'none' && Math.abs(v) >= 1000) return formatValue(v, unit);
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(incr > 0 ? incr : 1))));
  return `${v.toFixed(decimals)}${unit === 'percent' ? '%' : ''}`;
}

export interface ChartProps {
  readonly title: string;
  /** Raw (unstacked) data; x in seconds. */
  readonly data: Columns;
  readonly names: readonly string[];
  readonly unit?: Unit;
  readonly stacked?: boolean;
  readonly height?: number;
  /** Drag-to-zoom on the x axis: called with the selected [from, to] in ms. */
  readonly onZoom?: (fromMs: number, toMs: number) => void;
  /** Per-series CSS colours (undefined entries: the palette's). Pass a stable (memoized) array. */
  readonly colors?: readonly (string | undefined)[];
  /** Area fill under each line, 0..100 (% opacity); stacked charts fill by default. */
  readonly fillOpacity?: number;
  /** Horizontal lines at these values (dashed when `thresholdStyle` is "dashed"). Pass a stable array. */
  readonly thresholds?: readonly { readonly value: number; readonly color: string }[];
  readonly thresholdStyle?: 'line' | 'dashed';
  /** Formats values for the axis and legend instead of `unit` (e.g. Grafana units). */
  readonly format?: (v: number) => string;
  /** Fixed y-axis bounds (either may be left out). */
  readonly yMin?: number;
  readonly yMax?: number;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

/** A uPlot time-series chart that follows its container's width, with PNG and CSV download. */
/** `hex` (#rgb or #rrggbb) with alpha 0..1 as #rrggbbaa; other colour syntaxes are returned as they are. */
function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const hex = (m[1] ?? '').length === 3 ? [...(m[1] ?? '')].map((c) => c + c).join('') : (m[1] ?? '');
  return `#${hex}${Math.round(Math.min(1, Math.max(0, alpha)) * 255).toString(16).padStart(2, '0')}`;
}

export function Chart({ title, data, names, unit = 'none', stacked = false, height = 220, onZoom, colors, fillOpacity, thresholds, thresholdStyle = 'line', format, yMin, yMax }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const formatRef = useRef(format);
  formatRef.current = format;
  const hasFormat = format !== undefined;
  const [empty, setEmpty] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const hasData = data[0].length > 0 && data.length > 1;
    setEmpty(!hasData);
    if (!hasData) return;
    const axis = cssVar('--muted', '#888');
    const grid = cssVar('--grid', 'rgba(128,128,128,.15)');
    const fmt = (_u: uPlot, v: number | null): string => {
      const f = formatRef.current;
      return f !== undefined && v !== null && Number.isFinite(v) ? f(v) : formatValue(v, unit);
    };
    const color = (i: number): string => colors?.[i] ?? seriesColor(i);
    const fill = (i: number): string | undefined => (fillOpacity !== undefined && fillOpacity > 0 ? withAlpha(color(i), fillOpacity / 100) : stacked ? withAlpha(color(i), 1 / 3) : undefined);
    const fillOf = (i: number): { fill?: string } => {
      const f = fill(i);
      return f === undefined ? {} : { fill: f };
    };
    const tick = (t: number, incr: number): string => {
      const f = formatRef.current;
      return f !== undefined ? f(t) : tickLabel(t, incr, unit);
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: true, y: false, setScale: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      legend: { show: names.length <= 16, live: true },
      scales: { x: { time: true }, ...(yMin !== undefined || yMax !== undefined ? { y: { range: (_u: uPlot, lo: number, hi: number): uPlot.Range.MinMax => [yMin ?? Math.min(lo, 0), yMax ?? (hi > (yMin ?? lo) ? hi : (yMin ?? lo) + 1)] } } : {}) },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: unit === 'none' && !hasFormat ? 60 : 84, values: (_u, ticks, _axis, _space, incr) => ticks.map((t) => tick(t, incr)) },
      ],
      series: [
        {},
        ...names.map((n, i) => ({
          label: n,
          stroke: color(i),
          width: 1.5,
          value: fmt,
          ...fillOf(i),
        })),
      ],
      ...(stacked ? { bands: stackBands(names.length) } : {}),
      hooks: {
        draw: [
          (u) => {
            if (thresholds === undefined || thresholds.length === 0) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.lineWidth = Math.max(1, devicePixelRatio);
            ctx.setLineDash(thresholdStyle === 'dashed' ? [6 * devicePixelRatio, 4 * devicePixelRatio] : []);
            for (const t of thresholds) {
              const y = u.valToPos(t.value, 'y', true);
              if (!Number.isFinite(y) || y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
              ctx.strokeStyle = t.color;
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
        setSelect: [
          (u) => {
            const sel = u.select;
            if (sel.width < 5) return;
            const from = u.posToVal(sel.left, 'x');
            const to = u.posToVal(sel.left + sel.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(Math.round(from * 1000), Math.round(to * 1000));
          },
        ],
      },
    };
    // "vigie-chart-draw" measures building the plot up to the next frame (the draw included);
    // bench/ui-bench.ts reads it.
    const drawStart = performance.now();
    const shown = stacked ? stackColumns(data) : data;
    const u = new uPlot(opts, shown as uPlot.AlignedData, el);
    requestAnimationFrame(() => performance.measure('vigie-chart-draw', { start: drawStart, detail: { series: names.length, points: data[0]?.length ?? 0 } }));
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [data, names, unit, stacked, height, colors, fillOpacity, thresholds, thresholdStyle, hasFormat, yMin, yMax]);

  const png = (): void => {
    const u = plot.current;
    if (u !== null) downloadCanvasPng(u.ctx.canvas, cssVar('--bg', '#fff'), `${fileSlug(title)}.png`);
  };
  const csv = (): void => downloadBlob(new Blob([columnsToCsv(names, data)], { type: 'text/csv' }), `${fileSlug(title)}.csv`);

  return (
    <figure class="chart">
      <figcaption>
        <span class="chart-title">{title}</span>
        <span class="chart-actions">
          <button type="button" class="link" onClick={png} disabled={empty} title="Download the chart as PNG">PNG</button>
          <button type="button" class="link" onClick={csv} disabled={empty} title="Download the data as CSV">CSV</button>
        </span>
      </figcaption>
      {empty ? <p class="muted chart-empty">No data in this range.</p> : null}
      <div ref={box} class="chart-canvas" />
    </figure>
  );
}
