import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NotifyFailureReason } from '../receivers/index.js';

/**
 * Delivery's metrics, registered once on the registry passed in (create one Delivery per
 * registry). `integration` is the integration kind (`webhook`, `email`), as in Alertmanager's
 * `alertmanager_notifications_total{integration}`; the attempt log has the full name.
 */
export class DeliveryMetrics {
  private readonly total: Counter<'receiver' | 'integration'>;
  private readonly failed: Counter<'receiver' | 'integration' | 'reason'>;
  private readonly latency: Histogram<'receiver' | 'integration'>;

  constructor(registry: Registry, queueLength: () => number) {
    this.total = new Counter({
      name: 'vigie_notifications_total',
      help: 'Notification attempts, per receiver and integration kind (every try counts, retries included).',
      labelNames: ['receiver', 'integration'],
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'vigie_notifications_failed_total',
      help: 'Failed notification attempts, per receiver, integration kind and reason (clientError, serverError, network, timeout, other).',
      labelNames: ['receiver', 'integration', 'reason'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'vigie_notification_latency_seconds',
      help: 'Duration of notification attempts, successful or not.',
      labelNames: ['receiver', 'integration'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30],
      registers: [registry],
    });
    new Gauge({
      name: 'vigie_notifications_queue_length',
      help: 'Notifications waiting in the delivery queue (being sent or waiting for a retry).',
      registers: [registry],
      collect() {
        this.set(queueLength());
      },
    });
  }

  attempt(receiver: string, kind: string, seconds: number, failure: NotifyFailureReason | undefined): void {
    this.total.inc({ receiver, integration: kind });
    this.latency.observe({ receiver, integration: kind }, seconds);
    if (failure !== undefined) this.failed.inc({ receiver, integration: kind, reason: failure });
  }

  /** A notification refused before any attempt (unknown receiver or integration). */
  refused(receiver: string, kind: string): void {
    this.failed.inc({ receiver, integration: kind, reason: 'other' });
  }
}
