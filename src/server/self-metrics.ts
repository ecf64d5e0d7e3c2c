import { Counter, Gauge, type Registry } from 'prom-client';
import type { Labels } from '../model/index.js';
import type { IngestResult, RemoteWriteStats } from '../remote/index.js';
import { type Appendable, type Appender, type RejectReason, SampleRejectedError, type SeriesRef } from '../storage/index.js';

// Vigie's own metrics about ingestion (scraping, host collection, remote write in and out),
// registered from plain stats functions so that src/server knows no scrape/host/tsdb code.
// Every metric is read at /metrics time from the sources, except those fed by the hooks
// returned here (remote write receiver, scrape appends).

/** One scrape target as `ScrapeManager.targets()` describes it (only the fields used here). */
export interface ScrapeTargetStat {
  readonly scrapePool: string;
  readonly health: string;
  /** Seconds; 0 before the first scrape. */
  readonly lastScrapeDuration: number;
}

/** What `HostMonitor.stats()` returns (only the fields used here). */
export interface HostCollectionStat {
  readonly collections: number;
  readonly durationSecondsTotal: number;
  readonly lastDurationSeconds: number;
  readonly lastSamples: number;
  readonly collectors: readonly { readonly name: string; readonly durationSeconds: number; readonly success: boolean }[];
}

/** Where the metrics are read from, each optional (a part that is not running reports nothing). */
export interface SelfMetricSources {
  readonly scrapeTargets?: () => readonly ScrapeTargetStat[];
  /** One entry per remote_write destination; counters restart when a reload re-creates them. */
  readonly remoteWrite?: () => readonly RemoteWriteStats[];
  readonly host?: () => HostCollectionStat | undefined;
}

type Read<T> = () => readonly T[];

/** A gauge or counter whose labelled values are recomputed from `rows` at each collection. */
export function derived<T, L extends string>(
  registry: Registry,
  kind: 'gauge' | 'counter',
  name: string,
  help: string,
  labelNames: readonly L[],
  rows: Read<T>,
  fill: (row: T, set: (labels: Record<L, string>, v: number) => void) => void,
): void {
  const collect = function (this: Gauge<L> | Counter<L>): void {
    this.reset();
    const set = (labels: Record<L, string>, v: number): void => {
      if (this instanceof Gauge) this.set(labels, v);
      else this.inc(labels, v);
    };
    for (const r of rows()) fill(r, set);
  };
  if (kind === 'gauge') new Gauge<L>({ name, help, labelNames, registers: [registry], collect });
  else new Counter<L>({ name, help, labelNames, registers: [registry], collect });
}

/**
 * Registers, per source given:
 * - scrape: `vigie_scrape_targets{job,health}` (targets by health: up, down, unknown before the
 *   first scrape), `vigie_scrape_last_duration_seconds{job,stat="max"|"avg"}` (over the job's
 *   targets, from their last scrape). Per-target series (`up`, `scrape_duration_seconds`, ...)
 *   are stored in the TSDB as Prometheus does;
 * - remote write out, per destination `{remote_name,url}`: `vigie_remote_write_samples_{enqueued,
 *   sent,failed,retried,dropped}_total`, `vigie_remote_write_samples_pending`,
 *   `vigie_remote_write_queue_bytes`, `vigie_remote_write_highest_{sent,enqueued}_timestamp_seconds`;
 * - host: `vigie_host_collections_total`, `vigie_host_collection_duration_seconds_total`,
 *   `vigie_host_collection_last_duration_seconds`, `vigie_host_collection_last_samples`,
 *   `vigie_host_collector_last_duration_seconds{collector}`, `vigie_host_collector_last_success{collector}`.
 */
