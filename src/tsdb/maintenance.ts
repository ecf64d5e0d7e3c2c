import { link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Matcher } from '../model/index.js';
import { Block, HEAD_BLOCK_DENSE, writeBlock, type BlockMeta } from './block/index.js';
import { headSamplesInRange } from './persist-head.js';
import { compactionRanges, drainSeries, planCompaction } from './compact/index.js';
import { checkpointRecords, type Head } from './head/index.js';
import type { ResolvedDbOptions } from './options.js';
import { MergeSeriesSet } from './querier/index.js';
import { writeCheckpoint, type Wal } from './wal/index.js';

/** Work done per maintenance round before the next is queued (see `cycle`). */
const MAX_HEAD_RANGES_PER_CYCLE = 4;
const MAX_COMPACTIONS_PER_CYCLE = 4;

/** Selects every series (a regexp matching the empty string selects series without the label too). */
const allSeries = (): Matcher[] => [new Matcher('=~', '__name__', '.*')];

/**
 * Background work on the database, one task at a time: persisting the head's oldest
 * block range, compacting blocks, applying retention, writing snapshots.
 */
export class Maintenance {
  readonly stats = { compactions: 0, compactionFailures: 0, headTruncations: 0, retentionDeletions: 0 };
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly ranges: number[];

  constructor(
    private readonly opts: ResolvedDbOptions,
    private readonly head: Head,
    private readonly wal: Wal,
    private readonly blocks: { list: Block[] },
  ) {
    this.ranges = compactionRanges(opts.blockDuration, opts.maxBlockDuration);
  }

