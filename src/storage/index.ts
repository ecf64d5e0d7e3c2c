export type {
  Appendable,
  Appender,
  Querier,
  Queryable,
  RejectReason,
  SampleIterator,
  SelectHints,
  Selection,
  Series,
  SeriesRef,
  SeriesSet,
  Storage,
} from './interface.js';
export { SampleRejectedError } from './interface.js';
export { ArraySeriesSet, ErrorSeriesSet, collectSamples, emptySeriesSet, sortSeries } from './series-set.js';
export { type TeeSample, teeAppendable } from './tee.js';
export { MemStorage, MemStorageError, MemoryQueryable, type MemorySeries } from './memory.js';