export function registerSelfMetrics(registry: Registry, sources: SelfMetricSources): void {
  const { scrapeTargets, remoteWrite, host } = sources;
  if (scrapeTargets !== undefined) {
    const byJob = (): { job: string; health: Map<string, number>; max: number; sum: number; n: number }[] => {
      const jobs = new Map<string, { job: string; health: Map<string, number>; max: number; sum: number; n: number }>();
      for (const t of scrapeTargets()) {
        let j = jobs.get(t.scrapePool);
        if (j === undefined) jobs.set(t.scrapePool, (j = { job: t.scrapePool, health: new Map([['up', 0], ['down', 0], ['unknown', 0]]), max: 0, sum: 0, n: 0 }));
        j.health.set(t.health, (j.health.get(t.health) ?? 0) + 1);
        if (t.health !== 'unknown') {
          j.max = Math.max(j.max, t.lastScrapeDuration);
          j.sum += t.lastScrapeDuration;
          j.n++;
        }
      }
      return [...jobs.values()];
    };
    derived(registry, 'gauge', 'vigie_scrape_targets', 'Scrape targets by job and health (unknown: not scraped yet).', ['job', 'health'], byJob, (j, set) => {
      for (const [health, n] of j.health) set({ job: j.job, health }, n);
    });
    derived(registry, 'gauge', 'vigie_scrape_last_duration_seconds', "Duration of the targets' last scrape, max and average over a job's targets.", ['job', 'stat'], byJob, (j, set) => {
      if (j.n === 0) return;
      set({ job: j.job, stat: 'max' }, j.max);
      set({ job: j.job, stat: 'avg' }, j.sum / j.n);
    });
  }
  if (remoteWrite !== undefined) {
    const rw = (kind: 'gauge' | 'counter', name: string, help: string, read: (s: RemoteWriteStats) => number): void =>
      derived(registry, kind, name, help, ['remote_name', 'url'], remoteWrite, (s, set) => set({ remote_name: s.name, url: s.url }, read(s)));
    rw('counter', 'vigie_remote_write_samples_enqueued_total', 'Samples written to the remote-write queue on disk.', (s) => s.samplesEnqueued);
    rw('counter', 'vigie_remote_write_samples_sent_total', 'Samples the remote acknowledged.', (s) => s.samplesSent);
    rw('counter', 'vigie_remote_write_samples_failed_total', 'Samples the remote refused for good (4xx): not sent again.', (s) => s.samplesFailed);
    rw('counter', 'vigie_remote_write_samples_retried_total', 'Samples in requests that were retried (counted at each retry).', (s) => s.samplesRetried);
    rw('counter', 'vigie_remote_write_samples_dropped_total', 'Samples dropped by write_relabel_configs or a full queue.', (s) => s.samplesDropped);
    rw('gauge', 'vigie_remote_write_samples_pending', 'Samples in the queue not acknowledged yet.', (s) => s.samplesPending);
    rw('gauge', 'vigie_remote_write_queue_bytes', 'Bytes of the on-disk queue.', (s) => s.queueBytes);
    rw('gauge', 'vigie_remote_write_highest_sent_timestamp_seconds', 'Newest sample timestamp the remote acknowledged (0 when none yet).', (s) => s.highestSentTimestamp / 1000);
    rw('gauge', 'vigie_remote_write_highest_enqueued_timestamp_seconds', 'Newest sample timestamp queued (0 when none yet).', (s) => s.highestEnqueuedTimestamp / 1000);
  }
  if (host !== undefined) {
    const one: Read<HostCollectionStat> = () => {
      const s = host();
      return s === undefined ? [] : [s];
    };
    const h = (kind: 'gauge' | 'counter', name: string, help: string, read: (s: HostCollectionStat) => number): void =>
      derived(registry, kind, name, help, [], one, (s, set) => set({}, read(s)));
    h('counter', 'vigie_host_collections_total', 'Host metric collections done.', (s) => s.collections);
    h('counter', 'vigie_host_collection_duration_seconds_total', 'Time spent collecting and storing host metrics.', (s) => s.durationSecondsTotal);
    h('gauge', 'vigie_host_collection_last_duration_seconds', 'Duration of the last host collection.', (s) => s.lastDurationSeconds);
    h('gauge', 'vigie_host_collection_last_samples', 'Samples stored by the last host collection.', (s) => s.lastSamples);
    const collectors: Read<HostCollectionStat['collectors'][number]> = () => host()?.collectors ?? [];
    derived(registry, 'gauge', 'vigie_host_collector_last_duration_seconds', 'Duration of each host collector in the last collection.', ['collector'], collectors, (c, set) =>
      set({ collector: c.name }, c.durationSeconds),
    );
    derived(registry, 'gauge', 'vigie_host_collector_last_success', 'Whether each host collector succeeded in the last collection (1 or 0).', ['collector'], collectors, (c, set) =>
      set({ collector: c.name }, c.success ? 1 : 0),
    );
  }
}

