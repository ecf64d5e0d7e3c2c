import type { Labels } from '../../model/index.js';
import { XorChunk, type Chunk, type ChunkAppender } from '../chunkenc/index.js';

/** Samples per head chunk before a new one is cut (Prometheus' figure: ~1 KiB XOR chunks). */
export const SAMPLES_PER_CHUNK = 120;

/**
 * Initial buffer of a head chunk. 120 samples of typical metrics take 100–250 bytes, so
 * most chunks never reallocate. Reallocating (and compacting when closed) was measured to
 * fragment the malloc heap badly: many small ArrayBuffers of mixed, short-lived sizes.
 */
const HEAD_CHUNK_BYTES = 256;

/** A chunk held by the head with its inclusive time bounds. */
export interface HeadChunk {
  readonly chunk: Chunk;
  readonly mint: number;
  maxt: number;
}


/**
 * One series in the head: its labels, closed chunks and the open chunk being appended.
 * Chunks never cross a multiple of `chunkRange` (the block duration), so a block's
 * time range always maps to whole chunks.
 */
export class MemSeries {
  /** Closed chunks, oldest first; the open chunk is `open` and is not in this list. */
  chunks: HeadChunk[] = [];
  open: HeadChunk | undefined;
  private app: ChunkAppender | undefined;
  /** The open chunk as its concrete type, to release its spare capacity when it closes. */
  private openXor: XorChunk | undefined;
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
  append(t: number, v: number, chunkRange: number): boolean {
    let cut = false;
    if (this.open === undefined || t >= this.cutAt || this.open.chunk.numSamples() >= SAMPLES_PER_CHUNK) {
      this.cut(t, chunkRange);
      cut = true;
    }
    this.app!.append(t, v);
    this.open!.maxt = t;
    this.maxTime = t;
    this.lastValue = v;
    return cut;
  }

  private cut(t: number, chunkRange: number): void {
    if (this.open) {
      this.chunks.push(this.open);
    }
    const chunk = new XorChunk(HEAD_CHUNK_BYTES);
    this.openXor = chunk;
    this.open = { chunk, mint: t, maxt: t };
    this.app = chunk.appender();
    this.cutAt = (Math.floor(t / chunkRange) + 1) * chunkRange;
  }

  /** Installs a closed chunk read back from a checkpoint (must be older than any chunk held). */
  restoreChunk(chunk: Chunk, mint: number, maxt: number): void {
    if (this.open) this.chunks.push(this.open);
    this.open = undefined;
    this.app = undefined;
    this.openXor = undefined;
    this.chunks.push({ chunk, mint, maxt });
    if (maxt > this.maxTime) this.maxTime = maxt;
  }

  /** Drops chunks that end before `mint`. Returns how many chunks were dropped. */
  truncateBefore(mint: number): number {
    let k = 0;
    while (k < this.chunks.length && this.chunks[k]!.maxt < mint) k++;
    if (k > 0) this.chunks = this.chunks.slice(k);
    if (this.open && this.open.maxt < mint && this.chunks.length === 0) {
      this.open = undefined;
      this.app = undefined;
      this.openXor = undefined;
      k++;
    }
    return k;
  }

  /** Oldest sample time held, or Infinity when the series holds no samples. */
  minTime(): number {
    return this.chunks[0]?.mint ?? this.open?.mint ?? Infinity;
  }

  /** True when the series holds nothing and no appender is buffering for it. */
  isEmpty(): boolean {
    return this.chunks.length === 0 && this.open === undefined && this.pendingT === -Infinity;
  }

  /** All chunks with their sample counts as of now, oldest first (a consistent view for a reader). */
  snapshotChunks(): { chunk: Chunk; mint: number; maxt: number; count: number }[] {
    const out = this.chunks.map((c) => ({ chunk: c.chunk, mint: c.mint, maxt: c.maxt, count: c.chunk.numSamples() }));
    if (this.open) out.push({ chunk: this.open.chunk, mint: this.open.mint, maxt: this.open.maxt, count: this.open.chunk.numSamples() });
    return out;
  }
}
