import { mkdir, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { encodeDense, DENSE_MAX_SAMPLES } from '../chunkenc/index.js';
import { writeIndex, type ChunkMeta } from '../index/index.js';
import { ChunksWriter } from './chunks-file.js';
import { CHUNKS_FILE, INDEX_FILE, META_FILE, type BlockMeta } from './meta.js';
import { newUlid } from './ulid.js';
import { ENCODING_DENSE } from './encodings.js';

/** One series' samples for a block: `ts[0..n)` strictly increasing, within the block's range. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly n: number;
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
 * Writes a block from series given in `compareLabels` order (series with n = 0 are
 * skipped; with no series at all, nothing is written and the result is undefined). Writes into `<ulid>.tmp`, fsyncs, then renames to `<ulid>`, so a crash
 * leaves either no block or a whole one (leftover .tmp dirs are removed at open).
 */
export async function writeBlock(parentDir: string, series: Iterable<SeriesSamples>, opts: WriteBlockOptions): Promise<BlockMeta | undefined> {
  const ulid = newUlid(opts.nowMs);
  const tmp = join(parentDir, `${ulid}.tmp`);
  await mkdir(tmp, { recursive: true });
  const chunks = new ChunksWriter(join(tmp, CHUNKS_FILE));
  let numSamples = 0;
  let numChunks = 0;
  const indexed: { labels: Labels; chunks: ChunkMeta[] }[] = [];
  try {
    for (const s of series) {
      if (s.n === 0) continue;
      const metas: ChunkMeta[] = [];
      for (let from = 0; from < s.n; from += DENSE_MAX_SAMPLES) {
        const to = Math.min(s.n, from + DENSE_MAX_SAMPLES);
        const payload = encodeDense(s.ts.subarray(from, to), s.vs.subarray(from, to), to - from);
        const { ref, length } = chunks.write(ENCODING_DENSE, payload);
        metas.push({ mint: s.ts[from]!, maxt: s.ts[to - 1]!, ref, length });
        numChunks++;
      }
      numSamples += s.n;
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
