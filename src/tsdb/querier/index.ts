export { ChunkChainIterator, ChunkSeries, type ChunkSource, ConcatIterator, EmptyIterator, MergeIterator, RangeIterator } from './iterators.js';
export { MergeSeriesSet, mergeSortedStrings } from './merge.js';
