import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import type { Clock, Logger } from '../common/index.js';
import { type ProbeModule, type ProbeResult, runProbe } from '../probe/index.js';
import type { Appendable } from '../storage/index.js';
import { BatchedAppender } from './batch.js';
import type { Incident, IncidentStore } from './incidents.js';
import { Semaphore } from './semaphore.js';
import { TargetSeries } from './series.js';
import { registerProbeMetrics, type ProbeMetricsSink } from './self-metrics.js';
import { TargetHealth } from './status.js';
import type { ProbeJobConfig } from '../config/index.js';

export type { ProbeJobConfig };

export interface ProbeSchedulerOptions {
  readonly appendable: Appendable;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where `vigie_probe_*` self-metrics are registered; none when absent. */
  readonly registry?: Registry;
  /** At most this many probes in flight at once (default 256). */
  readonly maxConcurrency?: number;
  /** Incident history; without it incidents live in memory only. */
  readonly incidents?: IncidentStore;
  /** Consecutive down (or slow) probes that open an incident (default 1, like a `probe_success == 0` alert without `for`). */
  readonly incidentAfter?: number;
  /** Closed incidents older than this (ms) are deleted, checked hourly (default 90 days; 0 = keep forever). */
  readonly incidentRetentionMs?: number;
}

/** One probed target as the API shows it. */
export interface ProbeTargetState {
  readonly job: string;
  readonly instance: string;
  readonly module: string;
  readonly intervalMs: number;
  readonly health: TargetHealth;
}

/** Timeout of one probe in ms: the job's, else the module's, else 90% of the interval capped at 120 s. */
export function probeTimeoutMs(job: ProbeJobConfig, module: ProbeModule): number {
  if (job.timeout > 0) return job.timeout;
  if (module.timeout > 0) return module.timeout;
  return Math.min(job.interval * 0.9, 120_000);
}

/** FNV-1a 32-bit of `s`: a stable phase for a (job, target) across restarts and reloads. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The first time ≥ now (ms) whose offset in the interval is the target's phase. */
export function firstPlannedStart(now: number, intervalMs: number, key: string): number {
  const phase = hash32(key) % intervalMs;
  let t = now - (now % intervalMs) + phase;
  if (t < now) t += intervalMs;
  return t;
}

const DAY_MS = 86_400_000;

class TargetLoop {
  series: TargetSeries;
  private ctl: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly target: string,
    public job: ProbeJobConfig,
    public moduleName: string,
    public module: ProbeModule,
    readonly health: TargetHealth,
    private readonly s: ProbeScheduler,
  ) {
    this.series = new TargetSeries(targetLabels(job, target));
  }

  start(parent: AbortSignal): void {
    if (this.running !== undefined) return;
    const ctl = new AbortController();
    this.ctl = ctl;
    const signal = AbortSignal.any([parent, ctl.signal]);
    this.running = this.run(signal).catch((err: unknown) => this.s.log.error({ err, job: this.job.job_name, target: this.target }, 'probe loop failed'));
  }

  /** Stops the loop and waits for a probe in flight (aborted). */
  async stop(): Promise<void> {
    this.ctl?.abort(new Error('probe loop stopped'));
    await this.running;
    this.running = undefined;
    this.ctl = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const iv = this.job.interval;
    let planned = firstPlannedStart(this.s.clock.now(), iv, this.key);
    while (!signal.aborted) {
      const wait = planned - this.s.clock.now();
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal });
        } catch {
          return;
        }
      }
      try {
        await this.s.slots.acquire(signal);
      } catch {
        return;
      }
      let result: ProbeResult;
      const start = this.s.clock.now();
      const t0 = performance.now();
      try {
        this.s.metrics?.lag((start - planned) / 1000);
        result = await runProbe(this.module, this.target, { signal, timeoutMs: probeTimeoutMs(this.job, this.module) });
      } finally {
        this.s.slots.release();
      }
      if (signal.aborted) return; // a shutdown or reload cut it short: not a measurement of the target
      this.s.metrics?.probed(this.job.job_name, result.success, (performance.now() - t0) / 1000);
      this.record(result, start);
      planned += iv;
      const now = this.s.clock.now();
      if (planned < now) {
        const missed = Math.ceil((now - planned) / iv);
        planned += missed * iv;
        this.s.metrics?.skipped(this.job.job_name, missed);
      }
    }
  }

  private record(result: ProbeResult, start: number): void {
    const t = this.series.nextTimestamp(start);
    try {
      this.s.batch.write((app) => this.series.write(app, result, t));
    } catch (err) {
      this.s.log.error({ err, job: this.job.job_name, target: this.target }, 'probe result could not be stored');
    }
    try {
      this.health.observe(result, start, this.job.slow_threshold, this.s.incidentAfter);
    } catch (err) {
      this.s.log.error({ err, job: this.job.job_name, target: this.target }, 'incident could not be recorded');
    }
  }
}

/** Labels every series of a (job, target) carries: the job's labels, then job, instance and module (these win). */
function targetLabels(job: ProbeJobConfig, target: string): Map<string, string> {
  const m = new Map<string, string>(Object.entries(job.labels));
  m.set('job', job.job_name);
  m.set('instance', target);
  m.set('module', job.module);
  return m;
}

const sameLabels = (a: ProbeJobConfig, b: ProbeJobConfig): boolean =>
  a.module === b.module && JSON.stringify(Object.entries(a.labels).sort()) === JSON.stringify(Object.entries(b.labels).sort());

/**
 * Probes every (job, target) of the `probes:` config every job interval, each at a stable
 * phase of the interval (a hash of job and target, so probes spread over the interval and keep
 * their slot across reloads and restarts), at most `maxConcurrency` at a time. Each result is
 * stored as the series a Prometheus scraping blackbox_exporter would write, and feeds the
 * target's status and incident history.
 */
