import { type Labels } from '../model/index.js';
import type { ScrapeConfig } from '../config/index.js';
import { DnsDiscovery, type DnsResolverOptions } from './dns-sd.js';
import { FileDiscovery } from './file-sd.js';
import { ScrapeClient, ScrapeError } from './http.js';
import { HttpDiscovery } from './http-sd.js';
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

/** What a pool needs from outside: its loops' needs, and where dns_sd looks names up. */
export interface PoolDeps extends LoopDeps {
  /** Default: the system resolver (/etc/resolv.conf). */
  readonly dnsResolver?: DnsResolverOptions | undefined;
}

/** A source of target groups: file_sd, http_sd, dns_sd. */
interface Discoverer {
  /** Resolves once the first groups are known (or after a bounded wait). */
  start(): Promise<void>;
  stop(): void;
}

/** Config fields whose change restarts discovery. */
function discoveryFingerprint(c: ScrapeConfig): string {
  return configFingerprint([c.static_configs, c.file_sd_configs, c.http_sd_configs, c.dns_sd_configs]);
}

/**
 * The targets of one job: discovery (static_configs, file_sd_configs, http_sd_configs,
 * dns_sd_configs), relabeling into targets, one ScrapeLoop per target. Targets that
 * disappear get staleness markers.
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
  private discoveries: Discoverer[] = [];
  private signal: AbortSignal | undefined;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    private cfg: ScrapeConfig,
    private client: ScrapeClient,
    private readonly deps: PoolDeps,
  ) {}

  /**
   * Builds the pool and reads its discovery sources once: targets are known on return, unless an
   * http_sd or dns_sd source takes over FIRST_REFRESH_WAIT_MS (5 s) to answer (its targets come later).
   */
  static async create(cfg: ScrapeConfig, deps: PoolDeps): Promise<ScrapePool> {
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
    if (discoveryFingerprint(old) !== discoveryFingerprint(cfg)) {
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
    const update = (key: string) => (groups: TargetGroup[]) => {
      this.groups.set(key, groups);
      void this.sync();
    };
    const logger = this.deps.logger;
    const job = this.cfg.job_name;
    this.discoveries = [
      ...this.cfg.file_sd_configs.map((c, i) => new FileDiscovery(c, update(`file_sd/${i}`), logger)),
      ...this.cfg.http_sd_configs.map((c, i) => new HttpDiscovery(c, `${job} http_sd_configs[${i}]`, update(`http_sd/${i}`), logger.child({ job }))),
      ...this.cfg.dns_sd_configs.map((c, i) => new DnsDiscovery(c, update(`dns_sd/${i}`), logger.child({ job }), this.deps.dnsResolver)),
    ];
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
