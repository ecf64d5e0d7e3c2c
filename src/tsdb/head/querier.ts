import type { Matcher } from '../../model/index.js';
import {
  ArraySeriesSet,
  type Querier,
  type SelectHints,
  type Series,
  type SeriesSet,
} from '../../storage/index.js';
import { throwIfAborted } from '../../common/index.js';
import { labelNamesFor, labelValuesFor, postingsForMatchers, type IndexReader, type Postings } from '../index/index.js';
import { newChunkIterator } from '../chunkenc/index.js';
import { ChunkSeries, RangeIterator, type ChunkSource } from '../querier/index.js';
import type { Head } from './head.js';

function chunkSources(head: Head, slot: number, mint: number, maxt: number): ChunkSource[] {
  const out: ChunkSource[] = [];
  for (const c of head.chunks.chunks(slot, mint, maxt)) {
    const { bytes, count } = c;
    out.push({ mint: c.mint, maxt: c.maxt, open: () => new RangeIterator(newChunkIterator('xor', bytes), -Infinity, Infinity, count) });
  }
  return out;
}

/** The head's postings plus label lookup by series ref, so label queries need not intersect postings. */
function headIndex(head: Head): IndexReader {
  const p = head.postings;
  return {
    postings: (name: string, value: string): Postings => p.postings(name, value),
    allPostings: (): Postings => p.allPostings(),
    labelNames: () => p.labelNames(),
    labelValues: (name: string) => p.labelValues(name),
    labelsOf: (id: number) => head.labelsOf(id),
  };
}

/** Reads the head over [mint, maxt] (inclusive). Holds nothing open: `close` is a no-op. */
export class HeadQuerier implements Querier {
  constructor(
    private readonly head: Head,
    readonly mint: number,
    readonly maxt: number,
  ) {}

  select(matchers: readonly Matcher[], hints?: SelectHints, signal?: AbortSignal): SeriesSet {
    throwIfAborted(signal);
    const mint = Math.max(this.mint, hints?.start ?? -Infinity);
    const maxt = Math.min(this.maxt, hints?.end ?? Infinity);
    const head = this.head;
    const S = head.series;
    const found: number[] = [];
    for (const ref of postingsForMatchers(head.postings, matchers)) {
      const slot = head.slotOf(ref);
      if (slot < 0) continue;
      if (S.maxTime[slot]! < mint || head.chunks.minTime(slot) > maxt) continue;
      found.push(slot);
    }
    const labels = S.labels;
    found.sort((a, b) => labels.compare(a, b));
    // Chunks are taken now (a consistent view), not when the series is read.
    const out: Series[] = found.map((slot) =>
      hints?.labelsOnly ? new ChunkSeries(labels.get(slot)!, [], mint, maxt) : new ChunkSeries(labels.get(slot)!, chunkSources(head, slot, mint, maxt), mint, maxt),
    );
    return new ArraySeriesSet(out);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async labelNames(matchers: readonly Matcher[] = []): Promise<string[]> {
    return labelNamesFor(headIndex(this.head), matchers);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async labelValues(name: string, matchers: readonly Matcher[] = []): Promise<string[]> {
    return labelValuesFor(headIndex(this.head), name, matchers);
  }

  close(): void {}
}
