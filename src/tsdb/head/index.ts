export { Head, type HeadOptions, type HeadStats } from './head.js';
export { HeadQuerier } from './querier.js';
export { type ChunkView, SAMPLES_PER_CHUNK } from './head-chunks.js';
export { type ReplayCounts, WalReplayer, checkpointRecords } from './wal-records.js';
