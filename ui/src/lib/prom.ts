// Prometheus HTTP API shapes and calls (what Vigie serves under /api/v1).
import { type ApiSession, apiFetch } from './api';

export type Labels = Record<string, string>;
/** [unix seconds, value as a string] as Prometheus sends it. */
export type PromSample = [number, string];
export interface MatrixSeries {
  readonly metric: Labels;
  readonly values: PromSample[];
}
export interface VectorSample {
  readonly metric: Labels;
  readonly value: PromSample;
}
export type QueryData =
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'scalar'; result: PromSample }
  | { resultType: 'string'; result: PromSample };

interface Envelope<T> {
  status: 'success' | 'error';
  data: T;
  warnings?: string[];
}

/** Range query; `startMs`/`endMs` inclusive, `stepMs` > 0. */
export async function queryRange(session: ApiSession, expr: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<MatrixSeries[]> {
  const p = new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
  const r = await apiFetch<Envelope<QueryData>>(session, `/api/v1/query_range?${p.toString()}`, {}, signal);
  return r.data.resultType === 'matrix' ? r.data.result : [];
}

/** Instant query at `timeMs` (now when undefined). Scalars come back as one unlabeled sample. */
export async function queryInstant(session: ApiSession, expr: string, timeMs?: number, signal?: AbortSignal): Promise<VectorSample[]> {
  const p = new URLSearchParams({ query: expr });
  if (timeMs !== undefined) p.set('time', String(timeMs / 1000));
  const r = await apiFetch<Envelope<QueryData>>(session, `/api/v1/query?${p.toString()}`, {}, signal);
  const d = r.data;
  switch (d.resultType) {
    case 'vector':
      return d.result;
    case 'scalar':
    case 'string':
      return [{ metric: {}, value: d.result }];
    case 'matrix':
      return d.result.map((s) => ({ metric: s.metric, value: s.values[s.values.length - 1] ?? [0, 'NaN'] }));
  }
}

/** GET any /api/v1 endpoint that answers Prometheus' envelope; returns `data`. */
export async function apiData<T>(session: ApiSession, path: string, signal?: AbortSignal): Promise<T> {
  const r = await apiFetch<Envelope<T>>(session, path, {}, signal);
  return r.data;
}

/** `name{a="b", ...}` as Prometheus prints a series. */
export function formatLabels(metric: Labels): string {
  const name = metric['__name__'] ?? '';
  const rest = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return rest.length === 0 ? name || '{}' : `${name}{${rest.join(', ')}}`;
}
