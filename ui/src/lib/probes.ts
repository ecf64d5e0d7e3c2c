// The Probes page's logic: GET /api/v1/probes and /api/v1/probes/incidents (src/uptime/api-routes.ts),
// certificate grading, filters and the page's URL state.
import type { Health } from './status';

/** The last probe of a target; times are RFC 3339 strings as the API sends them. */
export interface LastProbe {
  readonly time: string | null;
  readonly durationSeconds: number;
  readonly success: boolean;
  readonly failureReason: string | null;
  readonly httpStatusCode: number | null;
  /** probe_ssl_earliest_cert_expiry as RFC 3339; null without TLS. */
  readonly certExpiry: string | null;
  /** Seconds per phase (HTTP: resolve, connect, tls, processing, transfer). */
  readonly phases: Readonly<Record<string, number>>;
}

/** One entry of GET /api/v1/probes. Uptime figures are ratios 0..1, null without data. */
export interface ProbeInfo {
  readonly job: string;
  readonly instance: string;
  readonly module: string;
  readonly intervalSeconds: number | null;
  readonly status: string;
  readonly reason: string | null;
  readonly lastProbe: LastProbe | null;
  readonly uptime: Readonly<Record<'24h' | '7d' | '30d', number | null>>;
}

/** One entry of GET /api/v1/probes/incidents. */
export interface Incident {
  readonly id: number | string;
  readonly job: string;
  readonly instance: string;
  readonly status: string;
  readonly reason: string | null;
  readonly start: string;
  /** null while the incident is open. */
  readonly end: string | null;
  readonly open: boolean;
  readonly durationSeconds: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function parseLast(v: unknown): LastProbe | null {
  if (!isObj(v)) return null;
  const phases: Record<string, number> = {};
  if (isObj(v['phases'])) for (const [k, x] of Object.entries(v['phases'])) if (typeof x === 'number' && Number.isFinite(x)) phases[k] = x;
  return {
    time: str(v['time']),
    durationSeconds: num(v['durationSeconds']) ?? NaN,
    success: v['success'] === true,
    failureReason: str(v['failureReason']),
    httpStatusCode: num(v['httpStatusCode']),
    certExpiry: str(v['certExpiry']),
    phases,
  };
}

/** The well-formed targets of a /api/v1/probes answer; a malformed entry is skipped, missing fields become null. */
export function parseProbeList(data: unknown): ProbeInfo[] {
  if (!Array.isArray(data)) return [];
  const out: ProbeInfo[] = [];
  for (const p of data) {
    if (!isObj(p) || typeof p['job'] !== 'string' || typeof p['instance'] !== 'string' || typeof p['status'] !== 'string') continue;
    const u = isObj(p['uptime']) ? p['uptime'] : {};
    out.push({
      job: p['job'],
      instance: p['instance'],
      module: str(p['module']) ?? '',
      intervalSeconds: num(p['intervalSeconds']),
      status: p['status'],
      reason: str(p['reason']),
      lastProbe: parseLast(p['lastProbe']),
      uptime: { '24h': num(u['24h']), '7d': num(u['7d']), '30d': num(u['30d']) },
    });
  }
  return out;
}

/** The well-formed incidents of a /api/v1/probes/incidents answer. */
export function parseIncidents(data: unknown): Incident[] {
  if (!Array.isArray(data)) return [];
  return data.filter((i): i is Incident => isObj(i) && typeof i['start'] === 'string' && typeof i['instance'] === 'string' && typeof i['durationSeconds'] === 'number');
}

const DAY_MS = 86_400_000;

/** Days left before `certExpiry` (RFC 3339) at `nowMs`, negative once expired; undefined without a valid date. */
export function certDaysLeft(certExpiry: string | null | undefined, nowMs: number): number | undefined {
  if (certExpiry === null || certExpiry === undefined) return undefined;
  const t = Date.parse(certExpiry);
  return Number.isFinite(t) ? (t - nowMs) / DAY_MS : undefined;
}

/** Orange under 14 days, red under 7 days or expired (USERS.md thresholds). */
export function certHealth(daysLeft: number): Health {
  return daysLeft < 7 ? 'crit' : daysLeft < 14 ? 'warn' : 'ok';
}

/** "expired 3 d ago", "5 d", "120 d" (whole days, rounded down while valid). */
export function formatCertDays(daysLeft: number): string {
  if (daysLeft < 0) return `expired ${Math.ceil(-daysLeft)} d ago`;
  return `${Math.floor(daysLeft)} d`;
}

export const PROBE_STATUSES = ['up', 'slow', 'down', 'unknown'] as const;

export interface ProbeFilter {
  /** '' = every job. */
  readonly job: string;
  /** '' = every status. */
  readonly status: string;
}

/** Targets of `filter`, worst status first (down, slow, unknown, up), then by job and instance. */
export function filterProbes(list: readonly ProbeInfo[], filter: ProbeFilter): ProbeInfo[] {
  const rank: Record<string, number> = { down: 0, slow: 1, unknown: 2, up: 3 };
  return list
    .filter((p) => (filter.job === '' || p.job === filter.job) && (filter.status === '' || p.status === filter.status))
    .sort((a, b) => (rank[a.status] ?? 2) - (rank[b.status] ?? 2) || cmp(a.job, b.job) || cmp(a.instance, b.instance));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The page's URL state: filters, and the target whose detail is open (job + instance). */
export interface ProbesUrlState extends ProbeFilter {
  readonly detail: { readonly job: string; readonly instance: string } | undefined;
}

/** Reads `?job=&status=&probe=<job>&target=<instance>`; an unknown status means every status. */
export function probesStateFromParams(p: URLSearchParams): ProbesUrlState {
  const status = p.get('status') ?? '';
  const target = p.get('target');
  const probeJob = p.get('probe');
  return {
    job: p.get('job') ?? '',
    status: (PROBE_STATUSES as readonly string[]).includes(status) ? status : '',
    detail: target !== null && target !== '' && probeJob !== null ? { job: probeJob, instance: target } : undefined,
  };
}

/** Writes the state back (keeps other parameters such as the time range). */
export function probesStateToParams(s: ProbesUrlState, p: URLSearchParams): void {
  const set = (k: string, v: string | undefined): void => (v === undefined || v === '' ? p.delete(k) : p.set(k, v));
  set('job', s.job);
  set('status', s.status);
  set('probe', s.detail?.job);
  set('target', s.detail?.instance);
}

/** A label value inside a PromQL string literal. */
export function promString(v: string): string {
  return JSON.stringify(v);
}

/** Order of the HTTP phases as a request goes through them (the stacking order of the chart). */
export const HTTP_PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

/** The detail chart's queries: HTTP phases stacked; for other modules the total probe duration. */
export function latencyQueries(job: string, instance: string): { phases: string; total: string } {
  const sel = `job=${promString(job)},instance=${promString(instance)}`;
  return { phases: `sum by (phase) (probe_http_duration_seconds{${sel}})`, total: `probe_duration_seconds{${sel}}` };
}

/** Sort key of a phase: the request order, unknown phases after. */
export function phaseRank(phase: string): number {
  const i = (HTTP_PHASES as readonly string[]).indexOf(phase);
  return i < 0 ? HTTP_PHASES.length : i;
}

/** GET /api/v1/probes/incidents for one target, overlapping [startMs, endMs]. */
export function incidentsPath(job: string, instance: string, startMs: number, endMs: number, limit = 200): string {
  const q = new URLSearchParams({ job, instance, since: String(Math.floor(startMs / 1000)), until: String(Math.ceil(endMs / 1000)), limit: String(limit) });
  return `/api/v1/probes/incidents?${q.toString()}`;
}
