import type { Notification } from '../types.js';
import { NotifyError } from './errors.js';
import { formatGoTime, goJson, quoteMeta } from './gotime.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';

/** What the webhook integration reads from a `webhook_configs` entry (durations in ms). */
export interface WebhookIntegrationConfig {
  readonly send_resolved?: boolean | undefined;
  readonly url?: string | undefined;
  /** Read (and trimmed) at each send. */
  readonly url_file?: string | undefined;
  /** 0 = all alerts. */
  readonly max_alerts?: number | undefined;
  /** ms; 0 = no timeout of its own (delivery's attempt timeout still applies). */
  readonly timeout?: number | undefined;
  readonly http_config?: HttpClientConfig | undefined;
}

/** Alertmanager's webhook payload, version 4, key order as Alertmanager writes it. */
export interface WebhookPayload {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved';
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly startsAt: string;
    readonly endsAt: string;
    readonly generatorURL: string;
    readonly fingerprint: string;
  }[];
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
}

const sortedObject = (o: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Builds the version-4 payload. `maxAlerts` > 0 keeps the first N alerts and adds the rest to
 * `truncatedAlerts`. Like Alertmanager, the receiver name is regex-quoted (`ops.team` →
 * `ops\.team`), firing alerts carry the zero `endsAt`, and map keys are sorted.
 * `notification_reason` and `routeLabels` (Alertmanager ≥ 0.32/0.34) are not sent.
 */
export function webhookPayload(n: Notification, maxAlerts = 0): WebhookPayload {
  const kept = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return {
    receiver: quoteMeta(n.receiver),
    status: n.status,
    alerts: kept.map((a) => ({
      status: a.status,
      labels: sortedObject(a.labels),
      annotations: sortedObject(a.annotations),
      startsAt: formatGoTime(a.startsAt),
      endsAt: a.status === 'firing' ? formatGoTime(0) : formatGoTime(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: sortedObject(n.groupLabels),
    commonLabels: sortedObject(n.commonLabels),
    commonAnnotations: sortedObject(n.commonAnnotations),
    externalURL: n.externalURL,
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.truncatedAlerts + (n.alerts.length - kept.length),
  };
}

/** Combines the delivery's signal with an integration's own timeout (ms; 0 = none). */
export function withTimeout(signal: AbortSignal, timeoutMs: number | undefined): AbortSignal {
  return timeoutMs !== undefined && timeoutMs > 0 ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : signal;
}

/** POSTs the version-4 payload (one JSON object and a newline, Go's escaping) to `url`. */
export class WebhookIntegration implements Integration {
  readonly kind = 'webhook';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: WebhookIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const url = readSecret(this.cfg.url, this.cfg.url_file, 'webhook url');
    if (url === undefined || url === '') throw new NotifyError('webhook: no url configured', false, 'other');
    const body = `${goJson(webhookPayload(n, this.cfg.max_alerts ?? 0))}\n`;
    await postJson(url, body, { http: this.cfg.http_config, userAgent: this.deps.userAgent }, withTimeout(signal, this.cfg.timeout));
  }
}
