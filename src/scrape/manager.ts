import { systemClock, silentLogger, VigieError, type Clock, type Logger } from '../common/index.js';
import { formatDuration, type GlobalConfig, type ScrapeConfig } from '../config/index.js';
import type { Labels } from '../model/index.js';
import type { Appendable } from '../storage/index.js';
import { SampleScanner, formatFromContentType } from '../textparse/index.js';
import type { ParserFactory } from './parser.js';
import { configFingerprint, ScrapePool } from './pool.js';
import { fnv1a32, type TargetHealth } from './target.js';
import { LabelInterner } from './intern.js';
import { KeyPool } from './key-pool.js';
import type { LoopDeps } from './loop.js';
import type { DnsResolverOptions } from './dns-sd.js';

export interface ScrapeManagerOptions {
  /** Where samples go (the TSDB head, or a fan-out). */
  readonly appendable: Appendable;
  /** Parser for response bodies; default src/textparse's SampleScanner (format from Content-Type). */
  readonly parse?: ParserFactory;
  /** Sent as `Accept` by every job; default: built from each job's scrape_protocols. */
  readonly acceptHeader?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Hears every committed scrape (self-monitoring); must not throw. */
  readonly onScrape?: LoopDeps['onScrape'];
  /** Where dns_sd_configs look names up; default the system resolver (tests point it at a local server). */
  readonly dnsResolver?: DnsResolverOptions;
}

/** Some jobs of a config could not be applied (the others were); the message names each. */
export class ScrapeConfigError extends VigieError {
  override name = 'ScrapeConfigError';
}

/** One active target in the shape of Prometheus' /api/v1/targets `activeTargets`. */
export interface TargetInfo {
  readonly scrapePool: string;
  readonly labels: Record<string, string>;
  readonly discoveredLabels: Record<string, string>;
  readonly scrapeUrl: string;
  readonly globalUrl: string;
  /** RFC 3339; `0001-01-01T00:00:00Z` before the first scrape, as Prometheus. */
  readonly lastScrape: string;
  /** Seconds. */
  readonly lastScrapeDuration: number;
  readonly lastError: string;
  readonly health: TargetHealth;
  /** Like `15s`. */
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
}

/** A target dropped by relabeling, as /api/v1/targets `droppedTargets`. */
export interface DroppedTargetInfo {
  readonly scrapePool: string;
  readonly discoveredLabels: Record<string, string>;
}

/** src/textparse's parser, picking Prometheus text or OpenMetrics from the Content-Type. */
export const defaultParser: ParserFactory = (body, ct) => SampleScanner.create(body, formatFromContentType(ct));

const toRecord = (l: Labels): Record<string, string> => Object.fromEntries(l.map((x) => [x.name, x.value]));

/**
 * Runs the scrape_configs: one ScrapePool per job, one loop per target. Call
 * `applyConfig` (at start and on every reload), then `start(signal)`; `stop()` at
 * shutdown (no staleness markers then, as Prometheus). Reloads keep the pools,
 * loops and series caches of unchanged jobs and targets.
 */
