import type { Labels } from '../../model/index.js';
import type { RejectReason } from '../../storage/index.js';
import { MemPostings } from '../index/index.js';
import { SamplesEncoder } from '../record/index.js';
import { HeadAppender, newAppendBuffers, type AppendBuffers } from './appender.js';
import { HeadChunks } from './head-chunks.js';
import { IntMultiMap, NONE } from './int-map.js';
import { SeriesTable } from './series-table.js';
import { HeadQuerier } from './querier.js';

export interface HeadOptions {
  /** Block duration in ms (default 2 h): head chunks never cross a multiple of it. */
  readonly chunkRange: number;
  /**
   * Writes records to the WAL before samples become visible; must hand them to the OS
   * before returning (throwing makes the commit fail and drops the batch). The records
   * may be views of reused buffers: copy them to keep them past the call. Omit for a
   * head without durability (tests, snapshots).
   */
  readonly log?: (records: readonly Uint8Array[]) => void;
}

/** Running counts the DB exposes as metrics. */
export interface HeadStats {
  samplesAppended: number;
  seriesCreated: number;
  seriesRemoved: number;
  chunksCreated: number;
  chunksRemoved: number;
  rejected: Record<RejectReason, number>;
}

/**
 * The in-memory part of the database: recent samples of every active series in XOR
 * chunks, with an inverted index. Holds [minTime, maxTime]; samples older than
 * `minValidTime` (already persisted in blocks) are refused.
 *
 * Series live in columns (SeriesTable) at a *slot*; a series' *ref* (its id in the WAL,
 * the postings and appenders) is never reused, and maps to the slot through `slotOf`.
 * Slots are reused, so hold refs, not slots, across anything that may truncate the head.
 */
export class Head {
  readonly chunkRange: number;
  readonly log: ((records: readonly Uint8Array[]) => void) | undefined;
  readonly postings = new MemPostings();
  readonly series = new SeriesTable();
  readonly chunks: HeadChunks;
  /** Reused by appenders at commit (commits run one at a time: JS is single-threaded). */
  readonly samplesEncoder = new SamplesEncoder(1 << 16);
  /** Slot by ref. */
  private readonly byRef = new IntMultiMap();
  /** Slots by a 30-bit hash of their labels (colliding series share a key). */
  private readonly byHash = new IntMultiMap();
  /** Buffers the last finished appender left for the next one (see AppendBuffers). */
  private spareBuffers: AppendBuffers | undefined;
  private nextRef = 1;
  /** Bounds of the samples held, inclusive; Infinity/-Infinity when empty. */
  minTime = Infinity;
  maxTime = -Infinity;
  /** Samples with t < minValidTime are refused (they belong to persisted blocks). */
  minValidTime = -Infinity;
  readonly stats: HeadStats = {
    samplesAppended: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    chunksCreated: 0,
    chunksRemoved: 0,
    rejected: { out_of_order: 0, duplicate: 0, too_old: 0, invalid: 0 },
  };

  constructor(opts: HeadOptions) {
    this.chunkRange = opts.chunkRange;
    this.log = opts.log;
    this.chunks = new HeadChunks(this.series, opts.chunkRange);
  }

  appender(): HeadAppender {
    return new HeadAppender(this);
  }

  /** @internal The spare appender buffers, or new ones. */
  takeAppendBuffers(): AppendBuffers {
    const b = this.spareBuffers;
    this.spareBuffers = undefined;
    return b ?? newAppendBuffers();
  }

  /** @internal Keeps an appender's buffers for the next one (the larger set wins). */
  returnAppendBuffers(b: AppendBuffers): void {
    if (this.spareBuffers === undefined || this.spareBuffers.refs.length < b.refs.length) this.spareBuffers = b;
  }

  querier(mint: number, maxt: number): HeadQuerier {
    return new HeadQuerier(this, mint, maxt);
  }

  numSeries(): number {
    return this.series.live();
  }

  /** The slot of the series with this ref, or -1. */
  slotOf(ref: number): number {
    if (ref <= 0) return -1;
    const s = this.byRef.get(ref);
    return s === NONE ? -1 : s;
  }

  /** The labels of the series with this ref, if it is in the head. */
  labelsOf(ref: number): Labels | undefined {
    const s = this.slotOf(ref);
    return s < 0 ? undefined : this.series.labels.get(s);
  }

  /** The slot of the series with these labels, or -1. */
  seriesByLabels(labels: Labels): number {
    return this.findByHash(labelsHash(labels), labels);
  }

  private findByHash(h: number, labels: Labels): number {
    const all = this.series.labels;
    const s = this.byHash.find(h, (slot) => all.equals(slot, labels));
    return s === NONE ? -1 : s;
  }

  /** The slot of the series with these labels, created (with a new ref, or `ref` on WAL replay) if absent. */
  getOrCreate(labels: Labels, ref?: number): number {
    const h = labelsHash(labels);
    const found = this.findByHash(h, labels);
    if (found >= 0) return found;
    // A replayed ref already naming other labels (a damaged WAL) gets a fresh ref: the
    // replayer aliases it, as for a series re-created under a new ref.
    let r = ref ?? this.nextRef;
    if (this.slotOf(r) >= 0) r = this.nextRef;
    if (r >= this.nextRef) this.nextRef = r + 1;
    const slot = this.series.alloc(r, labels);
    this.byHash.insert(h, slot);
    this.byRef.insert(r, slot);
    this.postings.add(r, labels);
    this.stats.seriesCreated++;
    return slot;
  }

  /** Every live slot, in slot order (not ref order). */
  liveSlots(): number[] {
    const out: number[] = [];
    const labels = this.series.labels;
    for (let s = 0, end = this.series.end(); s < end; s++) if (labels.has(s)) out.push(s);
    return out;
  }

  /** Widens [minTime, maxTime] to include t. */
  noteTime(t: number): void {
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  /**
   * Drops every chunk that ends before `mint` (persisted elsewhere) and removes series left
   * empty. Raises `minValidTime` to `mint`. Returns the removed series' refs.
   */
  truncateBefore(mint: number): number[] {
    if (mint > this.minValidTime) this.minValidTime = mint;
    const removed: number[] = [];
    let newMin = Infinity;
    const S = this.series, chunks = this.chunks;
    for (const slot of this.liveSlots()) {
      this.stats.chunksRemoved += chunks.truncateBefore(slot, mint);
      if (chunks.isEmpty(slot) && S.pendingT[slot] === -Infinity) {
        const ref = S.ref[slot]!;
        removed.push(ref);
        this.byRef.delete(ref, slot);
        this.byHash.delete(labelsHash(S.labels.get(slot)!), slot);
        S.free(slot);
      } else {
        const m = chunks.minTime(slot);
        if (m < newMin) newMin = m;
      }
    }
    chunks.releaseBefore(mint);
    if (removed.length > 0) this.postings.delete(removed);
    this.stats.seriesRemoved += removed.length;
    this.minTime = newMin;
    if (newMin === Infinity) this.maxTime = -Infinity;
    return removed;
  }
}

/**
 * 30-bit hash of a label set (FNV-1a over names and values with separators, then a final
 * mix): a small integer, so the head's series map holds no key strings.
 */
export function labelsHash(labels: Labels): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    const n = l.name;
    for (let j = 0; j < n.length; j++) h = Math.imul(h ^ n.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
    const v = l.value;
    for (let j = 0; j < v.length; j++) h = Math.imul(h ^ v.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0xfe, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x3fffffff;
}
