import { useMemo } from 'preact/hooks';
import { Chart } from '../../components/Chart';
import type { Panel } from '../../lib/dashboards/model';
import type { PanelResult } from '../../lib/dashboards/query';
import { percentColumns, styleFor } from '../../lib/dashboards/series';
import { cssColor, thresholdLines } from '../../lib/dashboards/thresholds';
import { formatUnit } from '../../lib/dashboards/units';
import type { Columns } from '../../lib/series';
import { TablePanel, TextPanel } from './OtherPanels';
import type { Display } from './panelOptions';
import { BarGaugePanel, GaugePanel, StatPanel } from './StatPanels';

export function TimeseriesBody({ panel, title, result, display, heightPx, onZoom }: { panel: Panel; title: string; result: PanelResult; display: Display; heightPx: number; onZoom: (f: number, t: number) => void }) {
  const custom = panel.fieldConfig?.defaults?.custom ?? {};
  const stacking = typeof custom.stacking?.mode === 'string' ? custom.stacking.mode : 'none';
  const thrMode = typeof custom.thresholdsStyle?.mode === 'string' ? custom.thresholdsStyle.mode : 'off';
  const overrides = panel.fieldConfig?.overrides;
  const fixed = panel.fieldConfig?.defaults?.color?.mode === 'fixed' ? panel.fieldConfig.defaults.color.fixedColor : undefined;
  const names = result.rangeNames;
  const styles = useMemo(() => names.map((n) => styleFor(n, overrides)), [names, overrides]);
  const colors = useMemo(() => styles.map((s) => (s.color !== undefined ? cssColor(s.color) : fixed !== undefined ? cssColor(fixed) : undefined)), [styles, fixed]);
  const data = useMemo((): Columns => {
    const [xs, ...ys] = result.columns;
    const signed: Columns = [xs, ...ys.map((y, i) => (styles[i]?.negate === true ? y.map((v) => (v === null ? null : -v)) : y))];
    return stacking === 'percent' ? percentColumns(signed) : signed;
  }, [result.columns, styles, stacking]);
  const lines = useMemo(() => (thrMode === 'off' || thrMode === 'area' ? undefined : thresholdLines(display.thresholds, display.min ?? 0, display.max ?? 100)), [display, thrMode]);
  const percent = stacking === 'percent';
  const format = useMemo(() => (percent ? (v: number) => formatUnit(v, 'percent', 0) : (v: number) => formatUnit(v, display.unit, display.decimals)), [percent, display]);
  // The chart's caption line, and its legend (uPlot's, inline, about three entries a line; none above 16 series).
  const legendPx = names.length > 16 ? 0 : Math.min(128, 24 * Math.ceil(names.length / 3) + 10);
  const captionPx = 28;
  return (
    <Chart
      title={title}
      data={data}
      names={names}
      stacked={stacking === 'normal' || percent}
      height={Math.max(60, heightPx - legendPx - captionPx)}
      onZoom={onZoom}
      colors={colors}
      {...(typeof custom.fillOpacity === 'number' ? { fillOpacity: custom.fillOpacity } : {})}
      {...(lines !== undefined ? { thresholds: lines, thresholdStyle: thrMode.startsWith('dashed') ? ('dashed' as const) : ('line' as const) } : {})}
      format={format}
      {...(percent ? { yMin: 0, yMax: 100 } : {})}
      {...(!percent && display.min !== undefined ? { yMin: display.min } : {})}
      {...(!percent && display.max !== undefined ? { yMax: display.max } : {})}
    />
  );
}

export function OtherPanelBody({ panel, result, display, content }: { panel: Panel; result: PanelResult | undefined; display: Display; content: string }) {
  if (panel.type === 'text') return <TextPanel content={content} />;
  if (result === undefined) return null;
  switch (panel.type) {
    case 'stat':
      return <StatPanel panel={panel} result={result} display={display} />;
    case 'gauge':
      return <GaugePanel panel={panel} result={result} display={display} />;
    case 'bargauge':
      return <BarGaugePanel result={result} display={display} />;
    case 'table':
      return <TablePanel result={result} display={display} />;
    default:
      return null;
  }
}
