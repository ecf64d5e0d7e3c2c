import { compareLabels, type Matcher } from '../../model/index.js';
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
import type { MemSeries } from './mem-series.js';

function chunkSources(s: MemSeries, mint: number, maxt: number): ChunkSource[] {
  const out: ChunkSource[] = [];
  for (const c of s.snapshotChunks()) {
    if (c.maxt < mint || c.mint > maxt) continue;
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
    labelsOf: (id: number) => head.seriesByRef(id)?.labels,
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
    const found: MemSeries[] = [];
    for (const ref of postingsForMatchers(this.head.postings, matchers)) {
      const s = this.head.seriesByRef(ref);
      if (s === undefined) continue;
      if (s.maxTime < mint || s.minTime() > maxt) continue;
      found.push(s);
    }
    found.sort((a, b) => compareLabels(a.labels, b.labels));
    const out: Series[] = found.map((s) =>
      hints?.labelsOnly ? new ChunkSeries(s.labels, [], mint, maxt) : new ChunkSeries(s.labels, chunkSources(s, mint, maxt), mint, maxt),
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
