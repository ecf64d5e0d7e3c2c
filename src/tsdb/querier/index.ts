export { ChunkChainIterator, type ChunkSource, EmptyIterator, MergeIterator, RangeIterator } from './iterators.js';
export { MergeSeriesSet, mergeSortedStrings } from './merge.js';
