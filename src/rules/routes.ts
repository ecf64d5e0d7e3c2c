import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Matcher, labelsFromRecord, matchesAll } from '../model/index.js';
import { parseMetricSelector } from '../promql/index.js';
import { ApiError, type RoutePlugin } from '../server/index.js';
import { type ActiveAlert, AlertingRuleState } from './alerting-rule.js';
import type { RuleGroupRunner } from './group.js';
import type { AlertHistory, HistoryEntry } from './history.js';

/** What the rule routes read. */
export interface RuleRoutesDeps {
  /** The running groups (RuleManager.groups). */
  readonly groups: () => readonly RuleGroupRunner[];
  /** Absent: /api/v1/alerts/history answers an `unavailable` error. */
  readonly history?: AlertHistory | undefined;
}

/**
 * `GET /api/v1/rules`, `GET /api/v1/alerts` in Prometheus' shapes (web/api/v1/api.go), and
 * Vigie's `GET /api/v1/alerts/history` (the alert transitions, newest first).
 */
export function ruleRoutes(deps: RuleRoutesDeps): RoutePlugin {
  return (app: FastifyInstance) => {
    app.get('/api/v1/rules', (req) => Promise.resolve({ status: 'success', data: rulesData(deps.groups(), params(req)) }));
    app.get('/api/v1/alerts', () => {
      const alerts = deps.groups().flatMap((g) => g.rules.flatMap((r) => (r instanceof AlertingRuleState ? r.activeAlerts().map(alertJson) : [])));
      return Promise.resolve({ status: 'success', data: { alerts } });
    });
    app.get('/api/v1/alerts/history', (req) => {
      if (deps.history === undefined) throw new ApiError('unavailable', 'alert history is not enabled');
      const p = params(req);
      const state = one(p, 'state');
      if (state !== undefined && state !== 'pending' && state !== 'firing' && state !== 'resolved') throw new ApiError('bad_data', `invalid parameter "state": ${JSON.stringify(state)} is not one of pending, firing, resolved`);
      const limitText = one(p, 'limit');
      const limit = limitText === undefined ? undefined : Number(limitText);
      if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new ApiError('bad_data', `invalid parameter "limit": ${JSON.stringify(limitText)} is not a positive integer`);
      const entries = deps.history.query({ alertname: one(p, 'alertname'), state, since: time(p, 'since'), until: time(p, 'until'), match: matcherSets(p), limit });
      return Promise.resolve({ status: 'success', data: entries.map(historyJson) });
    });
  };
}

type Params = Map<string, string[]>;

function params(req: FastifyRequest): Params {
  const out: Params = new Map();
  const q = req.query;
  if (q !== null && typeof q === 'object') {
    for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
      out.set(k, (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string'));
    }
  }
  return out;
}

function one(p: Params, name: string): string | undefined {
  const v = p.get(name)?.[0];
  return v === '' ? undefined : v;
}

function time(p: Params, name: string): number | undefined {
  const s = one(p, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (Number.isFinite(n)) return Math.round(n * 1000);
  const d = Date.parse(s);
  if (Number.isFinite(d) && /^\d{4}-\d\d-\d\dT/.test(s)) return d;
  throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${s}" to a valid timestamp`);
}

function matcherSets(p: Params): Matcher[][] {
  return (p.get('match[]') ?? []).map((s) => {
    try {
      return parseMetricSelector(s);
    } catch (e) {
      throw new ApiError('bad_data', `invalid parameter "match[]": ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

function rulesData(groups: readonly RuleGroupRunner[], p: Params): { groups: unknown[] } {
  const type = (one(p, 'type') ?? '').toLowerCase();
  if (type !== '' && type !== 'alert' && type !== 'record') throw new ApiError('bad_data', `invalid parameter "type": not supported value ${JSON.stringify(type)}`);
  const exclude = (one(p, 'exclude_alerts') ?? '').toLowerCase();
  if (exclude !== '' && !['true', 'false', '1', '0', 't', 'f'].includes(exclude)) throw new ApiError('bad_data', `invalid parameter "exclude_alerts": error converting exclude_alerts: parsing ${JSON.stringify(exclude)}: invalid syntax`);
  const excludeAlerts = exclude === 'true' || exclude === '1' || exclude === 't';
  const set = (name: string): Set<string> => new Set(p.get(name) ?? []);
  const names = set('rule_name[]');
  const groupNames = set('rule_group[]');
  const files = set('file[]');
  const match = matcherSets(p);
  const out: unknown[] = [];
  for (const g of groups) {
    if (groupNames.size > 0 && !groupNames.has(g.name)) continue;
    if (files.size > 0 && !files.has(g.file)) continue;
    const rules: unknown[] = [];
    for (const r of g.rules) {
      if (names.size > 0 && !names.has(r.name)) continue;
      // match[] selects on the labels in the rule's definition, not the expanded ones.
      if (match.length > 0 && !match.some((ms) => matchesAll(ms, labelsFromRecord(r.rule.labels)))) continue;
      const common = {
        health: r.health,
        ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
        evaluationTime: r.evaluationMs / 1000,
        lastEvaluation: goTime(r.lastEvaluation),
      };
      if (r instanceof AlertingRuleState) {
        if (type === 'record') continue;
        rules.push({
          state: r.lastEvaluation === 0 ? 'unknown' : r.state(),
          name: r.name,
          query: r.rule.expr,
          duration: r.rule.forMs / 1000,
          keepFiringFor: r.rule.keepFiringForMs / 1000,
          labels: r.rule.labels,
          annotations: r.rule.annotations,
          alerts: excludeAlerts ? null : r.activeAlerts().map(alertJson),
          ...common,
          type: 'alerting',
        });
      } else {
        if (type === 'alert') continue;
        rules.push({ name: r.name, query: r.rule.expr, labels: r.rule.labels, ...common, type: 'recording' });
      }
    }
    if (rules.length === 0) continue;
    out.push({ name: g.name, file: g.file, rules, interval: g.intervalMs / 1000, limit: g.group.limit, evaluationTime: g.evaluationMs / 1000, lastEvaluation: goTime(g.lastEvaluation) });
  }
  return { groups: out };
}

function alertJson(a: ActiveAlert): Record<string, unknown> {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: goTime(a.activeAt),
    ...(a.keepFiringSince !== 0 ? { keepFiringSince: goTime(a.keepFiringSince) } : {}),
    value: formatGoExp(a.value),
  };
}

function historyJson(e: HistoryEntry): Record<string, unknown> {
  return { time: new Date(e.t).toISOString(), alertname: e.alertname, state: e.state, from: e.from, labels: e.labels, annotations: e.annotations, value: e.value === null ? 'NaN' : formatGoExp(e.value) };
}

/** A time as Go's encoding/json writes time.Time (RFC 3339, UTC); 0 = Go's zero time. */
function goTime(ms: number): string {
  return ms === 0 ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString();
}

/** strconv.FormatFloat(v, 'e', -1, 64): shortest digits, exponent with at least two digits. */
export function formatGoExp(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = v.toExponential();
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m === null) return s;
  return `${m[1]}e${m[2]}${m[3]!.padStart(2, '0')}`;
}
