import { Chart } from '../components/Chart';
import { useApp } from '../components/nav';
import { RangePicker } from '../components/RangePicker';
import { useAsync } from '../components/useAsync';
import type { ApiSession } from '../lib/api';
import { type Panel, hostFacts, hostPanels } from '../lib/host-panels';
import { queryInstant, queryRange } from '../lib/prom';
import { type Columns, alignSeries, formatValue } from '../lib/series';
import { resolveRange, stepFor } from '../lib/timerange';
import { useUrlRange } from '../components/useUrlRange';

interface LoadedPanel {
  readonly panel: Panel;
  readonly data: Columns;
  readonly names: string[];
  readonly error?: string;
}

async function loadPanel(session: ApiSession, panel: Panel, startMs: number, endMs: number, stepMs: number, signal: AbortSignal): Promise<LoadedPanel> {
  try {
    const parts = await Promise.all(panel.queries.map(async (q) => (await queryRange(session, q.expr, startMs, endMs, stepMs, signal)).map((s) => ({ s, name: q.legend(s.metric) }))));
    const all = parts.flat();
    return { panel, data: alignSeries(all.map((p) => p.s)), names: all.map((p) => p.name) };
  } catch (e) {
    return { panel, data: [[]], names: [], error: e instanceof Error ? e.message : String(e) };
  }
}

export function HostPage({ instance }: { instance: string }) {
  const { session } = useApp();
  const { range, setRange, rangeKey } = useUrlRange();
  const panels = useAsync(
    (signal) => {
      const { startMs, endMs } = resolveRange(range, Date.now());
      const step = stepFor(startMs, endMs);
      return Promise.all(hostPanels(instance, step).map((p) => loadPanel(session, p, startMs, endMs, step, signal)));
    },
    [instance, rangeKey],
    range.kind === 'relative' ? 30_000 : undefined,
  );
  const facts = useAsync(
    (signal) => Promise.all(hostFacts(instance).map(async (f) => ({ ...f, value: (await queryInstant(session, f.expr, undefined, signal).catch(() => []))[0]?.value[1] }))),
    [instance],
    30_000,
  );
  return (
    <>
      <div class="page-head">
        <h1 class="wrap-anywhere">{instance}</h1>
        <RangePicker value={range} onChange={setRange} nowMs={Date.now()} />
      </div>
      <dl class="facts">
        {(facts.data ?? []).map((f) => (
          <div key={f.label}>
            <dt>{f.label}</dt>
            <dd>{f.value === undefined ? '—' : formatValue(Number(f.value), f.unit)}</dd>
          </div>
        ))}
      </dl>
      {panels.error !== undefined ? <p class="error">{panels.error}</p> : null}
      {panels.data === undefined ? <p class="muted">Loading…</p> : null}
      <div class="grid">
        {(panels.data ?? []).map((p) => (
          <div key={p.panel.title} class="card">
            {p.error !== undefined ? <p class="error">{p.panel.title}: {p.error}</p> : null}
            <Chart title={p.panel.title} data={p.data} names={p.names} unit={p.panel.unit} stacked={p.panel.stacked} onZoom={(from, to) => setRange({ kind: 'absolute', fromMs: from, toMs: to })} />
          </div>
        ))}
      </div>
      <p class="muted small">Drag across a chart to zoom in; the range is in the address, ready to share.</p>
    </>
  );
}
