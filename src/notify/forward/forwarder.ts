import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../common/index.js';
import { type HttpClientConfig, type NotifyError, asNotifyError, expectSuccess, httpSend } from '../receivers/index.js';
import type { Alert } from '../types.js';

/**
 * One entry of `alerting.alertmanagers` as the forwarder consumes it (the shape the alerting
 * config's `AlertmanagerTargetConfig` has): Prometheus' alertmanager_config with static targets.
 */
export interface ForwardTargetConfig {
  /** `host:port` of each Alertmanager. */
  readonly targets: readonly string[];
  readonly scheme: 'http' | 'https';
  /** Prefix of the API path; '/' for none. */
  readonly path_prefix: string;
  /** ms, per request. */
  readonly timeout: number;
  readonly api_version: 'v2';
  readonly http_config?: HttpClientConfig | undefined;
}

export interface ForwarderOptions {
  readonly targets: readonly ForwardTargetConfig[];
  readonly registry: Registry;
  readonly logger: Logger;
  /** e.g. `Vigie/0.1.0`. */
  readonly userAgent: string;
  /** Alerts waiting at most; beyond it the oldest are dropped. Default 10000 (Prometheus' default). */
  readonly queueCapacity?: number;
  /** Alerts per request at most. Default 256 (Prometheus' default). */
  readonly batchSize?: number;
}

/** Go's zero time with Prometheus' millisecond format, for an unset start or end. */
const ZERO_TIME_MS = '0001-01-01T00:00:00.000Z';

/** An alert as Prometheus POSTs it to /api/v2/alerts: ms-precision times, empty fields left out. */
export function alertToApi(a: Alert): Record<string, unknown> {
  return {
    ...(Object.keys(a.annotations).length > 0 ? { annotations: a.annotations } : {}),
    endsAt: a.endsAt === 0 ? ZERO_TIME_MS : new Date(a.endsAt).toISOString(),
    startsAt: a.startsAt === 0 ? ZERO_TIME_MS : new Date(a.startsAt).toISOString(),
    ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
    labels: a.labels,
  };
}

/** `http://host:port/prefix/api/v2/alerts` for each target of each config. */
export function alertmanagerUrls(cfg: ForwardTargetConfig): string[] {
  const prefix = `/${cfg.path_prefix}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return cfg.targets.map((t) => `${cfg.scheme}://${t}${prefix}/api/v2/alerts`);
}

interface Endpoint {
  readonly url: string;
  readonly cfg: ForwardTargetConfig;
}

/**
 * Forwards alerts to external Alertmanagers the way Prometheus' notifier does: a bounded queue
 * (the oldest alerts dropped on overflow), batches of `batchSize` POSTed to every Alertmanager
 * at once, no retry (the rule evaluator re-sends firing alerts on its resend delay). A batch
 * that no Alertmanager accepted counts as dropped. `close()` stops it; nothing is persisted.
 */
export class Forwarder {
  private queue: Alert[] = [];
  private endpoints: Endpoint[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private running: Promise<void> | undefined;
  private readonly closing = new AbortController();
  private readonly sent: Counter<'alertmanager'>;
  private readonly errors: Counter<'alertmanager'>;
  private readonly dropped: Counter;

  constructor(private readonly opts: ForwarderOptions) {
    this.capacity = Math.max(1, opts.queueCapacity ?? 10_000);
    this.batchSize = Math.max(1, opts.batchSize ?? 256);
    this.setTargets(opts.targets);
    const r = opts.registry;
    this.sent = new Counter({ name: 'vigie_alertmanager_notifications_total', help: 'Alerts sent to each external Alertmanager (accepted or not).', labelNames: ['alertmanager'], registers: [r] });
    this.errors = new Counter({ name: 'vigie_alertmanager_notifications_errors_total', help: 'Alerts whose sending to an external Alertmanager failed.', labelNames: ['alertmanager'], registers: [r] });
    this.dropped = new Counter({ name: 'vigie_alertmanager_notifications_dropped_total', help: 'Alerts dropped: queue overflow, or no Alertmanager accepted them.', registers: [r] });
    const queue = (): number => this.queue.length;
    new Gauge({ name: 'vigie_alertmanager_notifications_queue_length', help: 'Alerts waiting to be forwarded.', registers: [r], collect() { this.set(queue()); } });
    new Gauge({ name: 'vigie_alertmanager_notifications_queue_capacity', help: 'Capacity of the forwarding queue.', registers: [r] }).set(this.capacity);
  }

  /** Replaces the Alertmanagers (after a config reload). */
  setTargets(targets: readonly ForwardTargetConfig[]): void {
    this.endpoints = targets.flatMap((cfg) => alertmanagerUrls(cfg).map((url) => ({ url, cfg })));
  }

  /** Alertmanager API URLs alerts go to now. */
  urls(): string[] {
    return this.endpoints.map((e) => e.url);
  }

  /** Queues alerts for every Alertmanager; returns at once. Nothing happens without targets. */
  send(alerts: readonly Alert[]): void {
    if (this.closing.signal.aborted || this.endpoints.length === 0 || alerts.length === 0) return;
    this.queue.push(...alerts);
    const over = this.queue.length - this.capacity;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped.inc(over);
      this.opts.logger.warn({ dropped: over }, 'alert forwarding queue full; oldest alerts dropped');
    }
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 && !this.closing.signal.aborted) this.send([]);
    });
  }

  /** Resolves once the queue is empty and nothing is in flight (for tests and shutdown). */
  async flushed(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.queue = [];
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closing.signal.aborted) {
      const batch = this.queue.splice(0, this.batchSize);
      const body = JSON.stringify(batch.map(alertToApi));
      const results = await Promise.all(this.endpoints.map((e) => this.post(e, body, batch.length)));
      if (!results.some((ok) => ok)) this.dropped.inc(batch.length);
    }
  }

  private async post(e: Endpoint, body: string, count: number): Promise<boolean> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(e.cfg.timeout > 0 ? e.cfg.timeout : 10_000)]);
    try {
      const res = await httpSend({ url: e.url, body, headers: { 'Content-Type': 'application/json' }, http: e.cfg.http_config, userAgent: this.opts.userAgent }, signal);
      expectSuccess(res, e.url);
      this.sent.inc({ alertmanager: e.url }, count);
      return true;
    } catch (err) {
      const ne: NotifyError = asNotifyError(err, signal);
      this.sent.inc({ alertmanager: e.url }, count);
      this.errors.inc({ alertmanager: e.url }, count);
      this.opts.logger.error({ alertmanager: e.url, count, err: ne.message }, 'error sending alerts to Alertmanager');
      return false;
    }
  }
}
