import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import type { RemoteWriteConfig } from '../config/index.js';
import { labelsFromPairs, type Labels } from '../model/index.js';
import { relabel } from '../relabel/index.js';
import { RemoteWriteClient } from './client.js';
import { DiskQueue } from './disk-queue.js';
import { type RemoteSample, WriteRequestEncoder, dropOldSamples, encodeLabels } from './encode.js';
import { compress, uncompress } from './snappy.js';

/** A batch being sent: its request, samples left, newest timestamp, oldest kept (-Infinity: not known). */
interface AgedBatch {
  raw: Uint8Array;
  samples: number;
  readonly maxT: number;
  lowest: number;
}

/** Counters of one remote-write destination since this process started (pending: now). */
export interface RemoteWriteStats {
  readonly name: string;
  readonly url: string;
  /** Samples accepted by `enqueue` and written to the on-disk queue. */
  readonly samplesEnqueued: number;
  /** Samples the remote acknowledged (2xx). */
  readonly samplesSent: number;
  /** Samples the remote refused with a non-retryable status (4xx): not sent again. */
  readonly samplesFailed: number;
  /** Samples in requests that were retried (each retry counts them again). */
  readonly samplesRetried: number;
  /** Samples dropped by write_relabel_configs, older than sample_age_limit, or because the queue exceeded max_bytes. */
  readonly samplesDropped: number;
  /** Samples in the on-disk queue not yet acknowledged. */
  readonly samplesPending: number;
  /** Newest timestamp (ms) among acknowledged samples; 0 when none yet. */
  readonly highestSentTimestamp: number;
  /** Newest timestamp (ms) among enqueued samples; 0 when none yet. */
  readonly highestEnqueuedTimestamp: number;
  /** Bytes of the on-disk queue. */
  readonly queueBytes: number;
}

export interface RemoteWriterOptions {
  readonly config: RemoteWriteConfig;
  /** global.external_labels: added to every series that lacks them, before relabelling. */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** The queue directory is `<dataDir>/remote_write/<name or url hash>`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Sent as User-Agent, e.g. "Vigie/0.1.0". */
  readonly userAgent: string;
}

/** Directory name of a destination's queue: its name, else a hash of its URL. */
export function queueName(cfg: RemoteWriteConfig): string {
  return cfg.name ?? createHash('sha256').update(cfg.url).digest('hex').slice(0, 12);
}

/**
 * One remote-write destination: `enqueue` relabels and encodes samples into the durable
 * queue (synchronously: once it returns, the samples survive a restart); a loop sends
 * them in order, one request at a time, batching up to max_samples_per_send and waiting at
 * most batch_send_deadline for a batch to fill. Network errors, 5xx and 429 are retried
 * forever with exponential backoff (min_backoff doubling to max_backoff); other statuses
 * drop the batch (counted as failed). With queue_config.sample_age_limit, samples older than
 * that are dropped when queued and before each send attempt, retries included (Prometheus'
 * semantics). `stop()` ends the loop, leaving unsent samples queued.
 */
export class RemoteWriter {
  readonly name: string;
  private readonly queue: DiskQueue;
  private readonly client: RemoteWriteClient;
  private readonly enc = new WriteRequestEncoder();
  /** Input label set → encoded (external labels + relabel applied), or null when dropped. */
  private labelCache = new WeakMap<Labels, Uint8Array | null>();
  private readonly ext: [string, string][];
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private oldestUnsent = 0;
  private s = { enqueued: 0, sent: 0, failed: 0, retried: 0, dropped: 0, highestSent: 0, highestEnqueued: 0 };

  constructor(private readonly o: RemoteWriterOptions) {
    this.name = queueName(o.config);
    this.ext = Object.entries(o.externalLabels);
    this.queue = new DiskQueue({ dir: join(o.dataDir, 'remote_write', this.name), logger: o.logger, maxBytes: o.config.queue_config.max_bytes });
    this.client = new RemoteWriteClient(o.config, o.userAgent);
    if (this.queue.pending > 0) o.logger.info({ remote: this.name, pending: this.queue.pending }, 'remote write: resuming queued samples');
  }

  /** Starts the send loop. */
  start(): void {
    this.loop ??= this.run().catch((err: unknown) => this.o.logger.error({ err, remote: this.name }, 'remote write loop failed'));
  }

  /**
   * Queues samples (after a successful local commit). Synchronous; throws only if the
   * queue cannot be written (disk full), in which case nothing of this call is queued.
   */
  enqueue(samples: readonly RemoteSample[]): void {
    const enc = this.enc;
    enc.reset();
    let dropped = 0;
    const ageLimit = this.o.config.queue_config.sample_age_limit;
    const minT = ageLimit > 0 ? Date.now() - ageLimit : -Infinity;
    for (const smp of samples) {
      if (smp.t < minT) {
        dropped++;
        continue;
      }
      const lb = this.encoded(smp.labels);
      if (lb === null) {
        dropped++;
        continue;
      }
      enc.series(lb);
      enc.sample(smp.t, smp.v);
    }
    this.s.dropped += dropped;
    if (enc.samples === 0) return;
    this.queue.append(compress(enc.finish()), enc.samples, enc.maxT);
    this.s.enqueued += enc.samples;
    if (enc.maxT > this.s.highestEnqueued) this.s.highestEnqueued = enc.maxT;
    if (this.oldestUnsent === 0) this.oldestUnsent = Date.now();
    if (this.queue.pending >= this.o.config.queue_config.max_samples_per_send) this.wake?.();
  }

