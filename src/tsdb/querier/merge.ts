import { compareLabels, type Labels } from '../../model/index.js';
import type { SampleIterator, Series, SeriesSet } from '../../storage/index.js';
import { ConcatIterator, MergeIterator } from './iterators.js';

/**
 * One series seen through several sources (head and blocks). The sources are given in
 * order of precedence for equal timestamps (first wins).
 */
class MergedSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[],
    private readonly disjoint: boolean,
  ) {}
  iterator(reuse?: SampleIterator): SampleIterator {
    const old = reuse instanceof ConcatIterator || reuse instanceof MergeIterator ? reuse.its : [];
    const its = this.parts.map((p, k) => p.iterator(old[k]));
    return this.disjoint ? new ConcatIterator(its) : new MergeIterator(its);
  }
}

/**
 * Merges sorted SeriesSets (each in `compareLabels` order) into one sorted set where
 * each label set appears once. Series present in several inputs have their samples
 * merged by time, deduplicated on equal timestamps. With `disjoint`, the caller promises
 * that the inputs cover disjoint time ranges in input order, and samples are concatenated.
 */
export class MergeSeriesSet implements SeriesSet {
  private readonly heads: (Series | undefined)[];
  private cur: Series | undefined;
  private error: Error | undefined;
  private started = false;

  constructor(
    private readonly sets: readonly SeriesSet[],
    private readonly disjoint = false,
  ) {
    this.heads = sets.map(() => undefined);
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let k = 0; k < this.sets.length; k++) this.pull(k);
    }
    if (this.error) return false;
    let min: Series | undefined;
    for (const h of this.heads) if (h && (!min || compareLabels(h.labels, min.labels) < 0)) min = h;
    if (!min) return false;
    const parts: Series[] = [];
    for (let k = 0; k < this.sets.length; k++) {
      const h = this.heads[k];
      if (h && compareLabels(h.labels, min.labels) === 0) {
        parts.push(h);
        this.pull(k);
      }
    }
    this.cur = parts.length === 1 ? parts[0]! : new MergedSeries(min.labels, parts, this.disjoint);
    return !this.error;
  }

  private pull(k: number): void {
    const s = this.sets[k]!;
    if (s.next()) this.heads[k] = s.at();
    else {
      this.heads[k] = undefined;
      this.error ??= s.err();
    }
  }

  at(): Series {
    return this.cur!;
  }

  err(): Error | undefined {
    return this.error;
  }
}

/** Merges sorted, unique string lists into one sorted, unique list. */
export function mergeSortedStrings(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 1) return [...lists[0]!];
  const all = new Set<string>();
  for (const l of lists) for (const s of l) all.add(s);
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