/**
 * Counters for `POST /api/v1/write`; returns the hook to pass as the route's `onIngest`:
 * `vigie_remote_write_received_requests_total`, `vigie_remote_write_received_samples_total`
 * (float samples in the requests), `vigie_remote_write_received_samples_stored_total`,
 * `vigie_remote_write_received_samples_rejected_total{reason}` (out_of_order, duplicate,
 * too_old, invalid, invalid_labels, native_histogram).
 */
export function remoteWriteReceiverMetrics(registry: Registry): (r: IngestResult) => void {
  const requests = new Counter({ name: 'vigie_remote_write_received_requests_total', help: 'Remote write requests whose samples were committed.', registers: [registry] });
  const received = new Counter({ name: 'vigie_remote_write_received_samples_total', help: 'Float samples received by remote write.', registers: [registry] });
  const stored = new Counter({ name: 'vigie_remote_write_received_samples_stored_total', help: 'Received samples accepted by storage (an exact resend of a stored sample counts: it is accepted, not stored twice).', registers: [registry] });
  const rejected = new Counter({ name: 'vigie_remote_write_received_samples_rejected_total', help: 'Received samples not stored, by reason.', labelNames: ['reason'], registers: [registry] });
  return (r) => {
    requests.inc();
    received.inc(r.samples);
    stored.inc(r.appended);
    for (const [reason, n] of Object.entries(r.rejected)) if (n > 0) rejected.inc({ reason }, n);
    if (r.invalidSamples > 0) rejected.inc({ reason: 'invalid_labels' }, r.invalidSamples);
    if (r.histograms > 0) rejected.inc({ reason: 'native_histogram' }, r.histograms);
  };
}

/**
 * Wraps the Appendable the scraper writes to, counting committed samples into
 * `vigie_scrape_samples_appended_total` and refused ones into
 * `vigie_scrape_samples_rejected_total{reason}` (scrape report series such as `up` included).
 * Counts are added at commit; a rolled-back batch counts nothing.
 */
export function countingAppendable(inner: Appendable, registry: Registry): Appendable {
  const appended = new Counter({ name: 'vigie_scrape_samples_appended_total', help: 'Samples stored by scrapes (report series such as up included).', registers: [registry] });
  const rejected = new Counter({ name: 'vigie_scrape_samples_rejected_total', help: 'Scraped samples refused by storage, by reason.', labelNames: ['reason'], registers: [registry] });
  return {
    appender(): Appender {
      const app = inner.appender();
      let n = 0;
      const refused: Partial<Record<RejectReason, number>> = {};
      const refuse = (e: unknown): void => {
        if (e instanceof SampleRejectedError) refused[e.reason] = (refused[e.reason] ?? 0) + 1;
      };
      const counted: Appender = {
        append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
          try {
            const r = app.append(ref, labels, t, v);
            n++;
            return r;
          } catch (e) {
            refuse(e);
            throw e;
          }
        },
        async commit(): Promise<void> {
          await app.commit();
          if (n > 0) appended.inc(n);
          for (const [reason, c] of Object.entries(refused)) rejected.inc({ reason }, c);
        },
        rollback(): void {
          app.rollback();
        },
      };
      const byRef = app.appendRef?.bind(app);
      if (byRef !== undefined) {
        counted.appendRef = (ref, t, v) => {
          try {
            const added = byRef(ref, t, v);
            if (added) n++;
            return added;
          } catch (e) {
            refuse(e);
            throw e;
          }
        };
      }
      if (app.labelsOf !== undefined) counted.labelsOf = app.labelsOf.bind(app);
      return counted;
    },
  };
}
