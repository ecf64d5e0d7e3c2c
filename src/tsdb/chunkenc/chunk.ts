import type { SampleIterator } from '../../storage/index.js';

/**
 * Chunk encodings. A chunk holds one series' samples in increasing time order and knows
 * nothing of series; the caller decides when to cut a new chunk.
 * - 'xor': Gorilla-style bit stream, appendable; the head's in-memory chunk (see xor.ts).
 * - 'dense': compressed columns for persisted blocks, write-once (see dense.ts).
 */
export type Encoding = 'xor' | 'dense';

export interface Chunk {
  readonly encoding: Encoding;
  numSamples(): number;
  /**
   * The exact encoded bytes. For an appendable chunk this is a view that stays valid
   * only until the next append: copy it to keep it.
   */
  bytes(): Uint8Array;
  /** The chunk's appender; throws `ChunkError` when the encoding is write-once. */
  appender(): ChunkAppender;
  /**
   * A cursor over the samples present now (later appends are not seen). Pass a spent
   * iterator of the same encoding to reuse its memory; anything else is ignored.
   */
  iterator(reuse?: SampleIterator): ChunkIterator;
}

export interface ChunkAppender {
  /**
   * Adds a sample. `t` must be a safe integer, strictly greater than the previous one
   * (throws `ChunkError` otherwise); `v` is any float64 and is kept bit-exact.
   */
  append(t: number, v: number): void;
}

/**
 * `SampleIterator` over one chunk. `err()` returns a `ChunkCorruptionError` when the
 * bytes turned out to be corrupt; iteration then stops.
 */
export interface ChunkIterator extends SampleIterator {
  readonly encoding: Encoding;
  /** Restarts the cursor over other bytes of the same encoding, reusing memory. */
  reset(bytes: Uint8Array): void;
}
