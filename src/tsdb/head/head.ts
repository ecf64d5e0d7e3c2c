import { labelsEqual, type Labels } from '../../model/index.js';
import type { Appender, RejectReason } from '../../storage/index.js';
import { MemPostings } from '../index/index.js';
import { SamplesEncoder } from '../record/index.js';
import { HeadAppender, newAppendBuffers, type AppendBuffers } from './appender.js';
import { HEAD_CHUNK_BYTES, MemSeries } from './mem-series.js';
import { ChunkArena } from './chunk-arena.js';
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
 */
export class Head {
  readonly chunkRange: number;
  readonly log: ((records: readonly Uint8Array[]) => void) | undefined;
  readonly postings = new MemPostings();
  /** Initial buffers of head chunks, by block-range window (see ChunkArena). */
  readonly arena = new ChunkArena(HEAD_CHUNK_BYTES);
  /** Reused by appenders at commit (commits run one at a time: JS is single-threaded). */
  readonly samplesEncoder = new SamplesEncoder(1 << 16);
  /** Series by ref; holes where series were removed. */
  private readonly byRef: (MemSeries | undefined)[] = [];
  /**
   * Series by a 30-bit hash of their labels (a small-integer key), colliding series in an
   * array. Keying by `labelsKey` strings cost a string of ~100–200 bytes (a rope of one
   * piece per label) per series: ~2× the rest of a series' index entry at 500k series.
   */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  /** Buffers the last finished appender left for the next one (see AppendBuffers). */
  private spareBuffers: AppendBuffers | undefined;
  private nextRef = 1;
  private numSeriesLive = 0;
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
  }

  appender(): Appender {
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
    return this.numSeriesLive;
  }

  seriesByRef(ref: number): MemSeries | undefined {
    return this.byRef[ref];
  }

  seriesByLabels(labels: Labels): MemSeries | undefined {
    const e = this.byHash.get(labelsHash(labels));
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels === labels || labelsEqual(e.labels, labels) ? e : undefined;
    for (const s of e) if (s.labels === labels || labelsEqual(s.labels, labels)) return s;
    return undefined;
  }

  /** The series with these labels, created (with a new ref, or `ref` on WAL replay) if absent. */
  getOrCreate(labels: Labels, ref?: number): MemSeries {
    const h = labelsHash(labels);
    const e = this.byHash.get(h);
    if (e !== undefined) {
      if (!Array.isArray(e)) {
        if (e.labels === labels || labelsEqual(e.labels, labels)) return e;
      } else {
        for (const x of e) if (x.labels === labels || labelsEqual(x.labels, labels)) return x;
      }
    }
    const r = ref ?? this.nextRef;
    if (r >= this.nextRef) this.nextRef = r + 1;
    const s = new MemSeries(r, labels);
    if (e === undefined) this.byHash.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else this.byHash.set(h, [e, s]);
    this.byRef[r] = s;
    this.postings.add(r, labels);
    this.numSeriesLive++;
    this.stats.seriesCreated++;
    return s;
  }

  /** Every live series, in ref order. */
  *allSeries(): IterableIterator<MemSeries> {
    for (const s of this.byRef) if (s) yield s;
  }

  private unhash(s: MemSeries): void {
    const h = labelsHash(s.labels);
    const e = this.byHash.get(h);
    if (e === s) this.byHash.delete(h);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      if (rest.length === 0) this.byHash.delete(h);
      else this.byHash.set(h, rest.length === 1 ? rest[0]! : rest);
    }
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
    this.arena.releaseBefore(mint);
    if (mint > this.minValidTime) this.minValidTime = mint;
    const removed: number[] = [];
    let newMin = Infinity;
    for (const s of this.byRef) {
      if (!s) continue;
      this.stats.chunksRemoved += s.truncateBefore(mint);
      if (s.isEmpty()) {
        removed.push(s.ref);
        this.byRef[s.ref] = undefined;
        this.unhash(s);
      } else {
        const m = s.minTime();
        if (m < newMin) newMin = m;
      }
    }
    if (removed.length > 0) this.postings.delete(removed);
    this.numSeriesLive -= removed.length;
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
