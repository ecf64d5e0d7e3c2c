import { VigieError } from '../../common/index.js';
import type { Labels } from '../../model/index.js';

/**
 * Shared definitions of the on-disk index format (see docs/format/index.md).
 * File: header(5) · symbols · series · postings · label table · TOC(36).
 * Each section is `len u32 | body (len bytes) | crc32(body) u32`.
 */

/** "VIDX" big-endian. */
export const INDEX_MAGIC = 0x56494458;
export const INDEX_VERSION = 1;
export const HEADER_LEN = 5;
/** Four u64 section offsets and a CRC32 over them. */
export const TOC_LEN = 4 * 8 + 4;
/** Bytes around a section body: its u32 length before, its u32 CRC after. */
export const SECTION_OVERHEAD = 8;

/** One chunk of a series in a block. Times are integer ms, inclusive; |t| must be < 2^51. */
export interface ChunkMeta {
  readonly mint: number;
  readonly maxt: number;
  /** Byte offset of the chunk in the block's chunk file (a safe non-negative integer). */
  readonly ref: number;
  /** Length in bytes of the chunk in the chunk file. */
  readonly length: number;
  /** Chunk encoding id as the chunk file defines it (a small non-negative integer), if recorded. */
  readonly encoding?: number;
}

/** A series as stored in a block index: its labels and its chunks in time order. */
export interface IndexSeries {
  readonly labels: Labels;
  readonly chunks: readonly ChunkMeta[];
}

/** `writeIndex` was given data it cannot store (unsorted series, out-of-range numbers). */
export class IndexWriteError extends VigieError {
  override name = 'IndexWriteError';
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
