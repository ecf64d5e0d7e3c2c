import type { Matcher } from '../../model/index.js';
import { type Querier, type Queryable, type Selection, type SeriesSet, emptySeriesSet } from '../../storage/index.js';

/**
 * A Queryable without data that records every selection made through it. The engine
 * evaluates a query once against it (a dry run: which series and ranges an evaluation selects
 * never depends on the data, only on the expression and the query's times) to learn what a
 * Queryable with `prepare` (a remote store) must fetch before the real, synchronous run.
 */
export class SelectionRecorder implements Queryable {
  readonly selections: Selection[] = [];

  querier(mint: number, maxt: number): Querier {
    const selections = this.selections;
    return {
      mint,
      maxt,
      select(matchers: readonly Matcher[], hints): SeriesSet {
        selections.push({ matchers, mint: hints?.start ?? mint, maxt: hints?.end ?? maxt });
        return emptySeriesSet();
      },
      labelNames: () => Promise.resolve([]),
      labelValues: () => Promise.resolve([]),
      close: () => undefined,
    };
  }
}
