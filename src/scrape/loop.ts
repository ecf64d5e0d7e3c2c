import { setTimeout as sleep } from 'node:timers/promises';
import { labelsFromPairs, labelValue, staleNaN, type Labels } from '../model/index.js';
import { SampleRejectedError, type Appendable, type Appender, type SeriesRef } from '../storage/index.js';
import type { Clock, Logger } from '../common/index.js';
import type { ScrapeConfig } from '../config/index.js';
import { relabel } from '../relabel/index.js';
import { ScrapeError, type ScrapeClient } from './http.js';
import { effectiveContentType } from './protocols.js';
import type { LabelInterner } from './intern.js';
import type { KeyPool } from './key-pool.js';
import { SeriesCache } from './series-cache.js';
import type { ExpositionParserLike, ParserFactory } from './parser.js';
import type { Target } from './target.js';

/** What a scrape loop needs from outside. */
export interface LoopDeps {
  readonly appendable: Appendable;
  readonly parse: ParserFactory;
  /** Overrides the Accept header built from each job's scrape_protocols (tests). */
  readonly acceptHeader?: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Mixed into every target's scrape phase (Prometheus' offset seed). */
  readonly offsetSeed: number;
  /** Shares label objects between the series of all loops (owned by the scrape manager). */
  readonly interner: LabelInterner;
  /** Shares the series texts of all loops' caches (owned by the scrape manager). */
  readonly keys: KeyPool;
  /** Called after each scrape is committed (self-monitoring); must not throw. */
  readonly onScrape?: ((e: ScrapeDone) => void) | undefined;
}

/** What `LoopDeps.onScrape` hears after each scrape. */
export interface ScrapeDone {
  readonly job: string;
  /** Seconds from the request to the parsed response (the `scrape_duration_seconds` value). */
  readonly durationSeconds: number;
  readonly up: boolean;
}

interface AppendResult {
  total: number;
  added: number;
  seriesAdded: number;
  /** Cache entries of this scrape's samples without an explicit timestamp (all with track_timestamps_staleness): `seen[0..seenN)`. */
  seen: Int32Array;
  seenN: number;
  /** Why the append stopped early (parse error, label limit…): the counts above are up to there. */
  error?: Error;
}

const EMPTY = new Uint8Array(0);
const noop = (): void => undefined;
const REPORT_NAMES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;
/** Entries not seen for this many scrapes leave the cache. */
const CACHE_KEEP_ITERS = 10;

/**
 * Scrapes one target every interval and appends each scrape in one Appender batch:
 * the samples (target labels added, honor_labels / honor_timestamps applied, metric
 * relabeling applied once per new series thanks to the cache), staleness markers for
 * series gone since the previous scrape, then the report series (`up`, ...).
 */
export class ScrapeLoop {
  private readonly cache: SeriesCache;
  /** Cache entries of the previous scrape: `prev[0..prevN)`. */
  private prev: Int32Array = new Int32Array(0);
  private prevN = 0;
  /**
   * The array the next scrape fills: the one before `prev`, overwritten in place: a new
   * array per scrape lives until the next scrape, so it reached the old generation as garbage.
   */
  private spare: Int32Array = new Int32Array(0);
  private iter = 0;
  private readonly reportRefs: SeriesRef[] = [0, 0, 0, 0, 0];
  private readonly reportLabels: Labels[];
  private running: Promise<void> | undefined;
  private ctl: AbortController | undefined;
  private lastTs = 0;
  /**
   * Fails every scrape without contacting the target while set (Prometheus' setForcedError:
   * the job is over target_limit). Set by the pool.
   */
  forcedError: Error | undefined;

  constructor(
    readonly target: Target,
    private cfg: ScrapeConfig,
    private client: ScrapeClient,
    private readonly deps: LoopDeps,
  ) {
    this.cache = new SeriesCache(deps.keys);
    this.reportLabels = REPORT_NAMES.map((n) => labelsFromPairs([...target.labels.map((l): [string, string] => [l.name, l.value]), ['__name__', n]]));
  }

  /** Swaps in a new job config (same target); the series cache is dropped when `resetCache`. */
  update(cfg: ScrapeConfig, client: ScrapeClient, resetCache: boolean): void {
    this.cfg = cfg;
    this.client = client;
    if (resetCache) this.cache.reset();
  }

  /** Starts scraping on the target's phase until `stop` or `signal` aborts. */
  start(signal: AbortSignal): void {
    if (this.running !== undefined) return;
    const ctl = new AbortController();
    this.ctl = ctl;
    const sig = AbortSignal.any([signal, ctl.signal]);
    this.running = this.run(sig).catch((err: unknown) => this.deps.logger.error({ err, target: this.target.url }, 'scrape loop failed'));
  }

