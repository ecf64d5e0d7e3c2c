import { mkdir, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { DenseEncoder, DENSE_MAX_SAMPLES, type DenseOptions } from '../chunkenc/index.js';
import { writeIndex, type ChunkMeta } from '../index/index.js';
import { ChunksWriter } from './chunks-file.js';
import { CHUNKS_FILE, INDEX_FILE, META_FILE, type BlockMeta } from './meta.js';
import { newUlid } from './ulid.js';
import { ENCODING_DENSE } from './encodings.js';

/**
 * Brotli quality for dense chunks written by compaction. 4 is within 1% of quality 6 on
 * the benchmark fleet (0.756 vs 0.751 bytes/sample) at about 85% of its CPU cost, see
 * bench/chunk-density.md.
 */
const DENSE_BROTLI_QUALITY = 4;

/** One series' samples for a block: `ts[0..n)` strictly increasing, within the block's range. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly n: number;
}

/** A chunk already encoded (e.g. a head XOR chunk), written to the block as it is. */
export interface EncodedChunk {
  /** One of the ENCODING_* bytes. */
  readonly encoding: number;
  readonly bytes: Uint8Array;
  /** Inclusive bounds of the chunk's samples. */
  readonly mint: number;
  readonly maxt: number;
  readonly samples: number;
}

export interface SeriesChunks {
  readonly labels: Labels;
  readonly chunks: readonly EncodedChunk[];
}

export interface WriteBlockOptions {
  /** Inclusive bounds of the block. */
  readonly mint: number;
  readonly maxt: number;
  readonly level: number;
  /** ULIDs of the blocks compacted into this one (empty for a block cut from the head). */
  readonly sources: readonly string[];
  readonly nowMs: number;
}

/**
 * Compressor for blocks cut from the head (about 480 samples per series): deflate is denser
 * than brotli on chunks that small (bench/chunk-density.md); levels 6 and 9 measured the
 * same size and CPU in the storage benchmark.
 */
export const HEAD_BLOCK_DENSE: DenseOptions = { compressor: 'deflate', level: 6 };
const COMPACTED_DENSE: DenseOptions = { compressor: 'brotli', level: DENSE_BROTLI_QUALITY };

/**
 * Writes a block from series samples given in `compareLabels` order, encoding each
 * series into dense chunks of at most DENSE_MAX_SAMPLES samples (compaction's path; `dense`
 * chooses the compressor, brotli 4 by default). Series with n = 0 are skipped. See
 * `writeBlockChunks` for the rest of the contract (a series' arrays may be reused once the
 * next series is requested).
 */
export function writeBlock(parentDir: string, series: Iterable<SeriesSamples>, opts: WriteBlockOptions, dense: DenseOptions = COMPACTED_DENSE): Promise<BlockMeta | undefined> {
  return writeBlockChunks(parentDir, denseChunks(series, dense), opts);
}

function* denseChunks(series: Iterable<SeriesSamples>, opts: DenseOptions): Generator<SeriesChunks> {
  const enc = new DenseEncoder();
  for (const s of series) {
    if (s.n === 0) continue;
    const chunks: EncodedChunk[] = [];
    for (let from = 0; from < s.n; from += DENSE_MAX_SAMPLES) {
      const to = Math.min(s.n, from + DENSE_MAX_SAMPLES);
      const bytes = enc.encode(s.ts.subarray(from, to), s.vs.subarray(from, to), to - from, opts);
      chunks.push({ encoding: ENCODING_DENSE, bytes, mint: s.ts[from]!, maxt: s.ts[to - 1]!, samples: to - from });
    }
    yield { labels: s.labels, chunks };
  }
}

/**
 * Writes a block from series given in `compareLabels` order, each with its encoded chunks
 * sorted by time (series without chunks are skipped; with no series at all, nothing is
 * written and the result is undefined). Writes into `<ulid>.tmp`, fsyncs, then renames to
 * `<ulid>`, so a crash leaves either no block or a whole one (leftover .tmp dirs are
 * removed at open). Each yielded value is consumed before the next is requested.
 */
export async function writeBlockChunks(parentDir: string, series: Iterable<SeriesChunks>, opts: WriteBlockOptions): Promise<BlockMeta | undefined> {
  const ulid = newUlid(opts.nowMs);
  const tmp = join(parentDir, `${ulid}.tmp`);
  await mkdir(tmp, { recursive: true });
  const chunks = new ChunksWriter(join(tmp, CHUNKS_FILE));
  let numSamples = 0;
  let numChunks = 0;
  const indexed: { labels: Labels; chunks: ChunkMeta[] }[] = [];
  try {
    for (const s of series) {
      if (s.chunks.length === 0) continue;
      const metas: ChunkMeta[] = [];
      for (const c of s.chunks) {
        const { ref, length } = chunks.write(c.encoding, c.bytes);
        metas.push({ mint: c.mint, maxt: c.maxt, ref, length });
        numSamples += c.samples;
        numChunks++;
      }
      indexed.push({ labels: s.labels, chunks: metas });
    }
    chunks.finish();
    if (indexed.length === 0) {
      await rm(tmp, { recursive: true, force: true });
      return undefined;
    }
    await writeIndex(join(tmp, INDEX_FILE), indexed);
    const meta: BlockMeta = {
      ulid,
      minTime: opts.mint,
      maxTime: opts.maxt,
      stats: { numSamples, numSeries: indexed.length, numChunks },
      compaction: { level: opts.level, sources: [...opts.sources] },
      version: 1,
    };
    await writeFile(join(tmp, META_FILE), JSON.stringify(meta, null, 2) + '\n');
    await fsyncPath(join(tmp, INDEX_FILE));
    await fsyncPath(join(tmp, META_FILE));
    await fsyncPath(tmp);
    await rename(tmp, join(parentDir, ulid));
    await fsyncPath(parentDir);
    return meta;
  } catch (e) {
    chunks.abort();
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** fsync a file or a directory (so a rename or a new file survives power loss). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
