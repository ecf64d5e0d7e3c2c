import type { Labels } from '../../model/index.js';
import { XorChunk } from '../chunkenc/index.js';
import type { ChunkArena } from './chunk-arena.js';

/** Samples per head chunk before a new one is cut (Prometheus' figure: ~1 KiB XOR chunks). */
export const SAMPLES_PER_CHUNK = 120;

/**
 * Initial buffer of a head chunk. 120 samples of typical metrics take 100–250 bytes, so
 * most chunks never reallocate. Reallocating (and compacting when closed) was measured to
 * fragment the malloc heap badly: many small ArrayBuffers of mixed, short-lived sizes.
 */
export const HEAD_CHUNK_BYTES = 256;

/**
 * A head chunk as readers see it: its XOR bytes and inclusive time bounds. Closed chunks
 * are kept in this form only (no encoder objects: about half the memory per chunk); for
 * the open chunk, `bytes` is a view that later appends extend, so readers must stop after
 * `count` samples (the count when the view was taken).
 */
export interface ChunkView {
  readonly bytes: Uint8Array;
  readonly mint: number;
  readonly maxt: number;
  readonly count: number;
}

/**
 * One series in the head: its labels, closed chunks and the open chunk being appended.
 * Chunks never cross a multiple of `chunkRange` (the block duration), so a block's
 * time range always maps to whole chunks.
 */
export class MemSeries {
  /** Closed chunks, oldest first. */
  chunks: ChunkView[] = [];
  /** The open chunk being appended to, with its bounds; undefined between chunks. */
  private open: XorChunk | undefined;
  private openMint = 0;
  private openMaxt = 0;
  private cutAt = -Infinity;
  /** Timestamp of the newest committed sample; -Infinity when none. */
  maxTime = -Infinity;
  /** Value of the newest committed sample, to tell exact duplicates (ignored) from conflicts. */
  lastValue = 0;
  /** Newest timestamp and value buffered by an uncommitted appender; reset at commit/rollback. */
  pendingT = -Infinity;
  pendingV = 0;
  /** True once the WAL holds this series' labels (in a segment or the current checkpoint). */
  walLogged = false;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  /**
   * Appends a sample already known to be newer than `maxTime`. Cuts a new chunk when the
   * open one is full or the sample falls in the next `chunkRange` window.
   * Returns true when a new chunk was started.
   */
  append(t: number, v: number, chunkRange: number, arena?: ChunkArena): boolean {
    let cut = false;
    if (this.open === undefined || t >= this.cutAt || this.open.numSamples() >= SAMPLES_PER_CHUNK) {
      this.cut(t, chunkRange, arena);
      cut = true;
    }
    this.open!.append(t, v);
    this.openMaxt = t;
    this.maxTime = t;
    this.lastValue = v;
    return cut;
  }

  private closeOpen(): void {
    if (this.open === undefined) return;
    this.chunks.push({ bytes: this.open.bytes(), mint: this.openMint, maxt: this.openMaxt, count: this.open.numSamples() });
    this.open = undefined;
  }

  private cut(t: number, chunkRange: number, arena: ChunkArena | undefined): void {
    this.closeOpen();
    const window = Math.floor(t / chunkRange) * chunkRange;
    this.open = new XorChunk(HEAD_CHUNK_BYTES, undefined, arena?.alloc(window));
    this.openMint = t;
    this.openMaxt = t;
    this.cutAt = window + chunkRange;
  }

  /** Installs a closed chunk read back from a checkpoint (must be newer than any chunk held). */
  restoreChunk(bytes: Uint8Array, count: number, mint: number, maxt: number): void {
    this.closeOpen();
    this.chunks.push({ bytes, mint, maxt, count });
    if (maxt > this.maxTime) this.maxTime = maxt;
  }

  /** Drops chunks that end before `mint`. Returns how many chunks were dropped. */
  truncateBefore(mint: number): number {
    let k = 0;
    while (k < this.chunks.length && this.chunks[k]!.maxt < mint) k++;
    if (k > 0) this.chunks = this.chunks.slice(k);
    if (this.open && this.openMaxt < mint && this.chunks.length === 0) {
      this.open = undefined;
      k++;
    }
    return k;
  }

  /** Oldest sample time held, or Infinity when the series holds no samples. */
  minTime(): number {
    return this.chunks[0]?.mint ?? (this.open ? this.openMint : Infinity);
  }

  /** True when the series holds nothing and no appender is buffering for it. */
  isEmpty(): boolean {
    return this.chunks.length === 0 && this.open === undefined && this.pendingT === -Infinity;
  }

  /** All chunks as of now, oldest first: a consistent view for a reader (see ChunkView). */
  snapshotChunks(): ChunkView[] {
    if (this.open === undefined) return this.chunks.slice();
    const out = this.chunks.slice();
    out.push({ bytes: this.open.bytes(), mint: this.openMint, maxt: this.openMaxt, count: this.open.numSamples() });
    return out;
  }
}