  /**
   * Stops the loop and waits for a scrape in flight. With `markStale` (the target went
   * away, not a shutdown), every series of the last scrape and the report series get a
   * staleness marker.
   */
  async stop(markStale: boolean): Promise<void> {
    this.ctl?.abort();
    await this.running;
    this.running = undefined;
    try {
      if (!markStale || this.iter === 0) return;
      const t = Math.max(this.deps.clock.now(), this.lastTs + 1);
      const app = this.deps.appendable.appender();
      const stale = staleNaN();
      for (let i = 0; i < this.prevN; i++) this.safeAppend(app, this.prev[i]!, undefined, undefined, t, stale);
      for (let i = 0; i < REPORT_NAMES.length; i++) this.safeAppendReport(app, i, t, stale);
      await app.commit();
    } finally {
      // The series texts go back to the shared pool; a restarted loop starts a new cache.
      this.prevN = 0;
      this.cache.clear();
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const first = this.target.offset(this.deps.clock.now(), this.deps.offsetSeed);
    if (!(await pause(first, signal))) return;
    let next = this.deps.clock.now();
    while (!signal.aborted) {
      await this.scrapeAndReport(signal);
      const iv = this.target.interval;
      next += iv;
      const now = this.deps.clock.now();
      if (next < now) next += Math.ceil((now - next) / iv) * iv; // skipped scrapes (long pause, slow host)
      if (!(await pause(next - now, signal))) return;
    }
  }

  /** One scrape, appended and committed. Resolves without writing if `signal` aborts mid-way. */
  async scrapeAndReport(signal: AbortSignal): Promise<void> {
    const t = Math.max(this.deps.clock.now(), this.lastTs + 1);
    const t0 = performance.now();
    const timeout = this.target.timeout;
    let body: Uint8Array = EMPTY;
    let contentType: string | undefined;
    /** Gives the body's buffer back to the client: after append, which is done with it. */
    let release = noop;
    let err: Error | undefined;
    // One controller and a cleared timer per scrape: AbortSignal.timeout keeps a timer and
    // AbortSignal.any a dependant registration alive after the scrape (measured: garbage
    // promoted to the old generation at 67 scrapes/s).
    const ctl = new AbortController();
    const onAbort = (): void => ctl.abort(signal.reason);
    const timer = setTimeout(() => ctl.abort(new DOMException(`scrape timed out after ${timeout / 1000}s`, 'TimeoutError')), timeout);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.forcedError !== undefined) throw this.forcedError;
      ({ body, contentType, release } = await this.client.get(this.target.url, this.deps.acceptHeader ?? this.client.acceptHeader, timeout, ctl.signal));
    } catch (e) {
      err = e instanceof Error ? e : new ScrapeError(String(e));
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) {
      release();
      return;
    }
    const duration = (performance.now() - t0) / 1000;
    this.iter++;
    let app = this.deps.appendable.appender();
    let res: AppendResult;
    /** A failed append's counts, reported as Prometheus does (samples up to the failure). */
    let counts: AppendResult | undefined;
    try {
      res = this.append(app, err === undefined ? body : EMPTY, contentType, t);
      if (res.error !== undefined) {
        counts = res;
        throw res.error;
      }
      if (this.cfg.sample_limit > 0 && res.added > this.cfg.sample_limit) {
        counts = res;
        throw new ScrapeError(`sample limit exceeded: ${res.added} samples after metric relabeling, sample_limit is ${this.cfg.sample_limit}`);
      }
    } catch (e) {
      // A failed append is an empty scrape: roll back, then mark the previous series stale.
      app.rollback();
      err = e instanceof Error ? e : new ScrapeError(String(e));
      app = this.deps.appendable.appender();
      this.iter++;
      const empty = this.append(app, EMPTY, undefined, t);
      res = counts ?? empty;
      res.seen = empty.seen;
      res.seenN = empty.seenN;
    } finally {
      release();
    }
    this.staleness(app, res.seen, res.seenN, t);
    const up = err === undefined ? 1 : 0;
    const values = [up, duration, res.total, res.added, res.seriesAdded];
    for (let i = 0; i < values.length; i++) this.safeAppendReport(app, i, t, values[i]!);
    try {
      await app.commit();
    } catch (e) {
      err ??= e instanceof Error ? e : new ScrapeError(String(e));
    }
    this.lastTs = t;
    const tg = this.target;
    tg.lastScrape = t;
    tg.lastScrapeDuration = duration;
    tg.lastError = err === undefined ? '' : err.message;
    tg.health = err === undefined ? 'up' : 'down';
    if (err !== undefined) this.deps.logger.debug({ target: tg.url, err: err.message }, 'scrape failed');
    this.deps.onScrape?.({ job: this.cfg.job_name, durationSeconds: duration, up: err === undefined });
    if (up === 1 && this.iter % CACHE_KEEP_ITERS === 0) this.gcCache();
  }

  /**
   * Appends the samples of one response. A parse error, a label limit or a storage error
   * stops it: the result then has `error`, and the counts up to that sample.
   */
  private append(app: Appender, body: Uint8Array, contentType: string | undefined, t: number): AppendResult {
    const res: AppendResult = { total: 0, added: 0, seriesAdded: 0, seen: this.spare, seenN: 0 };
    if (body.length === 0) return res;
    try {
      this.appendSamples(app, body, contentType, t, res);
    } catch (e) {
      res.error = e instanceof Error ? e : new ScrapeError(String(e));
    }
    return res;
  }

  private appendSamples(app: Appender, body: Uint8Array, contentType: string | undefined, t: number, res: AppendResult): void {
    const cache = this.cache;
    const iter = this.iter;
    const cfg = this.cfg;
    const honorTs = cfg.honor_timestamps;
    const trackTs = cfg.track_timestamps_staleness;
    const limit = cfg.sample_limit;
    const p = this.deps.parse(body, effectiveContentType(contentType, cfg.fallback_scrape_protocol));
    while (p.next()) {
      res.total++;
      let e = cache.get(p.key, p.keyStart, p.keyEnd);
      let labels: Labels | undefined;
      if (e < 0) {
        labels = this.buildLabels(p.metricName(), p.labelPairs());
        e = cache.add(p.key, p.keyStart, p.keyEnd, labels === undefined, iter);
        if (labels !== undefined) res.seriesAdded++;
      }
      cache.lastIter[e] = iter;
      if (cache.dropped[e] === 1) continue;
      res.added++;
      if (limit > 0 && res.added > limit) continue; // keep counting; the caller fails the scrape
      const ts = honorTs ? p.timestamp() : undefined;
      this.safeAppend(app, e, labels, p, ts ?? t, p.value());
      // A sample with its own timestamp gets no staleness marker unless track_timestamps_staleness.
      if (ts === undefined || trackTs) {
        if (res.seenN === res.seen.length) {
          const bigger = new Int32Array(Math.max(64, res.seen.length * 2));
          bigger.set(res.seen);
          res.seen = bigger;
        }
        res.seen[res.seenN++] = e;
      }
    }
  }

  /** Labels of a new series: target labels merged per honor_labels, then metric_relabel_configs. */
  private buildLabels(name: string, pairs: [string, string][]): Labels | undefined {
    const m = new Map<string, string>();
    for (const [k, v] of pairs) {
      if (m.has(k)) throw new ScrapeError(`label name ${JSON.stringify(k)} is not unique in series ${name}`);
      if (v !== '') m.set(k, v);
    }
    m.set('__name__', name);
    const conflicts: [string, string][] = [];
    for (const l of this.target.labels) {
      const have = m.get(l.name);
      if (this.cfg.honor_labels) {
        if (have === undefined) m.set(l.name, l.value);
        continue;
      }
      if (have !== undefined) conflicts.push([l.name, have]);
      m.set(l.name, l.value);
    }
    // Prometheus' resolveConflictingExposedLabels: shortest names first, exported_ repeated until free.
    conflicts.sort((a, b) => a[0].length - b[0].length);
    for (const [n, v] of conflicts) {
      let nn = n;
      for (;;) {
        nn = 'exported_' + nn;
        if (!m.has(nn)) {
          m.set(nn, v);
          break;
        }
      }
    }
    const labels = relabel(labelsFromPairs(m), this.cfg.metric_relabel_configs);
    if (labels === undefined) return undefined;
    this.checkLimits(labels);
    return this.deps.interner.labels(labels);
  }

  /**
   * Prometheus' verifyLabelLimits on the final labels (after relabeling, `__name__`
   * included): lengths are in UTF-8 bytes, as Go's len(), and the message names the
   * metric as relabeling left it, each part cut to 50 characters.
   */
  private checkLimits(labels: Labels): void {
    const c = this.cfg;
    if (c.label_limit === 0 && c.label_name_length_limit === 0 && c.label_value_length_limit === 0) return;
    const name = (): string => clip(labelValue(labels, '__name__'));
    if (c.label_limit > 0 && labels.length > c.label_limit) {
      throw new ScrapeError(`label_limit exceeded (metric: ${name()}, number of labels: ${labels.length}, limit: ${c.label_limit})`);
    }
    for (const l of labels) {
      const nameLen = c.label_name_length_limit > 0 ? bytesOver(l.name, c.label_name_length_limit) : 0;
      if (nameLen > 0) {
        throw new ScrapeError(`label_name_length_limit exceeded (metric: ${name()}, label name: ${clip(l.name)}, length: ${nameLen}, limit: ${c.label_name_length_limit})`);
      }
      const valueLen = c.label_value_length_limit > 0 ? bytesOver(l.value, c.label_value_length_limit) : 0;
      if (valueLen > 0) {
        throw new ScrapeError(`label_value_length_limit exceeded (metric: ${name()}, label name: ${clip(l.name)}, value: ${JSON.stringify(clip(l.value))}, length: ${valueLen}, limit: ${c.label_value_length_limit})`);
      }
    }
  }

  /** Staleness markers for series of the previous scrape missing from this one. */
  private staleness(app: Appender, seen: Int32Array, seenN: number, t: number): void {
    let seenRefs: Set<number> | undefined;
    const stale = staleNaN();
    const cache = this.cache;
    for (let i = 0; i < this.prevN; i++) {
      const e = this.prev[i]!;
      if (cache.lastIter[e] === this.iter) continue;
      // Another cache entry (other text, same labels after relabeling, so the same series
      // and ref) may still be present.
      if (seenRefs === undefined) {
        seenRefs = new Set();
        for (let j = 0; j < seenN; j++) seenRefs.add(cache.refs[seen[j]!]!);
      }
      const ref = cache.refs[e]!;
      if (ref !== 0 && seenRefs.has(ref)) continue;
      this.safeAppend(app, e, undefined, undefined, t, stale);
    }
    if (seen !== this.prev) {
      this.spare = this.prev;
      this.prev = seen;
    }
    this.prevN = seenN;
  }

  /**
   * Appends to cache entry `e`'s series by ref while storage still knows it; otherwise with
   * its labels: `labels` if just built, else rebuilt from `line` (the parser on the entry's
   * sample) or from the entry's key (staleness markers).
   */
  private safeAppend(app: Appender, e: number, labels: Labels | undefined, line: ExpositionParserLike | undefined, t: number, v: number): void {
    const refs = this.cache.refs;
    const ref = refs[e]!;
    try {
      if (ref !== 0 && app.appendRef !== undefined && app.appendRef(ref, t, v)) return;
      labels ??= line !== undefined ? this.buildLabels(line.metricName(), line.labelPairs()) : this.labelsFromKey(e);
      if (labels !== undefined) refs[e] = app.append(ref, labels, t, v);
    } catch (err) {
      if (!(err instanceof SampleRejectedError)) throw err;
    }
  }

  /** Entry `e`'s final labels rebuilt from its key, as its first scrape built them; undefined if that fails. */
  private labelsFromKey(e: number): Labels | undefined {
    const key = this.cache.key(e);
    const line = new Uint8Array(key.length + 3);
    line.set(key);
    line.set([0x20, 0x30, 0x0a], key.length); // " 0\n": a sample line of the text format
    try {
      const p = this.deps.parse(line, 'text/plain; version=0.0.4');
      return p.next() ? this.buildLabels(p.metricName(), p.labelPairs()) : undefined;
    } catch (err) {
      this.deps.logger.debug({ target: this.target.url, err: String(err) }, 'cached series text no longer gives labels');
      return undefined;
    }
  }

  private safeAppendReport(app: Appender, i: number, t: number, v: number): void {
    const ref = this.reportRefs[i]!;
    try {
      if (ref !== 0 && app.appendRef !== undefined && app.appendRef(ref, t, v)) return;
      this.reportRefs[i] = app.append(ref, this.reportLabels[i]!, t, v);
    } catch (err) {
      if (!(err instanceof SampleRejectedError)) throw err;
    }
  }

  private gcCache(): void {
    this.cache.gc(this.iter, CACHE_KEEP_ITERS);
  }

  /** Number of cached series texts (for tests and metrics). */
  cacheSize(): number {
    return this.cache.size();
  }
}

/**
 * 0 if `s` fits in `limit` UTF-8 bytes (Go's len), else its UTF-8 length. A UTF-16 unit
 * takes at most 3 bytes, so only strings longer than limit/3 units are measured.
 */
function bytesOver(s: string, limit: number): number {
  if (s.length * 3 <= limit) return 0;
  const n = Buffer.byteLength(s, 'utf8');
  return n > limit ? n : 0;
}

/** The first 50 characters (code points, as Go's %.50s counts runes) of `s`. */
function clip(s: string): string {
  return s.length <= 50 ? s : Array.from(s).slice(0, 50).join('');
}

/** Sleeps `ms`; false if `signal` aborted. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
