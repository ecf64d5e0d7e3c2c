import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import type { Matcher } from '../model/index.js';
import type { Appender, Querier, SelectHints, SeriesSet, Storage } from '../storage/index.js';
import { ArraySeriesSet } from '../storage/index.js';
import { appendBackfillToHead, type BackfillResult, type BackfillSeries, backfillWindow, checkBackfill, writeBackfillBlocks } from './backfill.js';
import { Block, isUlid } from './block/index.js';
import { Head, WalReplayer } from './head/index.js';
import { lockDir } from './lock.js';
import { Maintenance } from './maintenance.js';
import { resolveOptions, type DbOptions, type ResolvedDbOptions } from './options.js';
import { MergeSeriesSet, mergeSortedStrings } from './querier/index.js';
import { Wal, lastCheckpoint, replayCheckpoint, replayWal } from './wal/index.js';

/** Figures the composition root exports as metrics. */
export interface DbStats {
  readonly headSeries: number;
  readonly headMinTime: number;
  readonly headMaxTime: number;
  readonly samplesAppended: number;
  readonly seriesCreated: number;
  readonly seriesRemoved: number;
  readonly chunksCreated: number;
  readonly chunksRemoved: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly blocks: number;
  readonly blockBytes: number;
  readonly walBytes: number;
  readonly compactions: number;
  readonly compactionFailures: number;
  readonly headTruncations: number;
  readonly retentionDeletions: number;
}

/**
 * The embedded time-series database: a head (recent samples in memory, made durable by
 * the WAL) and immutable blocks on disk, compacted and expired in the background.
 * Implements `Storage`. Open with `Db.open`; `close` stops maintenance, waits for it,
 * fsyncs the WAL and releases the directory lock.
 */
export class Db implements Storage {
  private closed = false;