export class ProbeScheduler {
  readonly clock: Clock;
  readonly log: Logger;
  /** Results of all targets go into shared batches, committed every 100 ms. */
  readonly batch: BatchedAppender;
  readonly slots: Semaphore;
  readonly incidentAfter: number;
  readonly metrics: ProbeMetricsSink | undefined;
  private readonly loops = new Map<string, TargetLoop>();
  private modules: Readonly<Record<string, ProbeModule>> = {};
  /** Open incidents from the store not yet claimed by a configured target (key → incident). */
  private readonly carried = new Map<string, Incident>();
  private signal: AbortSignal | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ProbeSchedulerOptions) {
    this.clock = opts.clock;
    this.log = opts.logger;
    this.batch = new BatchedAppender(opts.appendable, 100, opts.logger);
    this.slots = new Semaphore(opts.maxConcurrency ?? 256);
    this.incidentAfter = Math.max(1, opts.incidentAfter ?? 1);
    for (const i of opts.incidents?.openIncidents() ?? []) this.carried.set(loopKey(i.job, i.instance), i);
    this.metrics = opts.registry === undefined ? undefined : registerProbeMetrics(opts.registry, { targets: () => this.loops.size, inFlight: () => this.slots.active, waiting: () => this.slots.waiting });
  }

  /** The modules in force (built-in ones merged with the config's), for the `/probe` route. */
  currentModules(): Readonly<Record<string, ProbeModule>> {
    return this.modules;
  }

  /** Every configured target, in config order. */
  targets(): ProbeTargetState[] {
    return [...this.loops.values()].map((l) => ({ job: l.job.job_name, instance: l.target, module: l.moduleName, intervalMs: l.job.interval, health: l.health }));
  }

  /**
   * Applies a (re)loaded config. Targets that stay keep their phase and state; targets whose
   * job changed module or labels get their old series marked stale and start new ones; targets
   * gone get staleness markers and their open incident closed. A job naming an unknown module
   * is skipped with an error log (the config loader is expected to have refused it).
   */
  async applyConfig(jobs: readonly ProbeJobConfig[], modules: Readonly<Record<string, ProbeModule>>): Promise<void> {
    this.modules = modules;
    const wanted = new Map<string, { job: ProbeJobConfig; target: string; module: ProbeModule }>();
    for (const job of jobs) {
      const module = modules[job.module];
      if (module === undefined) {
        this.log.error({ job: job.job_name, module: job.module }, 'probe job names an unknown module: skipped');
        continue;
      }
      for (const target of job.targets) wanted.set(loopKey(job.job_name, target), { job, target, module });
    }
    const now = this.clock.now();
    const gone = [...this.loops.values()].filter((l) => !wanted.has(l.key));
    await Promise.all(gone.map((l) => l.stop()));
    if (gone.length > 0) await this.writeStale(gone.map((l) => l.series), now);
    for (const l of gone) {
      l.health.closeIncident(now);
      this.loops.delete(l.key);
    }
    for (const [key, w] of wanted) {
      const l = this.loops.get(key);
      if (l === undefined) {
        const carried = this.carried.get(key);
        this.carried.delete(key);
        const health = new TargetHealth(this.opts.incidents, w.job.job_name, w.target, w.job.module, carried);
        const nl = new TargetLoop(key, w.target, w.job, w.job.module, w.module, health, this);
        this.loops.set(key, nl);
        if (this.signal !== undefined) nl.start(this.signal);
        continue;
      }
      const restart = l.job.interval !== w.job.interval;
      if (restart) await l.stop();
      if (!sameLabels(l.job, w.job)) {
        await this.writeStale([l.series], now);
        l.series = new TargetSeries(targetLabels(w.job, w.target));
        l.health.setModule(w.job.module);
      }
      l.job = w.job;
      l.moduleName = w.job.module;
      l.module = w.module;
      if (restart && this.signal !== undefined) l.start(this.signal);
    }
    // Incidents of targets no longer configured (removed while Vigie was down) cannot recover: close them.
    for (const i of this.carried.values()) this.opts.incidents?.close(i.id, now);
    this.carried.clear();
  }

  /** Starts every target's loop; `signal` aborting stops them as `stop` does. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const l of this.loops.values()) l.start(signal);
    const store = this.opts.incidents;
    const keep = this.opts.incidentRetentionMs ?? 90 * DAY_MS;
    if (store !== undefined && keep > 0) {
      const prune = (): void => {
        try {
          const n = store.prune(this.clock.now() - keep);
          if (n > 0) this.log.info({ deleted: n }, 'old incidents deleted');
        } catch (err) {
          this.log.error({ err }, 'old incidents could not be deleted');
        }
      };
      prune();
      this.pruneTimer = setInterval(prune, 3_600_000);
      this.pruneTimer.unref();
    }
  }

  /**
   * Aborts the probes in flight, waits for every loop to end and commits the results not yet
   * stored. Writes no staleness markers (a shutdown).
   */
  async stop(): Promise<void> {
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    this.signal = undefined;
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    await this.batch.flush();
  }

  /** Staleness markers, in the open batch (after the series' last samples), committed at once. */
  private async writeStale(series: readonly TargetSeries[], t: number): Promise<void> {
    try {
      this.batch.write((app) => {
        for (const s of series) s.writeStale(app, t);
      });
    } catch (err) {
      this.log.error({ err }, 'staleness markers could not be stored');
    }
    await this.batch.flush();
  }
}

function loopKey(job: string, target: string): string {
  return `${job}\u0000${target}`;
}
