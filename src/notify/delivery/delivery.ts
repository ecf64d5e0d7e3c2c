import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { type Clock, type Logger, VigieError, systemClock } from '../../common/index.js';
import type { StateDb } from '../../state/index.js';
import { type Integration, type NotifyError, asNotifyError, integrationName } from '../receivers/index.js';
import type { Notification, NotifyFunc } from '../types.js';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { DeliveryMetrics } from './metrics.js';
import { type Attempt, type AttemptFilter, DeliveryStore, type QueueItem } from './store.js';
import { testNotification } from './test-notification.js';

/** Receiver name → its integrations, built from the `alerting.receivers` config. */
export type ReceiverIntegrations = ReadonlyMap<string, readonly Integration[]>;

export interface DeliveryOptions {
  /** The state database; the caller closes it after `Delivery.close()`. */
  readonly db: StateDb;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly receivers: ReceiverIntegrations;
  readonly clock?: Clock;
  /** Sends running at once, all integrations together. Default 4. */
  readonly concurrency?: number;
  /** Default: 1 s initial, ×2, capped at 60 s (each jittered into [½·d, d]). */
  readonly backoff?: BackoffPolicy;
  /**
   * ms. A notification still failing (retryably) this long after it was queued is given up
   * (`expired`). Default 5 min: Alertmanager retries a flush until the group's next flush
   * (group_interval, 5 min by default) and the next flush sends the group's state again.
   */
  readonly maxAgeMs?: number;
  /** ms, for one try of one integration. Default 30 s. */
  readonly attemptTimeoutMs?: number;
  /** ms. Attempts older than this leave the log (checked hourly). Default 30 days. */
  readonly attemptRetentionMs?: number;
  /** Base URL of this Vigie, for test notifications' links. */
  readonly externalURL?: string;
  /** [0, 1); for the jitter. */
  readonly random?: () => number;
}

/** One integration's result of `sendTest`. */
export interface TestResult {
  /** `webhook[0]`. */
  readonly integration: string;
  readonly ok: boolean;
  readonly httpStatus: number | undefined;
  readonly error: string | undefined;
  readonly durationMs: number;
}

/** `sendTest` for a receiver name that is not configured. */
export class UnknownReceiverError extends VigieError {
  override name = 'UnknownReceiverError';
}

const PRUNE_EVERY_MS = 3_600_000;
/** Longest wait of the retry timer, so a clock jump or a suspended machine does not stall the queue. */
const MAX_TIMER_MS = 30_000;

/**
 * Durable delivery of notifications: `notify` queues a notification for each integration of
 * its receiver (in SQLite, so it survives a restart), a worker sends up to `concurrency` at
 * once, retries retryable failures with exponential backoff and jitter until `maxAgeMs`, and
 * records every attempt. Call `start()` once (it also resends what a previous run left
 * queued) and `close()` at shutdown; items in flight then stay queued for the next start.
 */
export class Delivery {
  private readonly store: DeliveryStore;
  private readonly metrics: DeliveryMetrics;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxAgeMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly retentionMs: number;
  private readonly externalURL: string;
  private readonly random: () => number;
  private receivers: ReceiverIntegrations;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly inFlightGroups = new Set<string>();
  private readonly closing = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private lastPrune = -Infinity;

  constructor(opts: DeliveryOptions) {
    this.store = new DeliveryStore(opts.db);
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.receivers = opts.receivers;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.backoff = opts.backoff ?? { initialMs: 1000, maxMs: 60_000, factor: 2 };
    this.maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 30_000;
    this.retentionMs = opts.attemptRetentionMs ?? 30 * 86_400_000;
    this.externalURL = opts.externalURL ?? '';
    this.random = opts.random ?? Math.random;
    this.metrics = new DeliveryMetrics(opts.registry, () => (this.closing.signal.aborted ? 0 : this.store.queueLength()));
  }

  /** The NotifyFunc to give the dispatcher. Never throws. */
  readonly notify: NotifyFunc = (n: Notification): void => {
    try {
      this.enqueue(n);
    } catch (err) {
      this.logger.error({ err, receiver: n.receiver, groupKey: n.groupKey }, 'cannot queue notification');
    }
  };

