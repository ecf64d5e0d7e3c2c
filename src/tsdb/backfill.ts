import { join } from 'node:path';
import { VigieError } from '../common/index.js';
import { compareLabels, formatLabels, type Labels } from '../model/index.js';
import { type Appendable, type RejectReason, SampleRejectedError } from '../storage/index.js';
import { Block, type SeriesSamples, writeBlock } from './block/index.js';
import { compactionRanges } from './compact/index.js';
import type { ResolvedDbOptions } from './options.js';

/** One series to backfill: `ts` strictly increasing integer ms, `vs` the values, same length. */
export interface BackfillSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** What `Db.importSamples` did. */
export interface BackfillResult {
  /** Blocks written (one per time window that had samples older than the head). */
  readonly blocks: number;
  readonly blockSamples: number;
  /** Samples at or after the head's oldest sample, appended to the head (and its WAL). */
  readonly headSamples: number;
  /** Head samples refused, by reason (e.g. the head already has a newer sample of the series). */
  readonly rejected: Readonly<Record<RejectReason, number>>;
}

/** The series given to `Db.importSamples` break its contract (unsorted, mismatched lengths, bad time). */
export class BackfillError extends VigieError {
  override name = 'BackfillError';
}

/** Head samples are committed in batches of this size. */
const HEAD_BATCH = 50_000;

/**
 * The width of the blocks a backfill writes: the largest compaction range (so compaction has
 * nothing left to merge in aligned, non-overlapping windows), or the block duration.
 */
export function backfillWindow(opts: ResolvedDbOptions): number {
  const ranges = compactionRanges(opts.blockDuration, opts.maxBlockDuration);
  return ranges[ranges.length - 1] ?? opts.blockDuration;
}

/** Throws BackfillError when a series breaks the contract of BackfillSeries, or the list is not in label order. */
export function checkBackfill(series: readonly BackfillSeries[]): void {
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (i > 0 && compareLabels(series[i - 1]!.labels, s.labels) >= 0) throw new BackfillError(`series must be in label order, each once: ${formatLabels(s.labels)}`);
    if (s.ts.length !== s.vs.length) throw new BackfillError(`${formatLabels(s.labels)}: ${s.ts.length} timestamps but ${s.vs.length} values`);
    for (let j = 0; j < s.ts.length; j++) {
      const t = s.ts[j]!;
      if (!Number.isSafeInteger(t)) throw new BackfillError(`${formatLabels(s.labels)}: timestamp ${t} is not an integer number of ms`);
      if (j > 0 && t <= s.ts[j - 1]!) throw new BackfillError(`${formatLabels(s.labels)}: timestamps must be strictly increasing (${s.ts[j - 1]!} then ${t})`);
    }
  }
}

/** Index of the first timestamp >= t in sorted `ts` (ts.length when none). */
function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes the samples of `series` older than `cutoff` into new blocks under `blocksDir`, one per
 * aligned window of `window` ms that has samples; each block's bounds are its samples' actual
 * oldest and newest times (never beyond `cutoff`, so the head's WAL replay is unaffected).
 * Returns the opened blocks, oldest first.
 */
export async function writeBackfillBlocks(blocksDir: string, series: readonly BackfillSeries[], cutoff: number, window: number, nowMs: number): Promise<Block[]> {
  let minT = Infinity;
  let maxT = -Infinity;
  for (const s of series) {
    const end = lowerBound(s.ts, cutoff);
    if (end === 0) continue;
    minT = Math.min(minT, s.ts[0]!);
    maxT = Math.max(maxT, s.ts[end - 1]!);
  }
  const blocks: Block[] = [];
  if (minT === Infinity) return blocks;
  for (let w = Math.floor(minT / window) * window; w <= maxT; w += window) {
    const lo = w;
    const hi = Math.min(w + window, cutoff); // exclusive
    const parts: SeriesSamples[] = [];
    let mint = Infinity;
    let maxt = -Infinity;
    for (const s of series) {
      const a = lowerBound(s.ts, lo);
      const b = lowerBound(s.ts, hi);
      if (a >= b) continue;
      parts.push({ labels: s.labels, ts: s.ts.subarray(a, b), vs: s.vs.subarray(a, b), n: b - a });
      mint = Math.min(mint, s.ts[a]!);
      maxt = Math.max(maxt, s.ts[b - 1]!);
    }
    if (parts.length === 0) continue;
    const meta = await writeBlock(blocksDir, parts, { mint, maxt, level: 1, sources: [], nowMs });
    if (meta) blocks.push(await Block.open(join(blocksDir, meta.ulid)));
  }
  return blocks;
}

/** Appends the samples of `series` at or after `cutoff` through `appendable`, in batches; counts refusals. */
export async function appendBackfillToHead(appendable: Appendable, series: readonly BackfillSeries[], cutoff: number): Promise<{ appended: number; rejected: Record<RejectReason, number> }> {
  const rejected: Record<RejectReason, number> = { out_of_order: 0, duplicate: 0, too_old: 0, invalid: 0 };
  let appended = 0;
  let app = appendable.appender();
  let pending = 0;
  try {
    for (const s of series) {
      let ref = 0;
      for (let j = lowerBound(s.ts, cutoff); j < s.ts.length; j++) {
        try {
          ref = app.append(ref, s.labels, s.ts[j]!, s.vs[j]!);
          appended++;
        } catch (e) {
          if (!(e instanceof SampleRejectedError)) throw e;
          rejected[e.reason]++;
        }
        if (++pending >= HEAD_BATCH) {
          await app.commit();
          app = appendable.appender();
          pending = 0;
          ref = 0;
        }
      }
    }
    await app.commit();
  } catch (e) {
    app.rollback();
    throw e;
  }
  return { appended, rejected };
}
