// stat, gauge and bargauge: one reduced value per series, coloured by thresholds, always with the number as text.
import type { PanelResult } from '../../lib/dashboards/query';
import type { Panel } from '../../lib/dashboards/model';
import { thresholdColor, thresholdSteps } from '../../lib/dashboards/thresholds';
import { type Display, isString, option } from './panelOptions';

function Sparkline({ ys, color }: { ys: readonly (number | null)[]; color: string }) {
  const pts = ys.map((v, i) => [i, v] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  if (pts.length < 2) return null;
  const vals = pts.map((p) => p[1]);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const n = Math.max(1, ys.length - 1);
  const line = pts.map(([i, v]) => `${((i / n) * 100).toFixed(2)},${(30 - (hi > lo ? ((v - lo) / (hi - lo)) * 28 : 14)).toFixed(2)}`).join(' ');
  return (
    <svg class="dash-spark" viewBox="0 0 100 30" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={`0,30 ${line} 100,30`} fill={color} fill-opacity="0.2" stroke="none" />
      <polyline points={line} fill="none" stroke={color} stroke-width="1.5" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

export function StatPanel({ panel, result, display }: { panel: Panel; result: PanelResult; display: Display }) {
  const colorMode = option(panel, 'colorMode', isString, 'value');
  const graphMode = option(panel, 'graphMode', isString, 'area');
  const series = result.series;
  if (series.length === 0) return <p class="muted dash-nodata">No data</p>;
  return (
    <div class="dash-stats">
      {series.map((s, i) => {
        const color = thresholdColor(s.value, display.thresholds, display.min ?? 0, display.max ?? 100);
        const bg = colorMode === 'background' || colorMode === 'background_solid';
        const ri = result.rangeNames.indexOf(s.name);
        const ys = ri >= 0 && graphMode === 'area' ? result.columns[ri + 1] : undefined;
        return (
          <div class={`dash-stat${bg ? ' dash-stat-bg' : ''}`} key={`${s.name}-${i}`} style={bg ? { background: color } : undefined}>
            {series.length > 1 ? <span class="dash-stat-name wrap-anywhere">{s.name}</span> : null}
            <span class="dash-stat-value" style={colorMode === 'value' ? { color } : undefined}>{display.format(s.value)}</span>
            {ys !== undefined ? <Sparkline ys={ys} color={bg ? 'rgba(255,255,255,.8)' : color} /> : null}
          </div>
        );
      })}
    </div>
  );
}

/** A point on the gauge's arc (270° open at the bottom) for a fraction 0..1. */
function arcPoint(f: number, r: number): [number, number] {
  const a = ((-225 + 270 * f) * Math.PI) / 180;
  return [50 + r * Math.cos(a), 50 + r * Math.sin(a)];
}
function arc(f0: number, f1: number, r: number): string {
  const [x0, y0] = arcPoint(f0, r);
  const [x1, y1] = arcPoint(f1, r);
  return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${r} ${r} 0 ${(f1 - f0) * 270 > 180 ? 1 : 0} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

export function GaugePanel({ panel, result, display }: { panel: Panel; result: PanelResult; display: Display }) {
  const min = display.min ?? 0;
  const max = display.max ?? 100;
  const markers = panel.options?.['showThresholdMarkers'] !== false;
  if (result.series.length === 0) return <p class="muted dash-nodata">No data</p>;
  const frac = (v: number): number => (max > min ? Math.min(1, Math.max(0, (v - min) / (max - min))) : 0);
  const steps = thresholdSteps(display.thresholds).map((s) => ({ ...s, value: display.thresholds.mode === 'percentage' ? min + ((max - min) * s.value) / 100 : s.value }));
  return (
    <div class="dash-gauges">
      {result.series.map((s, i) => {
        const color = thresholdColor(s.value, display.thresholds, min, max);
        const f = s.value === null ? 0 : frac(s.value);
        return (
          <figure class="dash-gauge" key={`${s.name}-${i}`}>
            <svg viewBox="0 0 100 86" role="img" aria-label={`${s.name}: ${display.format(s.value)}`}>
              <path d={arc(0, 1, 38)} class="dash-gauge-track" fill="none" stroke-width="10" />
              {f > 0 ? <path d={arc(0, f, 38)} fill="none" stroke={color} stroke-width="10" /> : null}
              {markers
                ? steps.map((st, k) => {
                    const next = steps[k + 1];
                    const a = Number.isFinite(st.value) ? frac(st.value) : 0;
                    const b = next === undefined ? 1 : frac(next.value);
                    return b > a ? <path key={k} d={arc(a, b, 46)} fill="none" stroke={st.color} stroke-width="3" /> : null;
                  })
                : null}
              <text x="50" y="56" text-anchor="middle" class="dash-gauge-text" fill={color}>{display.format(s.value)}</text>
            </svg>
            {result.series.length > 1 ? <figcaption class="small wrap-anywhere">{s.name}</figcaption> : null}
          </figure>
        );
      })}
    </div>
  );
}

export function BarGaugePanel({ result, display }: { result: PanelResult; display: Display }) {
  const min = display.min ?? 0;
  const vals = result.series.map((s) => s.value).filter((v): v is number => v !== null);
  const max = display.max ?? Math.max(100, ...vals);
  if (result.series.length === 0) return <p class="muted dash-nodata">No data</p>;
  return (
    <div class="dash-bars">
      {result.series.map((s, i) => {
        const color = thresholdColor(s.value, display.thresholds, min, max);
        const pct = s.value === null || max <= min ? 0 : Math.min(100, Math.max(0, ((s.value - min) / (max - min)) * 100));
        return (
          <div class="dash-bar" key={`${s.name}-${i}`}>
            <span class="dash-bar-name wrap-anywhere">{s.name}</span>
            <span class="dash-bar-track"><span class="dash-bar-fill" style={{ width: `${pct}%`, background: color }} /></span>
            <span class="dash-bar-value" style={{ color }}>{display.format(s.value)}</span>
          </div>
        );
      })}
    </div>
  );
}
