import type { BlockMeta } from '../block/index.js';

/**
 * The compaction ranges after the base block duration: each level is 3x the previous
 * (2 h → 6 h → 18 h → 54 h …, as Prometheus does), capped at `maxBlockDuration`.
 */
export function compactionRanges(blockDuration: number, maxBlockDuration: number): number[] {
  const out: number[] = [];
  for (let r = blockDuration * 3; r <= maxBlockDuration; r *= 3) out.push(r);
  return out;
}

/**
 * Chooses blocks to compact next, or undefined when there is nothing to do.
 * 1. Blocks whose time ranges overlap are merged first (backfill, crash leftovers).
 * 2. Otherwise, for each range from the smallest: blocks fully inside one aligned bucket
 *    of that range are merged once the bucket is complete: no newer data can arrive in it,
 *    because a newer block (not counting the newest, kept out so the freshest block is not
 *    rewritten at once) starts after the bucket's end.
 * `metas` need not be sorted.
 */
export function planCompaction(metas: readonly BlockMeta[], ranges: readonly number[]): BlockMeta[] | undefined {
  const sorted = [...metas].sort((a, b) => a.minTime - b.minTime);
  const overlapping = findOverlap(sorted);
  if (overlapping) return overlapping;
  if (sorted.length < 3) return undefined;
  const newest = sorted[sorted.length - 1]!;
  const candidates = sorted.slice(0, -1);
  for (const r of ranges) {
    const buckets = new Map<number, BlockMeta[]>();
    for (const m of candidates) {
      const start = Math.floor(m.minTime / r) * r;
      if (m.maxTime >= start + r) continue; // spans buckets: already as large as this level
      const list = buckets.get(start) ?? [];
      list.push(m);
      buckets.set(start, list);
    }
    for (const [start, group] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
      if (group.length < 2) continue;
      const end = start + r - 1;
      if (newest.minTime > end) return group;
    }
  }
  return undefined;
}

function findOverlap(sorted: readonly BlockMeta[]): BlockMeta[] | undefined {
  for (let i = 0; i + 1 < sorted.length; i++) {
    const group = [sorted[i]!];
    let maxT = sorted[i]!.maxTime;
    for (let j = i + 1; j < sorted.length && sorted[j]!.minTime <= maxT; j++) {
      group.push(sorted[j]!);
      maxT = Math.max(maxT, sorted[j]!.maxTime);
    }
    if (group.length > 1) return group;
  }
  return undefined;
}
