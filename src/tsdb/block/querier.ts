import type { Matcher } from '../../model/index.js';
import { ArraySeriesSet, type Querier, type SelectHints, type Series, type SeriesSet } from '../../storage/index.js';
import { throwIfAborted } from '../../common/index.js';
import { labelNamesFor, labelValuesFor, postingsForMatchers, type ChunkMeta } from '../index/index.js';
import { ChunkSeries, type ChunkSource } from '../querier/index.js';
import type { Block } from './block.js';

/**
 * Reads one block over [mint, maxt]. Series come out in label order because a block's
 * series ids are assigned in that order. `close` releases the block.
 */
export class BlockQuerier implements Querier {
  private closed = false;
  constructor(
    private readonly block: Block,
    readonly mint: number,
    readonly maxt: number,
    private readonly onClose: () => void,
  ) {}

  select(matchers: readonly Matcher[], hints?: SelectHints, signal?: AbortSignal): SeriesSet {
    throwIfAborted(signal);
    const mint = Math.max(this.mint, hints?.start ?? -Infinity);
    const maxt = Math.min(this.maxt, hints?.end ?? Infinity);
    const out: Series[] = [];
    const block = this.block;
    for (const id of postingsForMatchers(block.index, matchers)) {
      const { labels, chunks } = block.index.series(id);
      if (hints?.labelsOnly) {
        if (chunks.some((c) => c.maxt >= mint && c.mint <= maxt)) out.push(new ChunkSeries(labels, [], mint, maxt));
        continue;
      }
      const sources: ChunkSource[] = [];
      for (const c of chunks) if (c.maxt >= mint && c.mint <= maxt) sources.push(this.source(c));
      if (sources.length > 0) out.push(new ChunkSeries(labels, sources, mint, maxt));
    }
    return new ArraySeriesSet(out);
  }

  private source(c: ChunkMeta): ChunkSource {
    const block = this.block;
    return { mint: c.mint, maxt: c.maxt, open: (reuse) => block.chunkIterator(c.ref, c.length, reuse) };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async labelNames(matchers: readonly Matcher[] = []): Promise<string[]> {
    return labelNamesFor(this.block.index, matchers);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async labelValues(name: string, matchers: readonly Matcher[] = []): Promise<string[]> {
    return labelValuesFor(this.block.index, name, matchers);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
