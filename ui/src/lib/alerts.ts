// The Alerts page's logic: the rule evaluator's alerts (GET /api/v1/alerts, Prometheus' shape)
// joined with Alertmanager's view of them (GET /api/v2/alerts: silenced, inhibited), grouped
// by alertname; the page's tabs in the URL.
//
// Why group by alertname and not by Alertmanager's groups (GET /api/v2/alerts/groups): pending
// alerts never reach Alertmanager, so its groups would leave them out, and its grouping
// follows the routing tree's group_by, which can split one rule's alerts across receivers or
// merge unrelated ones. One group per rule, as Prometheus' own alerts page shows them, keeps
// firing and pending alerts together; Alertmanager's status is joined per alert.
import type { Labels } from './prom';

/** One alert as GET /api/v1/alerts sends it. `activeAt` RFC 3339. */
export interface RuleAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly state: string;
  readonly activeAt: string | null;
  readonly value: string | null;
}

/** One alert as GET /api/v2/alerts sends it (Alertmanager's gettableAlert, the fields used here). */
export interface AmAlert {
  readonly fingerprint: string;
  readonly labels: Labels;
  readonly status: { readonly state: string; readonly silencedBy: readonly string[]; readonly inhibitedBy: readonly string[]; readonly mutedBy?: readonly string[] };
  readonly receivers: readonly { readonly name: string }[];
}

/** A rule alert with what Alertmanager says of it (undefined fields: Alertmanager does not know it, e.g. pending). */
export interface ShownAlert extends RuleAlert {
  readonly fingerprint: string | undefined;
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
  readonly receivers: readonly string[];
}

export interface AlertGroup {
  readonly alertname: string;
  readonly alerts: readonly ShownAlert[];
  readonly firing: number;
  readonly pending: number;
  /** The highest severity label among the group's alerts ('' when none). */
  readonly severity: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The alerts of a GET /api/v1/alerts `data` ({alerts: [...]}); malformed entries are skipped. */
export function parseRuleAlerts(data: unknown): RuleAlert[] {
  const list = isObj(data) && Array.isArray(data['alerts']) ? (data['alerts'] as unknown[]) : [];
  return list.filter(isObj).map((a) => ({
    labels: labelsOf(a['labels']),
    annotations: labelsOf(a['annotations']),
    state: typeof a['state'] === 'string' ? a['state'] : 'unknown',
    activeAt: typeof a['activeAt'] === 'string' && !a['activeAt'].startsWith('0001-') ? a['activeAt'] : null,
    value: typeof a['value'] === 'string' ? a['value'] : null,
  }));
}

/** A GET /api/v2/alerts answer; malformed entries are skipped. */
export function parseAmAlerts(data: unknown): AmAlert[] {
  if (!Array.isArray(data)) return [];
  return data.filter(isObj).map((a) => {
    const s = isObj(a['status']) ? a['status'] : {};
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return {
      fingerprint: typeof a['fingerprint'] === 'string' ? a['fingerprint'] : '',
      labels: labelsOf(a['labels']),
      status: { state: typeof s['state'] === 'string' ? s['state'] : 'unknown', silencedBy: strings(s['silencedBy']), inhibitedBy: strings(s['inhibitedBy']), mutedBy: strings(s['mutedBy']) },
      receivers: Array.isArray(a['receivers']) ? a['receivers'].filter(isObj).map((r) => ({ name: typeof r['name'] === 'string' ? r['name'] : '' })) : [],
    };
  });
}

/** A stable key for a label set (sorted pairs). */
export function labelsKey(l: Labels): string {
  return JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Joins each rule alert with Alertmanager's alert of the same labels. Alertmanager may hold
 * more labels (external labels added on the way): then an alert whose labels include all of
 * the rule alert's is taken.
 */
export function joinAlerts(rule: readonly RuleAlert[], am: readonly AmAlert[]): ShownAlert[] {
  const exact = new Map(am.map((a) => [labelsKey(a.labels), a]));
  return rule.map((r) => {
    const m = exact.get(labelsKey(r.labels)) ?? am.find((a) => Object.entries(r.labels).every(([k, v]) => a.labels[k] === v));
    return {
      ...r,
      fingerprint: m?.fingerprint,
      silencedBy: m?.status.silencedBy ?? [],
      inhibitedBy: m?.status.inhibitedBy ?? [],
      receivers: m?.receivers.map((x) => x.name) ?? [],
    };
  });
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, page: 0, error: 1, warning: 2, warn: 2, info: 3 };
const sevRank = (s: string): number => SEVERITY_RANK[s] ?? (s === '' ? 5 : 4);

/**
 * Groups by alertname: groups with firing alerts first, then by severity and name; inside a
 * group firing before pending, then the oldest first.
 */
export function groupAlerts(alerts: readonly ShownAlert[]): AlertGroup[] {
  const by = new Map<string, ShownAlert[]>();
  for (const a of alerts) {
    const name = a.labels['alertname'] ?? '';
    const list = by.get(name) ?? [];
    list.push(a);
    by.set(name, list);
  }
  const groups = [...by.entries()].map(([alertname, list]): AlertGroup => {
    const sorted = [...list].sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing') || (a.activeAt ?? '').localeCompare(b.activeAt ?? '') || labelsKey(a.labels).localeCompare(labelsKey(b.labels)));
    const severity = list.map((a) => a.labels['severity'] ?? '').sort((a, b) => sevRank(a) - sevRank(b))[0] ?? '';
    return { alertname, alerts: sorted, firing: list.filter((a) => a.state === 'firing').length, pending: list.filter((a) => a.state === 'pending').length, severity };
  });
  return groups.sort((a, b) => Number(b.firing > 0) - Number(a.firing > 0) || sevRank(a.severity) - sevRank(b.severity) || a.alertname.localeCompare(b.alertname));
}

/** The alert's labels without alertname (shown as the group's title). */
export function otherLabels(l: Labels): [string, string][] {
  return Object.entries(l)
    .filter(([k]) => k !== 'alertname')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export const ALERT_TABS = ['alerts', 'silences', 'history', 'notifications'] as const;
export type AlertTab = (typeof ALERT_TABS)[number];

/** `?tab=`: one of ALERT_TABS, else 'alerts'. */
export function tabFromParams(p: URLSearchParams): AlertTab {
  const t = p.get('tab');
  return (ALERT_TABS as readonly string[]).includes(t ?? '') ? (t as AlertTab) : 'alerts';
}

/** "3m 20s" since `iso` at `nowMs`; '—' without a valid time. */
export function sinceSeconds(iso: string | null, nowMs: number): number | undefined {
  if (iso === null) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, (nowMs - t) / 1000) : undefined;
}

/** One notification attempt as GET /api/v1/notifications sends it. */
export interface NotificationAttempt {
  readonly id: number;
  readonly time: string;
  readonly receiver: string;
  readonly integration: string;
  readonly status: string;
  readonly outcome: string;
  readonly attempt: number;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly durationSeconds: number;
  readonly alerts: number;
}

/** The well-formed attempts of a /api/v1/notifications answer. */
export function parseAttempts(data: unknown): NotificationAttempt[] {
  if (!Array.isArray(data)) return [];
  return data.filter((a): a is NotificationAttempt => isObj(a) && typeof a['time'] === 'string' && typeof a['receiver'] === 'string' && typeof a['integration'] === 'string' && typeof a['status'] === 'string');
}
