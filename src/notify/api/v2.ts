import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/index.js';
import type { Matcher } from '../../model/index.js';
import type { RoutePlugin } from '../../server/index.js';
import type { AlertRouter, AlertStatusView } from '../dispatch/index.js';
import { parseMatchers } from '../matchers/index.js';
import { type Silence, SilenceError, type SilenceMatcher, type Silences, silenceState } from '../silences/index.js';
import type { Alert } from '../types.js';

export interface AlertmanagerApiDeps {
  readonly router: AlertRouter;
  readonly silences: Silences;
  readonly clock: Clock;
  /** ms when this Vigie started (status.uptime). */
  readonly startedAt: number;
  readonly version: string;
  /** The `alerting:` section as YAML text, secrets redacted (status.config.original). */
  readonly configText: () => string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function parseTime(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequest(`${field} must be a date-time string`);
  if (v.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new BadRequest(`${field}: invalid date-time ${JSON.stringify(v)}`);
  return t;
}

class BadRequest extends Error {}

function filters(q: unknown): Matcher[] {
  const raw = (q as { filter?: string | string[] } | undefined)?.filter;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  try {
    return list.flatMap((f) => parseMatchers(f));
  } catch (err) {
    throw new BadRequest(err instanceof Error ? err.message : String(err));
  }
}

function boolParam(q: unknown, name: string, dflt: boolean): boolean {
  const v = (q as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return dflt;
  return v === 'true' || v === true;
}

function gettableAlert(v: AlertStatusView) {
  const a = v.alert;
  return {
    annotations: a.annotations,
    endsAt: iso(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: v.receivers.map((name) => ({ name })),
    startsAt: iso(a.startsAt),
    status: { inhibitedBy: v.inhibitedBy, mutedBy: v.mutedBy, silencedBy: v.silencedBy, state: v.state },
    updatedAt: iso(a.updatedAt),
    ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
    labels: a.labels,
  };
}

function gettableSilence(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: iso(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: iso(s.endsAt),
    matchers: s.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    startsAt: iso(s.startsAt),
  };
}

const STATE_ORDER = { active: 0, pending: 1, expired: 2 } as const;

function labelsOf(v: unknown, field: string, required: boolean): Record<string, string> {
  if (v === undefined && !required) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest(`${field} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new BadRequest(`${field}.${k} must be a string`);
    out[k] = val;
  }
  return out;
}

/** Parses a POST /api/v2/alerts body (postableAlerts) with Alertmanager's validation; times in ms. */
export function parsePostableAlerts(body: unknown, now: number, resolveTimeout: number): Alert[] {
  if (!Array.isArray(body)) throw new BadRequest('body must be a JSON array of alerts');
  return body.map((raw: unknown, i): Alert => {
    if (typeof raw !== 'object' || raw === null) throw new BadRequest(`alert ${i}: must be an object`);
    const r = raw as Record<string, unknown>;
    const labels = labelsOf(r['labels'], `alert ${i}: labels`, true);
    if (Object.keys(labels).length === 0) throw new BadRequest(`alert ${i}: at least one label pair required`);
    for (const k of Object.keys(labels)) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) throw new BadRequest(`alert ${i}: invalid label name ${JSON.stringify(k)}`);
    }
    const annotations = labelsOf(r['annotations'], `alert ${i}: annotations`, false);
    let startsAt = parseTime(r['startsAt'], `alert ${i}: startsAt`);
    const endsAt = parseTime(r['endsAt'], `alert ${i}: endsAt`);
    startsAt ??= endsAt ?? now;
    if (endsAt !== undefined && endsAt < startsAt) throw new BadRequest(`alert ${i}: start time must be before end time`);
    const generatorURL = r['generatorURL'];
    if (generatorURL !== undefined && typeof generatorURL !== 'string') throw new BadRequest(`alert ${i}: generatorURL must be a string`);
    return { labels, annotations, startsAt, endsAt: endsAt ?? (resolveTimeout > 0 ? 0 : now), generatorURL: generatorURL ?? '' };
  });
}

function parseSilenceBody(body: unknown): { id?: string; matchers: SilenceMatcher[]; startsAt: number; endsAt: number; createdBy: string; comment: string } {
  if (typeof body !== 'object' || body === null) throw new BadRequest('body must be a postableSilence object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b['matchers'])) throw new BadRequest('matchers: required list');
  const matchers = (b['matchers'] as unknown[]).map((m, i): SilenceMatcher => {
    const o = m as Record<string, unknown>;
    if (typeof o['name'] !== 'string' || typeof o['value'] !== 'string' || typeof o['isRegex'] !== 'boolean') throw new BadRequest(`matchers[${i}]: name, value (strings) and isRegex (boolean) are required`);
    return { name: o['name'], value: o['value'], isRegex: o['isRegex'], isEqual: typeof o['isEqual'] === 'boolean' ? o['isEqual'] : true };
  });
  const startsAt = parseTime(b['startsAt'], 'startsAt');
  const endsAt = parseTime(b['endsAt'], 'endsAt');
  if (startsAt === undefined || endsAt === undefined) throw new BadRequest('startsAt and endsAt are required');
  if (typeof b['createdBy'] !== 'string' || typeof b['comment'] !== 'string') throw new BadRequest('createdBy and comment are required strings');
  const id = typeof b['id'] === 'string' && b['id'] !== '' ? b['id'] : undefined;
  return { ...(id !== undefined ? { id } : {}), matchers, startsAt, endsAt, createdBy: b['createdBy'], comment: b['comment'] };
}

/**
 * Alertmanager's API v2 (the subset amtool and Grafana use): status, alerts (list, post,
 * groups), silences (list, post, get, delete), receivers. Shapes as Alertmanager's
 * api/v2/openapi.yaml; errors are a JSON string with 400 / 404 / 500 as Alertmanager answers.
 */
export function alertmanagerApiRoutes(deps: AlertmanagerApiDeps): RoutePlugin {
  return (app: FastifyInstance) => {
    const handle =
      (fn: (req: FastifyRequest, reply: FastifyReply) => unknown) =>
      async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
        try {
          return await fn(req, reply);
        } catch (err) {
          if (err instanceof BadRequest) return reply.code(400).type('application/json').send(JSON.stringify(err.message));
          if (err instanceof SilenceError) return reply.code(err.notFound ? 404 : 400).type('application/json').send(JSON.stringify(err.message));
          throw err;
        }
      };

    app.get('/api/v2/status', handle(() => ({
      cluster: { name: 'vigie', peers: [], status: 'disabled' },
      config: { original: deps.configText() },
      uptime: iso(deps.startedAt),
      versionInfo: { branch: 'main', buildDate: '', buildUser: 'vigie', goVersion: `node ${process.version}`, revision: '', version: deps.version },
    })));

    app.get('/api/v2/receivers', handle(() => deps.router.currentConfig().receivers.map((r) => ({ name: r.name }))));

    app.get('/api/v2/alerts', handle((req) => {
      const ms = filters(req.query);
      const active = boolParam(req.query, 'active', true);
      const silenced = boolParam(req.query, 'silenced', true);
      const inhibited = boolParam(req.query, 'inhibited', true);
      const receiverRe = (req.query as { receiver?: string }).receiver;
      let re: RegExp | undefined;
      if (receiverRe !== undefined && receiverRe !== '') {
        try {
          re = new RegExp(`^(?:${receiverRe})$`);
        } catch {
          throw new BadRequest(`invalid receiver regexp ${JSON.stringify(receiverRe)}`);
        }
      }
      return deps.router
        .alerts()
        .filter((v) => !v.resolved)
        .filter((v) => ms.every((m) => m.matches(v.alert.labels[m.name] ?? '')))
        .filter((v) => re === undefined || v.receivers.some((r) => re.test(r)))
        .filter((v) => (v.state === 'active' ? active : (silenced || v.silencedBy.length === 0) && (inhibited || v.inhibitedBy.length === 0)))
        .sort((a, b) => (a.alert.fingerprint < b.alert.fingerprint ? -1 : 1))
        .map(gettableAlert);
    }));

    app.post('/api/v2/alerts', handle((req) => {
      const cfg = deps.router.currentConfig();
      deps.router.put(parsePostableAlerts(req.body, deps.clock.now(), cfg.global.resolve_timeout));
      return '';
    }));

    app.get('/api/v2/alerts/groups', handle((req) => {
      const ms = filters(req.query);
      return deps.router
        .groups()
        .map((g) => ({ alerts: g.alerts.filter((v) => !v.resolved && ms.every((m) => m.matches(v.alert.labels[m.name] ?? ''))).map(gettableAlert), labels: g.labels, receiver: { name: g.receiver } }))
        .filter((g) => g.alerts.length > 0);
    }));

    app.get('/api/v2/silences', handle((req) => {
      const ms = filters(req.query);
      const now = deps.clock.now();
      return deps.silences
        .list()
        .filter((s) => ms.every((m) => s.matchers.some((sm) => sm.name === m.name && m.matches(sm.value))))
        .sort((a, b) => STATE_ORDER[silenceState(a, now)] - STATE_ORDER[silenceState(b, now)] || a.endsAt - b.endsAt)
        .map((s) => gettableSilence(s, now));
    }));

    app.post('/api/v2/silences', handle((req) => ({ silenceID: deps.silences.set(parseSilenceBody(req.body)) })));

    app.get('/api/v2/silence/:id', handle((req, reply) => {
      const s = deps.silences.get((req.params as { id: string }).id);
      if (s === undefined) return reply.code(404).send();
      return gettableSilence(s, deps.clock.now());
    }));

    app.delete('/api/v2/silence/:id', handle((req, reply) => {
      const id = (req.params as { id: string }).id;
      if (deps.silences.get(id) === undefined) return reply.code(404).send();
      try {
        deps.silences.expire(id);
      } catch (err) {
        return reply.code(500).type('application/json').send(JSON.stringify(err instanceof Error ? err.message : String(err)));
      }
      return '';
    }));
  };
}