  private get blocksDir(): string {
    return join(this.opts.dir, 'blocks');
  }

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.opts.maintenanceInterval);
    this.timer.unref();
    void this.runOnce();
  }

  /** Called after each commit: schedules work when the head has grown past 1.5 block ranges. */
  poke(): void {
    if (!this.queued && this.headCompactable()) void this.runOnce();
  }

  private headCompactable(): boolean {
    const h = this.head;
    return h.maxTime - h.minTime > (this.opts.blockDuration / 2) * 3;
  }

  /** Queues one full cycle; resolves when it has run. Errors are logged and counted, never thrown. */
  runOnce(): Promise<void> {
    if (this.stopped || this.queued) return this.chain;
    this.queued = true;
    return this.enqueue(async () => {
      this.queued = false;
      await this.cycle();
    });
  }

  /** Runs `task` after the work already queued; errors are logged and counted, never thrown. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (err) {
        this.stats.compactionFailures++;
        this.opts.logger.error({ err }, 'storage maintenance failed; will retry');
      }
    });
    return this.chain;
  }

  /** Stops the timer and waits for running work. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  /**
   * One bounded round of work. Bounded so that a fast backfill, where ingestion keeps the
   * head compactable all along, still gets checkpoints, compaction and retention: when work
   * is left, another round is queued behind this one.
   */
  private async cycle(): Promise<boolean> {
    let persisted = 0;
    while (this.headCompactable() && !this.stopped && persisted < MAX_HEAD_RANGES_PER_CYCLE) {
      await this.persistHeadRange();
      persisted++;
    }
    if (persisted > 0) await this.checkpoint();
    let compacted = 0;
    for (; compacted < MAX_COMPACTIONS_PER_CYCLE && !this.stopped; compacted++) {
      const group = planCompaction(this.blocks.list.map((b) => b.meta), this.ranges);
      if (!group) break;
      await this.compact(group);
    }
    const removed = await this.applyRetention();
    if (persisted > 0 || compacted > 0 || removed > 0) this.opts.releaseMemory?.();
    const more = !this.stopped && (this.headCompactable() || compacted === MAX_COMPACTIONS_PER_CYCLE);
    if (more) void this.runOnce();
    return more;
  }

  /** Runs rounds until no work is left (for tests and tools; the server relies on the timer). */
  async drain(): Promise<void> {
    for (let i = 0; i < 10_000 && !this.stopped; i++) {
      let more = false;
      await this.enqueue(async () => {
        more = await this.cycle();
      });
      if (!more) return;
    }
  }

  /** Writes the head's oldest block range to a block, then drops it from the head. */
  private async persistHeadRange(): Promise<void> {
    const range = this.opts.blockDuration;
    const mint = Math.floor(this.head.minTime / range) * range;
    const maxt = mint + range - 1;
    // From here on the head refuses samples in the range being persisted, so none is lost.
    if (this.head.minValidTime < maxt + 1) this.head.minValidTime = maxt + 1;
    const started = this.opts.clock.now();
    const meta = await writeBlock(
      this.blocksDir,
      headSamplesInRange(this.head, mint, maxt),
      { mint, maxt, level: 1, sources: [], nowMs: started },
      HEAD_BLOCK_DENSE,
    );
    if (meta) await this.addBlock(meta);
    this.head.truncateBefore(maxt + 1);
    this.stats.headTruncations++;
    this.opts.logger.info(
      { block: meta?.ulid, mint: new Date(mint).toISOString(), samples: meta?.stats.numSamples ?? 0, ms: this.opts.clock.now() - started },
      'head range persisted',
    );
  }

  /** Replaces the WAL's history with a checkpoint of the head as it is now. */
  private async checkpoint(): Promise<void> {
    const walDir = join(this.opts.dir, 'wal');
    // Both steps run in one synchronous stretch: no commit can fall between them.
    const segment = this.wal.cut();
    const records = checkpointRecords(this.head);
    await writeCheckpoint(walDir, segment, records);
    await this.wal.truncateBefore(segment);
  }

  private async compact(group: readonly BlockMeta[]): Promise<void> {
    const started = this.opts.clock.now();
    const sources = group.map((m) => this.blocks.list.find((b) => b.ulid === m.ulid)!).sort((a, b) => a.meta.minTime - b.meta.minTime);
    const disjoint = sources.every((b, i) => i === 0 || b.meta.minTime > sources[i - 1]!.meta.maxTime);
    const mint = Math.min(...group.map((m) => m.minTime));
    const maxt = Math.max(...group.map((m) => m.maxTime));
    const queriers = sources.map((b) => b.querier(mint, maxt));
    let meta: BlockMeta | undefined;
    try {
      const set = new MergeSeriesSet(queriers.map((q) => q.select(allSeries())), disjoint);
      meta = await writeBlock(this.blocksDir, drainSeries(set), {
        mint,
        maxt,
        level: Math.max(...group.map((m) => m.compaction.level)) + 1,
        sources: group.flatMap((m) => (m.compaction.sources.length > 0 ? m.compaction.sources : [m.ulid])),
        nowMs: started,
      });
    } finally {
      for (const q of queriers) q.close();
    }
    if (meta) await this.addBlock(meta);
    await this.removeBlocks(sources);
    this.stats.compactions++;
    this.opts.logger.info({ block: meta?.ulid, sources: group.length, ms: this.opts.clock.now() - started }, 'blocks compacted');
  }

  private async addBlock(meta: BlockMeta): Promise<void> {
    const b = await Block.open(join(this.blocksDir, meta.ulid));
    this.blocks.list = [...this.blocks.list, b].sort((x, y) => x.meta.minTime - y.meta.minTime);
  }

  private async removeBlocks(remove: readonly Block[]): Promise<void> {
    const gone = new Set(remove);
    this.blocks.list = this.blocks.list.filter((b) => !gone.has(b));
    await Promise.all(remove.map((b) => b.retire()));
  }

  /** Deletes blocks past the time retention, then the oldest while over the size limit. Returns how many. */
  private async applyRetention(): Promise<number> {
    const list = this.blocks.list;
    if (list.length === 0) return 0;
    const newest = Math.max(this.head.maxTime, ...list.map((b) => b.meta.maxTime));
    const expired = list.filter((b) => b.meta.maxTime < newest - this.opts.retentionTime);
    if (this.opts.retentionSize > 0) {
      let total = this.wal.sizeBytes() + list.reduce((s, b) => s + b.sizeBytes, 0);
      for (const b of list) if (expired.includes(b)) total -= b.sizeBytes;
      for (const b of list) {
        if (total <= this.opts.retentionSize) break;
        if (expired.includes(b)) continue;
        expired.push(b);
        total -= b.sizeBytes;
      }
    }
    if (expired.length === 0) return 0;
    await this.removeBlocks(expired);
    this.stats.retentionDeletions += expired.length;
    this.opts.logger.info({ blocks: expired.map((b) => b.ulid) }, 'blocks deleted by retention');
    return expired.length;
  }

  /**
   * Writes an openable copy of the database into `dir`: persisted blocks are hard-linked
   * (they are immutable), the head's samples are written as a new block. Ingestion goes on.
   */
  snapshot(dir: string): Promise<void> {
    const task = this.chain.then(async () => {
      const blocksDir = join(dir, 'blocks');
      await mkdir(blocksDir, { recursive: true });
      for (const b of this.blocks.list) {
        const to = join(blocksDir, b.ulid);
        await mkdir(to);
        for (const f of await readdir(b.dir)) await link(join(b.dir, f), join(to, f));
      }
      const h = this.head;
      if (h.maxTime >= h.minTime) {
        const q = h.querier(h.minTime, h.maxTime);
        await writeBlock(blocksDir, drainSeries(q.select(allSeries())), {
          mint: h.minTime,
          maxt: h.maxTime,
          level: 1,
          sources: [],
          nowMs: this.opts.clock.now(),
        });
        q.close();
      }
    });
    this.chain = task.catch(() => undefined);
    return task;
  }
}
