import { createHash } from 'node:crypto';
import type { Notification } from '../types.js';
import { alertsLink, configuredText, defaultText, defaultTitle, firingAlerts, resolvedAlerts, truncate } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';
import { withTimeout } from './webhook.js';

type Opt<T> = T | undefined;

/** What the PagerDuty integration reads from a `pagerduty_configs` entry. */
export interface PagerdutyIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  /** Events API v2 integration key. */
  readonly routing_key?: Opt<string>;
  readonly routing_key_file?: Opt<string>;
  /** Events API v1 (legacy) service key. */
  readonly service_key?: Opt<string>;
  readonly service_key_file?: Opt<string>;
  /** Default https://events.pagerduty.com/v2/enqueue (v2) or …/generic/2010-04-15/create_event.json (v1). */
  readonly url?: Opt<string>;
  readonly client?: Opt<string>;
  readonly client_url?: Opt<string>;
  readonly description?: Opt<string>;
  readonly details?: Opt<Readonly<Record<string, unknown>>>;
  readonly source?: Opt<string>;
  readonly severity?: Opt<string>;
  readonly class?: Opt<string>;
  readonly component?: Opt<string>;
  readonly group?: Opt<string>;
  readonly images?: Opt<readonly { readonly src?: Opt<string>; readonly alt?: Opt<string>; readonly href?: Opt<string> }[]>;
  readonly links?: Opt<readonly { readonly href?: Opt<string>; readonly text?: Opt<string> }[]>;
  readonly timeout?: Opt<number>;
}

const V2_URL = 'https://events.pagerduty.com/v2/enqueue';
const V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** The dedup key: SHA-256 of the group key in hex, like Alertmanager (one incident per group). */
export function pagerdutyDedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

function details(n: Notification, c: PagerdutyIntegrationConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    firing: defaultText({ ...n, alerts: firingAlerts(n) }),
    resolved: defaultText({ ...n, alerts: resolvedAlerts(n) }),
    num_firing: String(firingAlerts(n).length),
    num_resolved: String(resolvedAlerts(n).length),
  };
  for (const [k, v] of Object.entries(c.details ?? {})) {
    const dflt = out[k];
    out[k] = typeof v === 'string' ? configuredText(v, () => (typeof dflt === 'string' ? dflt : '')) : v;
  }
  return out;
}

/** Events API v2 body: trigger with a payload while firing, resolve (no payload) once resolved. */
export function pagerdutyV2Payload(n: Notification, c: PagerdutyIntegrationConfig, routingKey: string): Record<string, unknown> {
  const base = { routing_key: routingKey, dedup_key: pagerdutyDedupKey(n.groupKey) };
  if (n.status === 'resolved') return { ...base, event_action: 'resolve' };
  // Default: the group's common `severity` label when PagerDuty knows it, else `error` (Alertmanager's default).
  const severity = configuredText(c.severity, () => (n.commonLabels['severity'] ?? 'error').toLowerCase());
  return {
    ...base,
    event_action: 'trigger',
    client: configuredText(c.client, () => 'Vigie'),
    client_url: configuredText(c.client_url, () => alertsLink(n)),
    payload: {
      summary: truncate(configuredText(c.description, () => defaultTitle(n)), 1024),
      source: configuredText(c.source, () => configuredText(c.client, () => 'Vigie')),
      severity: SEVERITIES.has(severity) ? severity : 'error',
      custom_details: details(n, c),
      ...(c.component !== undefined ? { component: configuredText(c.component, () => '') } : {}),
      ...(c.group !== undefined ? { group: configuredText(c.group, () => '') } : {}),
      ...(c.class !== undefined ? { class: configuredText(c.class, () => '') } : {}),
    },
    ...(c.images !== undefined && c.images.length > 0 ? { images: c.images } : {}),
    ...(c.links !== undefined && c.links.length > 0 ? { links: c.links } : {}),
  };
}

/** PagerDuty Events API v2 (`routing_key`), or v1 (`service_key`). */
export class PagerdutyIntegration implements Integration {
  readonly kind = 'pagerduty';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: PagerdutyIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('pagerduty', this.cfg, ['client', 'client_url', 'description', 'details', 'source', 'severity', 'class', 'component', 'group'], n);
    const routingKey = readSecret(c.routing_key, c.routing_key_file, 'pagerduty routing_key');
    const opts = { http: c.http_config, userAgent: this.deps.userAgent };
    const sig = withTimeout(signal, c.timeout);
    if (routingKey !== undefined && routingKey !== '') {
      await postJson(c.url ?? V2_URL, JSON.stringify(pagerdutyV2Payload(n, c, routingKey)), opts, sig);
      return;
    }
    const serviceKey = readSecret(c.service_key, c.service_key_file, 'pagerduty service_key');
    if (serviceKey === undefined || serviceKey === '') throw new NotifyError('pagerduty: no routing_key or service_key configured', false, 'other');
    const v1 = {
      service_key: serviceKey,
      event_type: n.status === 'firing' ? 'trigger' : 'resolve',
      incident_key: pagerdutyDedupKey(n.groupKey),
      description: truncate(configuredText(c.description, () => defaultTitle(n)), 1024),
      ...(n.status === 'firing' ? { client: configuredText(c.client, () => 'Vigie'), client_url: configuredText(c.client_url, () => alertsLink(n)) } : {}),
      details: details(n, c),
    };
    await postJson(c.url !== undefined && c.url !== V2_URL ? c.url : V1_URL, JSON.stringify(v1), opts, sig);
  }
}
