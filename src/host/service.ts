import type { Clock, Logger } from '../common/index.js';
import { performance } from 'node:perf_hooks';
import { type Collector, type MetricSample, collectAll } from '../collect/index.js';
import { labelsFromPairs, staleNaN, type Labels } from '../model/index.js';
import { SampleRejectedError, type Appendable } from '../storage/index.js';

export interface HostMonitorOptions {
  readonly collectors: readonly Collector[];
  readonly appendable: Appendable;
  /** ms between collections. */
  readonly intervalMs: number;
  /**
   * Labels added to every series, as a Prometheus scraping node_exporter would add them
   * (job="node", instance="<host>"), so dashboards and rules written for it match.
   */
  readonly targetLabels: readonly [string, string][];
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the host monitor did since it started, for Vigie's own /metrics. */
export interface HostMonitorStats {
  /** Collections finished. */
  readonly collections: number;
  /** Sum and last value of the collection durations, in seconds (collect + append + commit). */
  readonly durationSecondsTotal: number;
  readonly lastDurationSeconds: number;
  /** Samples stored by the last collection. */
  readonly lastSamples: number;
  /** Per collector, from the last collection: its duration in seconds and whether it succeeded. */
  readonly collectors: readonly { readonly name: string; readonly durationSeconds: number; readonly success: boolean }[];
}

interface SeriesEntry {
  ref: number;
  readonly labels: Labels;
  /** Collection round in which the series was last seen. */
  seen: number;
}

/**
 * Runs the host collectors every interval and appends their samples in one batch, with
 * `up`-style bookkeeping of its own: a series that disappears (an unmounted filesystem,
 * a removed network device) gets a staleness marker, as Prometheus writes for a scrape.
 */
export class HostMonitor {
  private readonly series = new Map<string, SeriesEntry>();
  private round = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly s = { collections: 0, durationSecondsTotal: 0, lastDurationSeconds: 0, lastSamples: 0, collectors: new Map<string, { durationSeconds: number; success: boolean }>() };

  constructor(private readonly opts: HostMonitorOptions) {}

  /** Collects once at once, then every interval. */
  start(): void {
    const tick = (): void => {
      this.running ??= this.collectOnce().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
  }

  /** One collection, appended in one batch; errors are logged, never thrown. */
  async collectOnce(): Promise<void> {
    const { opts } = this;
    const started = performance.now();
    const t = opts.clock.now();
    const samples = await collectAll(opts.collectors, AbortSignal.any([this.abort.signal, AbortSignal.timeout(opts.intervalMs)]), (collector, err) =>
      opts.logger.debug({ collector, err }, 'host collector failed'),
    );
    const round = ++this.round;
    const app = opts.appendable.appender();
    let rejected = 0;
    const put = (e: SeriesEntry, v: number): void => {
      try {
        e.ref = app.append(e.ref, e.labels, t, v);
      } catch (err) {
        if (!(err instanceof SampleRejectedError)) throw err;
        rejected++;
      }
    };
    for (const s of samples) {
      if (s.name === 'node_scrape_collector_duration_seconds' || s.name === 'node_scrape_collector_success') this.noteCollector(s);
      let key = s.name;
      for (const [n, v] of s.labels) key += `\u0000${n}\u0000${v}`;
      let e = this.series.get(key);
      if (e === undefined) {
        e = { ref: 0, labels: labelsFromPairs([['__name__', s.name], ...opts.targetLabels, ...s.labels]), seen: round };
        this.series.set(key, e);
      }
      e.seen = round;
      put(e, s.value);
    }
    for (const [key, e] of this.series) {
      if (e.seen === round) continue;
      put(e, staleNaN());
      this.series.delete(key);
    }
    try {
      await app.commit();
    } catch (err) {
      opts.logger.error({ err }, 'host metrics could not be stored');
    }
    if (rejected > 0) opts.logger.debug({ rejected }, 'host samples refused by storage');
    const seconds = (performance.now() - started) / 1000;
    this.s.collections++;
    this.s.durationSecondsTotal += seconds;
    this.s.lastDurationSeconds = seconds;
    this.s.lastSamples = samples.length - rejected;
  }

  private noteCollector(s: MetricSample): void {
    const name = s.labels.find(([n]) => n === 'collector')?.[1];
    if (name === undefined) return;
    let c = this.s.collectors.get(name);
    if (c === undefined) this.s.collectors.set(name, (c = { durationSeconds: 0, success: true }));
    if (s.name === 'node_scrape_collector_success') c.success = s.value === 1;
    else c.durationSeconds = s.value;
  }

  /** Counts since start (see HostMonitorStats). */
  stats(): HostMonitorStats {
    const { collectors, ...rest } = this.s;
    return { ...rest, collectors: [...collectors].map(([name, c]) => ({ name, ...c })) };
  }

  /** Stops the timer and waits for a collection in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }
}
