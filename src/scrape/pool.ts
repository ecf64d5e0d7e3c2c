import { type Labels } from '../model/index.js';
import type { ScrapeConfig } from '../config/index.js';
import { FileDiscovery } from './file-sd.js';
import { ScrapeClient, ScrapeError } from './http.js';
import { ScrapeLoop, type LoopDeps } from './loop.js';
import { populateTargets, type Target, type TargetGroup } from './target.js';

/** A JSON rendering of a config that compares equal for equal configs (RegExp → its pattern field). */
export function configFingerprint(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof RegExp ? x.source + '/' + x.flags : x));
}

/** Config fields that change what a cached series maps to; a change empties the caches. */
function cacheFingerprint(c: ScrapeConfig): string {
  return configFingerprint([c.metric_relabel_configs, c.honor_labels, c.label_limit, c.label_name_length_limit, c.label_value_length_limit]);
}

/**
 * The targets of one job: discovery (static_configs, file_sd_configs), relabeling into
 * targets, one ScrapeLoop per target. Targets that disappear get staleness markers.
 */
export class ScrapePool {
  private readonly loops = new Map<string, ScrapeLoop>();
  /** Targets dropped by relabeling, at most keep_dropped_targets of them (0 = all). */
  private dropped: Labels[] = [];
  /** How many were dropped, kept or not (/api/v1/targets droppedTargetCounts). */
  private droppedCount = 0;
  /** The target_limit error last applied (logged once per change). */
  private targetLimitError: string | undefined;
  private readonly groups = new Map<string, TargetGroup[]>();
  private discoveries: FileDiscovery[] = [];
  private signal: AbortSignal | undefined;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    private cfg: ScrapeConfig,
    private client: ScrapeClient,
    private readonly deps: LoopDeps,
  ) {}

  /** Builds the pool and reads its discovery sources once (targets are known on return). */
  static async create(cfg: ScrapeConfig, deps: LoopDeps): Promise<ScrapePool> {
    const pool = new ScrapePool(cfg, await ScrapeClient.create(cfg), deps);
    await pool.startDiscovery();
    return pool;
  }

  get name(): string {
    return this.cfg.job_name;
  }

  get config(): ScrapeConfig {
    return this.cfg;
  }

  /** Starts every loop (and the loops of targets found later) until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const l of this.loops.values()) l.start(signal);
  }

  /** Applies a changed config of the same job: targets that stay keep their loop and, when possible, their cache. */
  async reconfigure(cfg: ScrapeConfig): Promise<void> {
    const old = this.cfg;
    const client = await ScrapeClient.create(cfg);
    const resetCache = cacheFingerprint(old) !== cacheFingerprint(cfg);
    this.cfg = cfg;
    const oldClient = this.client;
    this.client = client;
    for (const l of this.loops.values()) l.update(cfg, client, resetCache);
    this.applyTargetLimit();
    if (configFingerprint(old.file_sd_configs) !== configFingerprint(cfg.file_sd_configs) || configFingerprint(old.static_configs) !== configFingerprint(cfg.static_configs)) {
      for (const d of this.discoveries) d.stop();
      this.groups.clear();
      await this.startDiscovery();
    } else {
      await this.sync();
    }
    oldClient.close();
  }

  /** Stops every loop; with `markStale` (job removed) their series get staleness markers. */
  async stop(markStale: boolean): Promise<void> {
    for (const d of this.discoveries) d.stop();
    this.discoveries = [];
    await this.syncing;
    await Promise.all([...this.loops.values()].map((l) => l.stop(markStale)));
    this.loops.clear();
    this.client.close();
  }

  targets(): Target[] {
    return [...this.loops.values()].map((l) => l.target);
  }

  droppedTargets(): Labels[] {
    return this.dropped;
  }

  /** Number of targets relabeling dropped, including those keep_dropped_targets did not keep. */
  droppedTargetCount(): number {
    return this.droppedCount;
  }

  /** Scrapes every target once, now (tests, and `vigie` admin use). */
  async scrapeAll(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.scrapeAndReport(signal)));
  }

  private async startDiscovery(): Promise<void> {
    this.groups.set(
      'static',
      this.cfg.static_configs.map((s, i) => ({ targets: s.targets, labels: s.labels, source: `static_configs[${i}]` })),
    );
    this.discoveries = this.cfg.file_sd_configs.map(
      (fc, i) =>
        new FileDiscovery(
          fc,
          (groups) => {
            this.groups.set(`file_sd/${i}`, groups);
            void this.sync();
          },
          this.deps.logger,
        ),
    );
    await Promise.all(this.discoveries.map((d) => d.start()));
    await this.sync();
  }

  /** Recomputes the targets; serialized so that concurrent updates apply in order. */
  private sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.doSync()).catch((err: unknown) => this.deps.logger.error({ err, job: this.name }, 'scrape pool sync failed'));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const { active, dropped, errors } = populateTargets([...this.groups.values()].flat(), this.cfg);
    for (const e of errors) this.deps.logger.warn({ job: this.name }, `invalid target: ${e}`);
    const keep = this.cfg.keep_dropped_targets;
    this.dropped = keep > 0 && dropped.length > keep ? dropped.slice(0, keep) : dropped;
    this.droppedCount = dropped.length;
    const wanted = new Set<string>();
    for (const t of active) {
      wanted.add(t.key);
      if (this.loops.has(t.key)) continue;
      const loop = new ScrapeLoop(t, this.cfg, this.client, this.deps);
      this.loops.set(t.key, loop);
      if (this.signal !== undefined && !this.signal.aborted) loop.start(this.signal);
    }
    const gone: ScrapeLoop[] = [];
    for (const [k, l] of this.loops) {
      if (!wanted.has(k)) {
        gone.push(l);
        this.loops.delete(k);
      }
    }
    this.applyTargetLimit();
    await Promise.all(gone.map((l) => l.stop(true)));
  }

  /**
   * Prometheus' refreshTargetLimitErr: with more active targets than target_limit, every
   * target of the job fails each scrape without being contacted (up = 0, its series marked
   * stale) until the count is back within the limit.
   */
  private applyTargetLimit(): void {
    const limit = this.cfg.target_limit;
    const n = this.loops.size;
    const err = limit > 0 && n > limit ? new ScrapeError(`target_limit exceeded (number of targets: ${n}, limit: ${limit})`) : undefined;
    if (err !== undefined && err.message !== this.targetLimitError) this.deps.logger.warn({ job: this.name, targets: n, limit }, 'target_limit exceeded: no target of the job is scraped');
    this.targetLimitError = err?.message;
    for (const l of this.loops.values()) l.forcedError = err;
  }
}