  stats(): RemoteWriteStats {
    return {
      name: this.name,
      url: this.o.config.url,
      samplesEnqueued: this.s.enqueued,
      samplesSent: this.s.sent,
      samplesFailed: this.s.failed,
      samplesRetried: this.s.retried,
      samplesDropped: this.s.dropped + this.queue.dropped,
      samplesPending: this.queue.pending,
      highestSentTimestamp: this.s.highestSent,
      highestEnqueuedTimestamp: this.s.highestEnqueued,
      queueBytes: this.queue.bytes,
    };
  }

  /** Stops sending (an in-flight request is aborted and will be sent again) and closes the queue. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    this.client.close();
    this.queue.close();
  }

  private encoded(labels: Labels): Uint8Array | null {
    let e = this.labelCache.get(labels);
    if (e !== undefined) return e;
    let l: Labels | undefined = labels;
    if (this.ext.length > 0) {
      const m = new Map<string, string>(this.ext);
      for (const x of labels) m.set(x.name, x.value);
      l = labelsFromPairs(m);
    }
    const rc = this.o.config.write_relabel_configs;
    if (rc.length > 0) l = relabel(l, rc);
    e = l === undefined || l.length === 0 ? null : encodeLabels(l);
    this.labelCache.set(labels, e);
    return e;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  private async run(): Promise<void> {
    const q = this.o.config.queue_config;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const pending = this.queue.pending;
      if (pending === 0) {
        this.oldestUnsent = 0;
        await this.sleep(q.batch_send_deadline);
        continue;
      }
      const age = this.oldestUnsent === 0 ? Infinity : Date.now() - this.oldestUnsent;
      if (pending < q.max_samples_per_send && age < q.batch_send_deadline) {
        await this.sleep(q.batch_send_deadline - age);
        continue;
      }
      const batch = this.queue.peek(q.max_samples_per_send);
      if (batch === undefined) continue;
      const parts = batch.payloads.map((p) => uncompress(p));
      /** The request still to send (old samples dropped), its sample count and oldest timestamp. */
      const left: AgedBatch = { raw: parts.length === 1 ? parts[0]! : Buffer.concat(parts), samples: batch.samples, maxT: batch.maxT, lowest: -Infinity };
      let body: Uint8Array | undefined;
      let backoff = q.min_backoff;
      for (;;) {
        if (q.sample_age_limit > 0 && this.dropAged(left, Date.now() - q.sample_age_limit) > 0) {
          body = undefined;
          if (left.samples === 0) break;
        }
        const samples = left.samples;
        body ??= compress(left.raw);
        const r = await this.client.send(body, signal);
        if (signal.aborted) return;
        if (r.ok) {
          this.s.sent += samples;
          if (batch.maxT > this.s.highestSent) this.s.highestSent = batch.maxT;
          break;
        }
        if (!r.retryable) {
          this.s.failed += samples;
          this.o.logger.error({ remote: this.name, samples, status: r.status }, `remote write: batch refused, dropped: ${r.message}`);
          break;
        }
        this.s.retried += samples;
        this.o.logger.warn({ remote: this.name, samples, status: r.status, retryInMs: backoff }, `remote write: send failed, retrying: ${r.message}`);
        await this.sleep(backoff);
        if (signal.aborted) return;
        backoff = Math.min(backoff * 2, q.max_backoff);
      }
      this.queue.ack(batch.end, batch.samples);
      this.oldestUnsent = this.queue.pending > 0 ? Date.now() : 0;
    }
  }

  /**
   * Drops from `b` the samples older than `minT` (ms), counting them as dropped; returns how
   * many. Cheap when nothing can be old: the batch's newest and the kept oldest timestamps
   * are checked first.
   */
  private dropAged(b: AgedBatch, minT: number): number {
    let old = 0;
    if (b.maxT < minT) old = b.samples;
    else if (b.lowest < minT) {
      try {
        const f = dropOldSamples(b.raw, minT);
        b.raw = f.req;
        b.lowest = f.lowest;
        old = f.dropped;
      } catch (err) {
        // Not expected (the queue holds our own encoding, CRC-checked): send the batch as it is.
        this.o.logger.warn({ remote: this.name, err }, 'remote write: cannot filter a batch by sample_age_limit');
        b.lowest = Infinity;
      }
    }
    if (old === 0) return 0;
    this.s.dropped += old;
    b.samples -= old;
    this.o.logger.debug({ remote: this.name, samples: old }, 'remote write: samples older than sample_age_limit dropped');
    return old;
  }
}