  private constructor(
    readonly opts: ResolvedDbOptions,
    readonly head: Head,
    private readonly wal: Wal,
    private readonly blocksRef: { list: Block[] },
    private readonly maintenance: Maintenance,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(options: DbOptions): Promise<Db> {
    const opts = resolveOptions(options);
    const log = opts.logger;
    await mkdir(opts.dir, { recursive: true });
    const unlock = await lockDir(opts.dir);
    try {
      const blocksDir = join(opts.dir, 'blocks');
      const walDir = join(opts.dir, 'wal');
      await mkdir(blocksDir, { recursive: true });
      const blocks = await openBlocks(blocksDir, log);
      // The WAL opens after replay (replay repairs it first); commits only start after that.
      const walRef: { wal?: Wal } = {};
      const head = new Head({ chunkRange: opts.blockDuration, log: (recs) => walRef.wal!.log(recs) });
      const newestBlock = blocks.reduce((m, b) => Math.max(m, b.meta.maxTime), -Infinity);
      head.minValidTime = newestBlock === -Infinity ? -Infinity : newestBlock + 1;
      const started = opts.clock.now();
      const replayer = new WalReplayer(head);
      const cp = await lastCheckpoint(walDir);
      if (cp) await replayCheckpoint(cp.path, replayer.apply);
      const stats = await replayWal(walDir, cp ? cp.segment : 0, replayer.apply, log);
      const c = replayer.counts;
      log.info(
        { series: head.numSeries(), samples: c.samples, chunks: c.chunks, skipped: c.skipped, segments: stats, ms: opts.clock.now() - started },
        'WAL replayed',
      );
      const wal = await Wal.open(walDir, { segmentSize: opts.walSegmentSize, logger: log, syncIntervalMs: opts.walSyncInterval });
      walRef.wal = wal;
      const blocksRef = { list: blocks };
      const maintenance = new Maintenance(opts, head, wal, blocksRef);
      const db = new Db(opts, head, wal, blocksRef, maintenance, unlock);
      maintenance.start();
      return db;
    } catch (e) {
      await unlock();
      throw e;
    }
  }

  appender(): Appender {
    if (this.closed) throw new Error('database is closed');
    const inner = this.head.appender();
    const maintenance = this.maintenance;
    return {
      append: (ref, labels, t, v) => inner.append(ref, labels, t, v),
      appendRef: (ref, t, v) => inner.appendRef(ref, t, v),
      labelsOf: (ref) => inner.labelsOf(ref),
      rollback: () => inner.rollback(),
      commit: async () => {
        await inner.commit();
        maintenance.poke();
      },
    };
  }

  /** Reads blocks and head over [mint, maxt] (inclusive). The caller must close the querier. */
  querier(mint: number, maxt: number): Querier {
    if (this.closed) throw new Error('database is closed');
    const parts: Querier[] = [];
    let disjoint = true;
    let lastMax = -Infinity;
    for (const b of this.blocksRef.list) {
      if (!b.overlaps(mint, maxt)) continue;
      if (b.meta.minTime <= lastMax) disjoint = false;
      lastMax = Math.max(lastMax, b.meta.maxTime);
      parts.push(b.querier(mint, maxt));
    }
    if (this.head.maxTime >= mint && this.head.minTime <= maxt) {
      if (this.head.minTime <= lastMax) disjoint = false;
      parts.push(this.head.querier(mint, maxt));
    }
    return new DbQuerier(parts, mint, maxt, disjoint);
  }

  startTime(): number {
    const b = this.blocksRef.list[0];
    return Math.min(b?.meta.minTime ?? Infinity, this.head.minTime);
  }

  blocks(): readonly Block[] {
    return this.blocksRef.list;
  }

  /** Runs maintenance now until nothing is left to do (head persistence, compaction, retention); for tests and tools. */
  compactNow(): Promise<void> {
    return this.maintenance.drain();
  }

  /**
   * Backfills samples (`vigie import`): `series` in `compareLabels` order, each once, timestamps
   * strictly increasing (else BackfillError, nothing written). Samples older than the head's
   * oldest sample (all of them when the head is empty) are written as new blocks, one per
   * aligned window of the largest compaction range, bounded by their actual oldest and newest
   * samples; blocks may overlap existing ones: queries merge them and compaction (started here)
   * merges them. The head then refuses samples older than the newest block, as after a restart.
   * Samples at or after the head's oldest go through the head appender (WAL-logged); those it
   * refuses (out of order for a series the head holds) are counted in `rejected`. Meant for a
   * database nothing else writes to meanwhile; blocks past the retention are deleted by the
   * next maintenance round, as any block.
   */
  async importSamples(series: readonly BackfillSeries[]): Promise<BackfillResult> {
    if (this.closed) throw new Error('database is closed');
    checkBackfill(series);
    const cutoff = this.head.maxTime >= this.head.minTime ? this.head.minTime : Infinity;
    const blocks = await writeBackfillBlocks(join(this.opts.dir, 'blocks'), series, cutoff, backfillWindow(this.opts), this.opts.clock.now());
    if (blocks.length > 0) {
      this.blocksRef.list = [...this.blocksRef.list, ...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
      const newest = Math.max(...blocks.map((b) => b.meta.maxTime));
      if (this.head.minValidTime < newest + 1) this.head.minValidTime = newest + 1;
    }
    const head = cutoff === Infinity ? { appended: 0, rejected: { out_of_order: 0, duplicate: 0, too_old: 0, invalid: 0 } } : await appendBackfillToHead(this, series, cutoff);
    void this.maintenance.runOnce();
    return {
      blocks: blocks.length,
      blockSamples: blocks.reduce((n, b) => n + b.meta.stats.numSamples, 0),
      headSamples: head.appended,
      rejected: head.rejected,
    };
  }

  /** Writes a consistent copy of the database to `dir` (blocks hard-linked, head persisted as a block). */
  snapshot(dir: string): Promise<void> {
    return this.maintenance.snapshot(dir);
  }

  stats(): DbStats {
    const h = this.head.stats;
    const m = this.maintenance.stats;
    return {
      headSeries: this.head.numSeries(),
      headMinTime: this.head.minTime,
      headMaxTime: this.head.maxTime,
      samplesAppended: h.samplesAppended,
      seriesCreated: h.seriesCreated,
      seriesRemoved: h.seriesRemoved,
      chunksCreated: h.chunksCreated,
      chunksRemoved: h.chunksRemoved,
      rejected: { ...h.rejected },
      blocks: this.blocksRef.list.length,
      blockBytes: this.blocksRef.list.reduce((s, b) => s + b.sizeBytes, 0),
      walBytes: this.wal.sizeBytes(),
      ...m,
    };
  }

  /**
   * Head cardinality in the shape of Prometheus' /api/v1/status/tsdb: head figures and the
   * top `limit` metric names, label names and label pairs by series count.
   */
  headStatus(limit = 10): unknown {
    const p = this.head.postings;
    const top = (items: { name: string; value: number }[]): { name: string; value: number }[] =>
      items.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
    const byMetric: { name: string; value: number }[] = [];
    const byLabelName: { name: string; value: number }[] = [];
    const byPair: { name: string; value: number }[] = [];
    const memory: { name: string; value: number }[] = [];
    let pairs = 0;
    for (const name of p.labelNames()) {
      const values = p.labelValues(name);
      pairs += values.length;
      byLabelName.push({ name, value: values.length });
      let bytes = 0;
      for (const value of values) {
        const n = p.count(name, value);
        bytes += value.length * n;
        byPair.push({ name: `${name}=${value}`, value: n });
        if (name === '__name__') byMetric.push({ name: value, value: n });
      }
      memory.push({ name, value: bytes });
    }
    const h = this.head;
    return {
      headStats: {
        numSeries: h.numSeries(),
        numLabelPairs: pairs,
        chunkCount: h.stats.chunksCreated - h.stats.chunksRemoved,
        minTime: Number.isFinite(h.minTime) ? h.minTime : 0,
        maxTime: Number.isFinite(h.maxTime) ? h.maxTime : 0,
      },
      seriesCountByMetricName: top(byMetric),
      labelValueCountByLabelName: top(byLabelName),
      memoryInBytesByLabelName: top(memory),
      seriesCountByLabelValuePair: top(byPair),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance.stop();
    await this.wal.close();
    await Promise.all(this.blocksRef.list.map((b) => b.close(false, true)));
    await this.unlock();
  }
}

/** Merges the queriers of the blocks and the head; closing it closes them all. */
class DbQuerier implements Querier {
  /**
   * @param disjoint the parts cover disjoint time ranges in order (blocks sorted by time,
   *   none overlapping, head after them): samples are concatenated instead of merged.
   */
  constructor(
    private readonly parts: readonly Querier[],
    readonly mint: number,
    readonly maxt: number,
    private readonly disjoint: boolean,
  ) {}
  select(matchers: readonly Matcher[], hints?: SelectHints, signal?: AbortSignal): SeriesSet {
    if (this.parts.length === 0) return new ArraySeriesSet([]);
    if (this.parts.length === 1) return this.parts[0]!.select(matchers, hints, signal);
    return new MergeSeriesSet(
      this.parts.map((p) => p.select(matchers, hints, signal)),
      this.disjoint,
    );
  }
  async labelNames(matchers?: readonly Matcher[]): Promise<string[]> {
    return mergeSortedStrings(await Promise.all(this.parts.map((p) => p.labelNames(matchers))));
  }
  async labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
    return mergeSortedStrings(await Promise.all(this.parts.map((p) => p.labelValues(name, matchers))));
  }
  close(): void {
    for (const p of this.parts) p.close();
  }
}

/**
 * Opens every block directory, sorted by min time. Leftover `.tmp` directories (a crash
 * during a write) are removed; a block that fails to open is renamed `<ulid>.corrupt`
 * with an error log line, so the server still starts and the data can be inspected.
 */
async function openBlocks(dir: string, log: Logger): Promise<Block[]> {
  const blocks: Block[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if (name.endsWith('.tmp') || name.endsWith('.deleting')) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (!isUlid(name)) continue;
    try {
      blocks.push(await Block.open(path));
    } catch (err) {
      log.error({ err, block: path }, 'cannot open block: moved aside as .corrupt, its data is not served');
      await rename(path, `${path}.corrupt`).catch(() => undefined);
    }
  }
  return blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
}
