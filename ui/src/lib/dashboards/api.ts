// The dashboards HTTP API (server contract of issue 7): list, get, save, delete, import, export.
import { type ApiSession, HttpError, apiFetch, apiPost } from '../api';
import { downloadBlob, fileSlug } from '../download';
import type { Dashboard } from './model';

export interface DashboardSummary {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly version: number;
  /** RFC 3339 */
  readonly updatedAt: string;
  readonly updatedBy: string;
}
export interface DashboardRecord extends DashboardSummary {
  readonly dashboard: unknown;
}
export interface SaveAnswer {
  readonly uid: string;
  readonly version: number;
  readonly url: string;
}
export interface ImportAnswer extends SaveAnswer {
  readonly title: string;
  readonly warnings: readonly string[];
}
interface Envelope<T> {
  readonly data: T;
}

const BASE = '/api/v1/dashboards';
const one = (uid: string): string => `${BASE}/${encodeURIComponent(uid)}`;

export async function listDashboards(s: ApiSession, signal?: AbortSignal): Promise<DashboardSummary[]> {
  return (await apiFetch<Envelope<DashboardSummary[]>>(s, BASE, {}, signal)).data;
}
export async function getDashboard(s: ApiSession, uid: string, signal?: AbortSignal): Promise<DashboardRecord> {
  return (await apiFetch<Envelope<DashboardRecord>>(s, one(uid), {}, signal)).data;
}
/** Saves; throws HttpError 412 when someone saved another version meanwhile (unless `overwrite`), 409 on a title clash. */
export async function saveDashboard(s: ApiSession, dashboard: Dashboard, overwrite = false, message?: string): Promise<SaveAnswer> {
  return (await apiPost<Envelope<SaveAnswer>>(s, BASE, { dashboard, overwrite, ...(message === undefined ? {} : { message }) })).data;
}
export async function deleteDashboard(s: ApiSession, uid: string): Promise<void> {
  await apiFetch<unknown>(s, one(uid), { method: 'DELETE' });
}
export async function importDashboard(s: ApiSession, grafanaJson: unknown): Promise<ImportAnswer> {
  return (await apiPost<Envelope<ImportAnswer>>(s, `${BASE}/import`, grafanaJson)).data;
}
/** The URL of the export (the Grafana JSON file, as an attachment). */
export function exportUrl(uid: string): string {
  return `${one(uid)}/export`;
}
/** Fetches the export (through the session, so a token or a cookie both work) and saves it as `<title>.json`. */
export async function downloadExport(s: ApiSession, uid: string, title: string): Promise<void> {
  const body = await apiFetch<unknown>(s, exportUrl(uid));
  downloadBlob(new Blob([`${JSON.stringify(body, null, 2)}\n`], { type: 'application/json' }), `${fileSlug(title)}.json`);
}
export function isVersionMismatch(e: unknown): boolean {
  return e instanceof HttpError && e.status === 412;
}

/** Parses pasted or uploaded dashboard JSON; an Error says where it is broken. */
export function parseDashboardJson(text: string): unknown {
  if (text.trim() === '') return new Error('empty: paste a dashboard JSON or pick a .json file');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return new Error(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return new Error('not a dashboard: expected a JSON object with "panels" or "rows"');
  const o = v as Record<string, unknown>;
  // A file saved from Grafana's API wraps the model: {dashboard: {...}, meta: {...}}.
  const d = typeof o['dashboard'] === 'object' && o['dashboard'] !== null && !Array.isArray(o['dashboard']) ? (o['dashboard'] as Record<string, unknown>) : o;
  if (!Array.isArray(d['panels']) && !Array.isArray(d['rows'])) return new Error('not a dashboard: expected a JSON object with "panels" or "rows"');
  return d;
}
