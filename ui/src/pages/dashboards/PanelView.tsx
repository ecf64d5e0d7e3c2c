// One panel: queried only once it has been on screen (IntersectionObserver), drawn by type.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { useAsync } from '../../components/useAsync';
import { tableToCsv } from '../../lib/csv';
import { type VarScope, interpolate } from '../../lib/dashboards/interpolate';
import type { Panel } from '../../lib/dashboards/model';
import { type PanelResult, planQueries, runPlan } from '../../lib/dashboards/query';
import { downloadBlob, fileSlug } from '../../lib/download';
import { OtherPanelBody, TimeseriesBody } from './PanelBodies';
import { calcOf, displayOf } from './panelOptions';

export const SUPPORTED_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text'] as const;

/** True from the first time `ref`'s element comes within 200 px of the viewport. */
function useSeen(ref: { current: HTMLElement | null }): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (el === null || seen) return;
    if (typeof IntersectionObserver === 'undefined') return setSeen(true);
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setSeen(true);
        io.disconnect();
      }
    }, { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  return seen;
}

export interface PanelViewProps {
  readonly panel: Panel;
  readonly scopes: readonly VarScope[];
  readonly startMs: number;
  readonly endMs: number;
  /** Changes on each refresh. */
  readonly tick: number;
  /** Variables resolved: until then nothing is queried. */
  readonly ready: boolean;
  /** The panel's height in CSS px. */
  readonly heightPx: number;
  readonly toolbar?: ComponentChildren;
  readonly onZoom: (fromMs: number, toMs: number) => void;
}

export function PanelView({ panel, scopes, startMs, endMs, tick, ready, heightPx, toolbar, onZoom }: PanelViewProps) {
  const { session } = useApp();
  const box = useRef<HTMLElement>(null);
  const seen = useSeen(box);
  const title = interpolate(panel.title ?? '', ...scopes);
  const supported = (SUPPORTED_TYPES as readonly string[]).includes(panel.type);
  const queries = supported && panel.type !== 'text';
  const plan = useMemo(() => planQueries(panel, startMs, endMs, scopes), [panel, startMs, endMs, scopes]);
  const display = useMemo(() => displayOf(panel), [panel]);
  const calc = calcOf(panel);
  const result = useAsync<PanelResult | undefined>(
    (signal) => (seen && ready && queries ? runPlan(session, plan, startMs, endMs, calc, signal) : Promise.resolve(undefined)),
    [seen, ready, queries, JSON.stringify(plan), startMs, endMs, calc, tick],
  );
  const chartOwnsTitle = panel.type === 'timeseries' && result.data !== undefined;
  // Panel padding, then the header line (hidden when the chart carries the title and there are no tools).
  const bodyPx = Math.max(40, heightPx - 14 - (chartOwnsTitle && toolbar === undefined ? 0 : 24));
  const csv = (): void => {
    const rows = (result.data?.series ?? []).map((s) => ({ metric: { series: s.name, ...s.metric }, value: s.value === null ? '' : String(s.value) }));
    downloadBlob(new Blob([tableToCsv(rows)], { type: 'text/csv' }), `${fileSlug(title)}.csv`);
  };

  let body: ComponentChildren;
  if (!supported) body = <p class="muted dash-unsupported">panel type {panel.type} is not supported yet</p>;
  else if (panel.type === 'text') body = <OtherPanelBody panel={panel} result={undefined} display={display} content={interpolate(String(panel.options?.['content'] ?? ''), ...scopes)} />;
  else if (result.data === undefined) body = <p class="muted dash-nodata">{result.error === undefined ? (seen ? 'Loading…' : '') : ''}</p>;
  else if (panel.type === 'timeseries') body = <TimeseriesBody panel={panel} title={title} result={result.data} display={display} heightPx={bodyPx} onZoom={onZoom} />;
  else body = <OtherPanelBody panel={panel} result={result.data} display={display} content="" />;

  return (
    <section ref={box} class={`dash-panel dash-panel-${fileSlug(panel.type)}${toolbar === undefined && (panel.type === 'stat' || panel.type === 'gauge' || panel.type === 'bargauge') ? ' dash-panel-compact' : ''}`} aria-label={title || panel.type} data-panel-type={panel.type}>
      <header class="dash-panel-head">
        {chartOwnsTitle ? <span /> : <h3 class="dash-panel-title" title={typeof panel.description === 'string' && panel.description !== '' ? `${title}: ${panel.description}` : title}>{title}</h3>}
        <span class="dash-panel-tools">
          {!chartOwnsTitle && queries && result.data !== undefined && result.data.series.length > 0 ? <button type="button" class="link" onClick={csv} title="Download the values as CSV">CSV</button> : null}
          {toolbar}
        </span>
      </header>
      {result.error !== undefined ? <p class="error small wrap-anywhere" role="alert">{result.error}</p> : null}
      <div class="dash-panel-body">{body}</div>
    </section>
  );
}
