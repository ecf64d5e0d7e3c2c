import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../components/Chart';
import { useApp } from '../components/nav';
import { RangePicker } from '../components/RangePicker';
import { useAsync } from '../components/useAsync';
import { tableToCsv } from '../lib/csv';
import { downloadBlob } from '../lib/download';
import { type ExploreState, EXPLORE_STEPS_MS, exploreFromSearch, exploreToSearch } from '../lib/explore-state';
import { formatLabels, queryInstant, queryRange } from '../lib/prom';
import { alignSeries } from '../lib/series';
import { formatDuration, resolveRange, stepFor } from '../lib/timerange';
import { PromqlEditor } from './PromqlEditor';

/** Series drawn at most (the table shows them all). */
const MAX_GRAPH_SERIES = 200;

export function ExplorePage() {
  const { nav, session } = useApp();
  const state = useMemo(() => exploreFromSearch(nav.search), [nav.search]);
  const [draft, setDraft] = useState(state.expr);
  const update = (s: Partial<ExploreState>): void => nav.navigate(`/explore${exploreToSearch({ ...state, ...s })}`);
  const run = (expr: string): void => update({ expr: expr.trim() });
  const [runCount, setRunCount] = useState(0);

  const result = useAsync(
    async (signal) => {
      if (state.expr === '') return undefined;
      const { startMs, endMs } = resolveRange(state.range, Date.now());
      if (state.view === 'table') {
        const rows = await queryInstant(session, state.expr, endMs, signal);
        return { kind: 'table' as const, rows: rows.map((r) => ({ metric: r.metric, value: r.value[1] })) };
      }
      const series = await queryRange(session, state.expr, startMs, endMs, state.stepMs ?? stepFor(startMs, endMs), signal);
      const shown = series.slice(0, MAX_GRAPH_SERIES);
      return { kind: 'graph' as const, data: alignSeries(shown), names: shown.map((s) => formatLabels(s.metric)), total: series.length };
    },
    [nav.search, runCount],
  );
  const r = result.data;
  return (
    <>
      <h1>Explore</h1>
      <form
        class="explore-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(draft);
          setRunCount(runCount + 1);
        }}
      >
        <PromqlEditor value={draft} onChange={setDraft} onExecute={(expr) => { run(expr); setRunCount((n) => n + 1); }} />
        <button type="submit" class="primary">Run</button>
      </form>
      <div class="toolbar">
        <div class="seg-group" role="group" aria-label="View">
          <button type="button" class={state.view === 'graph' ? 'seg active' : 'seg'} aria-pressed={state.view === 'graph'} onClick={() => update({ view: 'graph' })}>Graph</button>
          <button type="button" class={state.view === 'table' ? 'seg active' : 'seg'} aria-pressed={state.view === 'table'} onClick={() => update({ view: 'table' })}>Table</button>
        </div>
        {state.view === 'graph' ? (
          <label class="check"><input type="checkbox" checked={state.stacked} onChange={(e) => update({ stacked: e.currentTarget.checked })} /> stacked</label>
        ) : null}
        {state.view === 'graph' ? (
          <label class="check">
            resolution{' '}
            <select value={state.stepMs === undefined ? '' : String(state.stepMs)} onChange={(e) => update({ stepMs: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })}>
              <option value="">auto</option>
              {[...new Set([...EXPLORE_STEPS_MS, ...(state.stepMs === undefined ? [] : [state.stepMs])])].map((ms) => (
                <option key={ms} value={String(ms)}>{formatDuration(ms)}</option>
              ))}
            </select>
          </label>
        ) : null}
        <RangePicker value={state.range} onChange={(range) => update({ range })} nowMs={Date.now()} />
      </div>
      {result.error !== undefined ? <p class="error" role="alert">{result.error}</p> : null}
      {result.loading && r === undefined && state.expr !== '' ? <p class="muted">Running…</p> : null}
      {r?.kind === 'graph' ? (
        <div class="card">
          {r.total > MAX_GRAPH_SERIES ? <p class="muted">Showing {MAX_GRAPH_SERIES} of {r.total} series.</p> : null}
          <Chart title={state.expr} data={r.data} names={r.names} stacked={state.stacked} height={320} onZoom={(fromMs, toMs) => update({ range: { kind: 'absolute', fromMs, toMs } })} />
        </div>
      ) : null}
      {r?.kind === 'table' ? (
        <div class="card">
          <div class="chart-actions">
            <button type="button" class="link" onClick={() => downloadBlob(new Blob([tableToCsv(r.rows)], { type: 'text/csv' }), 'query.csv')}>CSV</button>
          </div>
          <div class="table-wrap">
            <table>
              <thead><tr><th>Series</th><th>Value</th></tr></thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={formatLabels(row.metric)}><td class="mono wrap-anywhere">{formatLabels(row.metric)}</td><td class="mono">{row.value}</td></tr>
                ))}
              </tbody>
            </table>
            {r.rows.length === 0 ? <p class="muted">Empty result.</p> : null}
          </div>
        </div>
      ) : null}
    </>
  );
}
