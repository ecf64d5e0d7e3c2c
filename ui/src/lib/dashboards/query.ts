// What a panel asks the server: its targets with variables interpolated, instant or range,
// and the step (maxDataPoints / interval honoured) — and the answers in one shape for all types.
import type { ApiSession } from '../api';
import { type Labels, apiData, formatLabels, queryInstant, queryRange } from '../prom';
import { type Columns, alignSeries, sampleValue } from '../series';
import { type VarScope, builtinScope, interpolate } from './interpolate';
import type { Panel } from './model';
import { legendOf, reduce } from './series';
import type { VarFetcher } from './variables';
import { minIntervalOf, panelInterval } from './time';

/** Grafana's default scrape interval for the Prometheus datasource (ms). */
export const SCRAPE_INTERVAL_MS = 15_000;
const DEFAULT_MAX_POINTS = 800;

export interface PlannedQuery {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string | undefined;
  readonly instant: boolean;
}
export interface QueryPlan {
  readonly intervalMs: number;
  readonly queries: readonly PlannedQuery[];
}

/**
 * The queries of `panel` over [startMs, endMs]: hidden and empty targets skipped; tables and
 * targets marked instant (and not range) of stat/gauge/bargauge run as instant queries.
 * `scopes`: the repeat's variables first, then the dashboard's.
 */
export function planQueries(panel: Panel, startMs: number, endMs: number, scopes: readonly VarScope[], scrapeMs = SCRAPE_INTERVAL_MS): QueryPlan {
  const maxPoints = typeof panel.maxDataPoints === 'number' && panel.maxDataPoints > 0 ? panel.maxDataPoints : DEFAULT_MAX_POINTS;
  const panelMin = minIntervalOf(panel.interval === undefined ? undefined : interpolate(String(panel.interval), ...scopes), scrapeMs);
  const targets = (panel.targets ?? [])
    .map((t, i) => ({ ...t, refId: t.refId ?? String.fromCharCode(65 + (i % 26)) }))
    .filter((t) => t.hide !== true && typeof t.expr === 'string' && t.expr.trim() !== '');
  const targetMin = Math.max(panelMin, ...targets.map((t) => minIntervalOf(t.interval === undefined || t.interval === '' ? undefined : interpolate(String(t.interval), ...scopes), panelMin)));
  const intervalMs = panelInterval(startMs, endMs, maxPoints, targetMin);
  const all = [...scopes, builtinScope(startMs, endMs, intervalMs, scrapeMs)];
  const reducing = panel.type === 'stat' || panel.type === 'gauge' || panel.type === 'bargauge';
  return {
    intervalMs,
    queries: targets.map((t) => ({
      refId: t.refId,
      expr: interpolate(t.expr ?? '', ...all),
      legendFormat: typeof t.legendFormat === 'string' ? interpolate(t.legendFormat, ...all) : undefined,
      instant: panel.type === 'table' || (reducing && t.instant === true && t.range !== true),
    })),
  };
}

export interface PanelSeries {
  readonly name: string;
  readonly metric: Labels;
  /** The instant value, or the range reduced with `calc`. */
  readonly value: number | null;
}
export interface PanelResult {
  readonly series: readonly PanelSeries[];
  /** Range data (x in seconds) for the series that came from range queries, parallel to `rangeNames`. */
  readonly columns: Columns;
  readonly rangeNames: readonly string[];
}

/** Runs a plan; `calc` reduces range series to one value (stat, gauge, bargauge). */
export async function runPlan(session: ApiSession, plan: QueryPlan, startMs: number, endMs: number, calc: string | undefined, signal: AbortSignal): Promise<PanelResult> {
  const parts = await Promise.all(
    plan.queries.map(async (q) => {
      if (q.instant) {
        const rows = await queryInstant(session, q.expr, endMs, signal);
        return { instant: rows.map((r) => ({ name: legendOf(q.legendFormat, r.metric), metric: r.metric, value: sampleValue(r.value[1]) })), range: [] };
      }
      const ms = await queryRange(session, q.expr, startMs, endMs, plan.intervalMs, signal);
      return { instant: [], range: ms.map((s) => ({ name: legendOf(q.legendFormat, s.metric), s })) };
    }),
  );
  const range = parts.flatMap((p) => p.range);
  const columns = alignSeries(range.map((r) => r.s));
  const reduced = range.map((r, i) => ({ name: r.name, metric: r.s.metric, value: reduce(columns[i + 1] ?? [], calc) }));
  return { series: [...parts.flatMap((p) => p.instant), ...reduced], columns, rangeNames: range.map((r) => r.name) };
}

/** Variable options from the Prometheus API over the range `range()` gives at call time (ms). */
export function promVarFetcher(session: ApiSession, range: () => { startMs: number; endMs: number }): VarFetcher {
  const params = (match: string | undefined): string => {
    const { startMs, endMs } = range();
    const p = new URLSearchParams({ start: String(Math.floor(startMs / 1000)), end: String(Math.ceil(endMs / 1000)) });
    if (match !== undefined) p.append('match[]', match);
    return p.toString();
  };
  return {
    labelNames: (match) => apiData<string[]>(session, `/api/v1/labels?${params(match)}`),
    labelValues: (label, match) => apiData<string[]>(session, `/api/v1/label/${encodeURIComponent(label)}/values?${params(match)}`),
    queryResult: async (expr) => (await queryInstant(session, expr, range().endMs)).map((r) => `${formatLabels(r.metric)} ${r.value[1]} ${Math.round(r.value[0] * 1000)}`),
  };
}