export class ScrapeManager {
  private readonly pools = new Map<string, ScrapePool>();
  private signal: AbortSignal | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private offsetSeed = 0;
  /** One for every pool of this manager: label pairs repeat across jobs too. */
  private readonly interner = new LabelInterner();
  private readonly keys = new KeyPool();
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ScrapeManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger();
  }

  readonly name = 'scrape';

  /** Starts scraping every known target; pools added later start on their own. */
  start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    for (const p of this.pools.values()) p.start(signal);
    return Promise.resolve();
  }

  /**
   * Applies a (re)loaded config: new jobs start, removed jobs stop with staleness
   * markers, changed jobs are reconfigured in place. Resolves once targets are known.
   * Calls are serialized.
   */
  applyConfig(scrapeConfigs: readonly ScrapeConfig[], global: GlobalConfig): Promise<void> {
    const run = this.applying.then(() => this.doApply(scrapeConfigs, global));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async doApply(scrapeConfigs: readonly ScrapeConfig[], global: GlobalConfig): Promise<void> {
    // Prometheus seeds target offsets with the external labels so that HA pairs differ.
    this.offsetSeed = fnv1a32(configFingerprint(global.external_labels));
    const deps = { appendable: this.opts.appendable, parse: this.opts.parse ?? defaultParser, acceptHeader: this.opts.acceptHeader, clock: this.clock, logger: this.logger, offsetSeed: this.offsetSeed, interner: this.interner, keys: this.keys, onScrape: this.opts.onScrape, dnsResolver: this.opts.dnsResolver };
    const wanted = new Map(scrapeConfigs.map((c) => [c.job_name, c]));
    const removed = [...this.pools.entries()].filter(([name]) => !wanted.has(name));
    for (const [name] of removed) this.pools.delete(name);
    await Promise.all(removed.map(([, p]) => p.stop(true)));
    // A job that cannot start (an unreadable TLS or credentials file) does not hold back the
    // others, as in Prometheus; a changed one keeps running with its previous config.
    const failed: string[] = [];
    for (const [name, cfg] of wanted) {
      const pool = this.pools.get(name);
      try {
        if (pool === undefined) {
          const p = await ScrapePool.create(cfg, deps);
          this.pools.set(name, p);
          if (this.signal !== undefined && !this.signal.aborted) p.start(this.signal);
        } else if (configFingerprint(pool.config) !== configFingerprint(cfg)) {
          await pool.reconfigure(cfg);
        }
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.logger.error({ job: name, err: msg }, pool === undefined ? 'cannot start scrape job' : 'cannot apply the new config of scrape job (previous config kept)');
        failed.push(`job ${JSON.stringify(name)}: ${msg}`);
      }
    }
    if (failed.length > 0) throw new ScrapeConfigError(`scrape_configs: ${failed.join('; ')}`);
  }

  /** Stops every loop and watcher and waits for scrapes in flight. */
  async stop(): Promise<void> {
    await this.applying;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.stop(false)));
  }

  /** Active targets, by job then discovery order. */
  targets(): TargetInfo[] {
    const out: TargetInfo[] = [];
    for (const p of this.pools.values()) {
      for (const t of p.targets()) {
        out.push({
          scrapePool: p.name,
          labels: toRecord(t.labels),
          discoveredLabels: toRecord(t.discoveredLabels),
          scrapeUrl: t.url,
          globalUrl: t.url,
          lastScrape: t.lastScrape === 0 ? '0001-01-01T00:00:00Z' : new Date(t.lastScrape).toISOString(),
          lastScrapeDuration: t.lastScrapeDuration,
          lastError: t.lastError,
          health: t.health,
          scrapeInterval: formatDuration(t.interval),
          scrapeTimeout: formatDuration(t.timeout),
        });
      }
    }
    return out;
  }

  /** Targets dropped by relabel_configs (at most keep_dropped_targets per job when set). */
  droppedTargets(): DroppedTargetInfo[] {
    return [...this.pools.values()].flatMap((p) => p.droppedTargets().map((l) => ({ scrapePool: p.name, discoveredLabels: toRecord(l) })));
  }

  /** Per job, how many targets relabeling dropped, kept or not: /api/v1/targets `droppedTargetCounts`. */
  droppedTargetCounts(): Record<string, number> {
    return Object.fromEntries([...this.pools.values()].map((p) => [p.name, p.droppedTargetCount()]));
  }

  /** Scrapes every target once, now, outside the schedule (tests; an admin "scrape now"). */
  async scrapeAllNow(signal: AbortSignal = new AbortController().signal): Promise<void> {
    await this.applying;
    await Promise.all([...this.pools.values()].map((p) => p.scrapeAll(signal)));
  }
}
