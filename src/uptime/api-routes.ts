import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../common/index.js';
import { ApiError, type RoutePlugin } from '../server/index.js';
import type { Incident, IncidentStore } from './incidents.js';
import type { ProbeTargetState } from './scheduler.js';
import type { Uptime, UptimeCalculator } from './uptime.js';

export interface ProbeApiDeps {
  readonly clock: Clock;
  readonly targets: () => readonly ProbeTargetState[];
  /** Absent: the incidents endpoint answers 503 and targets show no history. */
  readonly incidents?: IncidentStore | undefined;
  /** Absent: uptime figures are null. */
  readonly uptime?: UptimeCalculator | undefined;
  /** ms an uptime computation may take before the API answers without it (default 10 s). */
  readonly uptimeTimeoutMs?: number;
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** An incident as the API shows it: times in RFC 3339, duration in seconds (up to now while open). */
function incidentJson(i: Incident, now: number): Record<string, unknown> {
  return {
    id: i.id,
    job: i.job,
    instance: i.instance,
    module: i.module,
    status: i.status,
    reason: i.reason,
    start: iso(i.startMs),
    end: iso(i.endMs),
    open: i.endMs === undefined,
    durationSeconds: ((i.endMs ?? now) - i.startMs) / 1000,
  };
}

/** A time parameter: RFC 3339 or Unix seconds (as Prometheus' API takes them); ms. */
function timeParam(q: URLSearchParams, name: string): number | undefined {
  const s = q.get(name);
  if (s === null || s === '') return undefined;
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s);
  if (!Number.isFinite(n)) throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  return Math.round(n);
}

const MAX_LIMIT = 10_000;

function limitParam(q: URLSearchParams): number {
  const s = q.get('limit');
  if (s === null || s === '') return 100;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new ApiError('bad_data', `invalid parameter "limit": ${JSON.stringify(s)} is not an integer between 1 and ${MAX_LIMIT}`);
  return n;
}

/**
 * `GET /api/v1/probes`: every probe target with its status (`up`, `slow`, `down`, or `unknown`
 * before its first probe), its last probe and uptime ratios (0..1) over 24 h, 7 d and 30 d;
 * `GET /api/v1/probes/incidents?job=&instance=&since=&until=&limit=` (newest first, limit
 * default 100). Both in Prometheus' `{status: "success", data}` envelope.
 */
export function probeApiRoutes(deps: ProbeApiDeps): RoutePlugin {
  return (app: FastifyInstance) => {
    app.get('/api/v1/probes', async () => {
      const now = deps.clock.now();
      const targets = deps.targets();
      const uptime = new Map<string, Map<string, Uptime>>();
      if (deps.uptime !== undefined) {
        const signal = AbortSignal.timeout(deps.uptimeTimeoutMs ?? 10_000);
        const jobs = [...new Set(targets.map((t) => t.job))];
        const per = await Promise.all(jobs.map((j) => deps.uptime!.forJob(j, signal)));
        jobs.forEach((j, i) => uptime.set(j, per[i]!));
      }
      const data = targets.map((t) => {
        const h = t.health;
        const last = h.last;
        const reason = h.status === 'down' ? (last?.failureReason ?? null) : h.status === 'slow' ? (h.incident?.reason ?? null) : null;
        return {
          job: t.job,
          instance: t.instance,
          module: t.module,
          intervalSeconds: t.intervalMs / 1000,
          status: h.status,
          reason,
          lastProbe:
            last === undefined
              ? null
              : {
                  time: iso(last.timeMs),
                  durationSeconds: last.durationSeconds,
                  success: last.success,
                  failureReason: last.failureReason ?? null,
                  httpStatusCode: last.httpStatusCode ?? null,
                  certExpiry: iso(last.certExpiryMs),
                  phases: last.phases,
                },
          incident: h.incident === undefined ? null : incidentJson(h.incident, now),
          uptime: uptime.get(t.job)?.get(t.instance) ?? { '24h': null, '7d': null, '30d': null },
        };
      });
      return { status: 'success', data };
    });

    app.get('/api/v1/probes/incidents', (req: FastifyRequest) => {
      const q = new URL(req.url, 'http://localhost').searchParams;
      const since = timeParam(q, 'since');
      const until = timeParam(q, 'until');
      const limit = limitParam(q);
      if (since !== undefined && until !== undefined && until < since) throw new ApiError('bad_data', 'invalid parameter "until": must not be before "since"');
      if (deps.incidents === undefined) throw new ApiError('unavailable', 'the incident history is not available (no state database)');
      const now = deps.clock.now();
      const list = deps.incidents.list({ job: q.get('job') || undefined, instance: q.get('instance') || undefined, since, until, limit });
      return Promise.resolve({ status: 'success', data: list.map((i) => incidentJson(i, now)) });
    });
  };
}
