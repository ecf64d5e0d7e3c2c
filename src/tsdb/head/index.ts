export { Head, type HeadOptions, type HeadStats } from './head.js';
export { HeadQuerier } from './querier.js';
export { type ChunkView, MemSeries, SAMPLES_PER_CHUNK } from './mem-series.js';
export { type ReplayCounts, WalReplayer, checkpointRecords } from './wal-records.js';