  /** Starts the worker; what a previous run left queued is sent now. */
  start(): void {
    if (this.started || this.closing.signal.aborted) return;
    this.started = true;
    this.pump();
  }

  /** Replaces the receivers (after a config reload). Queued items of a removed integration are dropped when due. */
  setReceivers(receivers: ReceiverIntegrations): void {
    this.receivers = receivers;
  }

  /** Stops the worker and aborts sends in flight (they stay queued). Does not close the database. */
  async close(): Promise<void> {
    this.closing.abort(new VigieError('delivery closed'));
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  queueLength(): number {
    return this.store.queueLength();
  }

  /** The attempt log, newest first. */
  attempts(filter: AttemptFilter): Attempt[] {
    return this.store.attempts(filter);
  }

  /** Receiver names configured now, sorted. */
  receiverNames(): string[] {
    return [...this.receivers.keys()].sort();
  }

  /**
   * Sends a synthetic firing notification through every integration of `receiver` now,
   * bypassing the queue, and returns each one's result (also written to the attempt log
   * with outcome `test`). Throws UnknownReceiverError for a name that is not configured.
   */
  async sendTest(receiver: string, signal?: AbortSignal): Promise<TestResult[]> {
    const integrations = this.receivers.get(receiver);
    if (integrations === undefined) throw new UnknownReceiverError(`no receiver named ${JSON.stringify(receiver)}`);
    const n = testNotification(receiver, this.clock.now(), this.externalURL);
    return Promise.all(
      integrations.map(async (integ): Promise<TestResult> => {
        const name = integrationName(integ);
        const { err, ms } = await this.tryOnce(integ, n, signal);
        this.store.record({ at: this.clock.now(), receiver, integration: name, groupKey: n.groupKey, status: err === undefined ? 'ok' : 'failed', outcome: 'test', attempt: 1, httpStatus: err?.status, error: err?.message, durationMs: ms, alerts: n.alerts.length });
        return { integration: name, ok: err === undefined, httpStatus: err?.status, error: err?.message, durationMs: ms };
      }),
    );
  }

  private enqueue(n: Notification): void {
    if (this.closing.signal.aborted) throw new VigieError('delivery is closed');
    const integrations = this.receivers.get(n.receiver);
    const now = this.clock.now();
    if (integrations === undefined) {
      this.logger.warn({ receiver: n.receiver, groupKey: n.groupKey }, 'notification for an unknown receiver dropped');
      this.metrics.refused(n.receiver, 'unknown');
      this.store.record({ at: now, receiver: n.receiver, integration: '', groupKey: n.groupKey, status: 'failed', outcome: 'dropped', attempt: 0, httpStatus: undefined, error: 'unknown receiver', durationMs: 0, alerts: n.alerts.length });
      return;
    }
    for (const integ of integrations) {
      const name = integrationName(integ);
      const forIntegration = integ.sendResolved ? n : withoutResolved(n);
      if (forIntegration === undefined) {
        // Only resolved alerts, which this integration does not send; an older firing state still queued is stale.
        this.store.removeGroup(n.receiver, name, n.groupKey);
        continue;
      }
      const { superseded } = this.store.enqueue(forIntegration, name, now);
      if (superseded > 0) this.logger.debug({ receiver: n.receiver, integration: name, groupKey: n.groupKey, superseded }, 'newer notification replaces queued ones');
    }
    if (this.started) this.pump();
  }

  /** Starts due sends up to the concurrency bound, then arms the timer for the next due item. */
  private pump(): void {
    if (!this.started || this.closing.signal.aborted) return;
    const now = this.clock.now();
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      const pruned = this.store.pruneAttempts(now - this.retentionMs);
      if (pruned > 0) this.logger.debug({ pruned }, 'old notification attempts pruned');
    }
    const free = this.concurrency - this.inFlight.size;
    if (free > 0) {
      const busy = new Set(this.inFlight.keys());
      const onBad = (id: number, err: unknown): void => this.logger.error({ id, err }, 'unreadable queued notification deleted');
      for (const item of this.store.due(now, free * 4, busy, onBad)) {
        if (this.inFlight.size >= this.concurrency) break;
        const groupSlot = `${item.receiver}\u0000${item.integration}\u0000${item.groupKey}`;
        if (this.inFlightGroups.has(groupSlot)) continue; // keep one group's notifications in order
        this.inFlightGroups.add(groupSlot);
        const p = this.process(item).finally(() => {
          this.inFlight.delete(item.id);
          this.inFlightGroups.delete(groupSlot);
          this.pump();
        });
        this.inFlight.set(item.id, p);
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size >= this.concurrency) return; // a finishing send pumps again
    const next = this.store.nextDueAt(new Set(this.inFlight.keys()));
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock.now()));
    // Due but not started while sends are in flight: it waits for its group's send (or a free
    // slot); the finishing send pumps again. A 0 ms timer here would spin.
    if (delay === 0 && this.inFlight.size > 0) return;
    this.timer = setTimeout(() => this.pump(), delay);
    this.timer.unref();
  }

  private lookup(receiver: string, name: string): Integration | undefined {
    return this.receivers.get(receiver)?.find((i) => integrationName(i) === name);
  }

  private async tryOnce(integ: Integration, n: Notification, outer: AbortSignal | undefined): Promise<{ err: NotifyError | undefined; ms: number }> {
    const signals = [this.closing.signal, AbortSignal.timeout(this.attemptTimeoutMs)];
    if (outer !== undefined) signals.push(outer);
    const signal = AbortSignal.any(signals);
    const t0 = performance.now();
    let err: NotifyError | undefined;
    try {
      await integ.send(n, signal);
    } catch (e) {
      err = asNotifyError(e, signal);
    }
    const ms = performance.now() - t0;
    this.metrics.attempt(n.receiver, integ.kind, ms / 1000, err?.reason);
    return { err, ms };
  }

  private async process(item: QueueItem): Promise<void> {
    const integ = this.lookup(item.receiver, item.integration);
    const base = { receiver: item.receiver, integration: item.integration, groupKey: item.groupKey, alerts: item.notification.alerts.length };
    if (integ === undefined) {
      this.store.remove(item.id);
      this.metrics.refused(item.receiver, item.integration.replace(/\[\d+\]$/, ''));
      this.store.record({ ...base, at: this.clock.now(), status: 'failed', outcome: 'dropped', attempt: item.attempts, httpStatus: undefined, error: 'integration no longer configured', durationMs: 0 });
      return;
    }
    const attempt = item.attempts + 1;
    const { err, ms } = await this.tryOnce(integ, item.notification, undefined);
    if (err !== undefined && this.closing.signal.aborted) return; // shutdown: stays queued, resent after restart
    const now = this.clock.now();
    const log = { ...base, at: now, attempt, durationMs: ms, httpStatus: err?.status, error: err?.message };
    if (err === undefined) {
      this.store.remove(item.id);
      this.store.record({ ...log, status: 'ok', outcome: 'delivered' });
      return;
    }
    if (!this.store.has(item.id)) {
      this.store.record({ ...log, status: 'failed', outcome: 'superseded' });
      return;
    }
    const logCtx = { receiver: item.receiver, integration: item.integration, groupKey: item.groupKey, attempt, err: err.message };
    if (!err.retryable) {
      this.store.remove(item.id);
      this.store.record({ ...log, status: 'failed', outcome: 'dropped' });
      this.logger.warn(logCtx, 'notification failed and will not be retried');
      return;
    }
    const delay = backoffDelay(attempt, this.backoff, this.random);
    if (now + delay - item.createdAt > this.maxAgeMs) {
      this.store.remove(item.id);
      this.store.record({ ...log, status: 'failed', outcome: 'expired' });
      this.logger.warn(logCtx, 'notification failed; giving up after its maximum age');
      return;
    }
    this.store.record({ ...log, status: 'failed', outcome: 'retrying' });
    this.store.reschedule(item.id, now + delay, attempt, err.message);
    this.logger.info({ ...logCtx, retryInMs: delay }, 'notification failed; will retry');
  }
}

/** `n` with its resolved alerts removed, or undefined when none is firing. */
function withoutResolved(n: Notification): Notification | undefined {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  if (firing.length === 0) return undefined;
  return firing.length === n.alerts.length ? n : { ...n, status: 'firing', alerts: firing };
}
