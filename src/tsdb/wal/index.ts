/**
 * The write-ahead log: numbered segment files of opaque, checksummed records, plus
 * checkpoints. What records contain lives in ../record. Format: docs/format/wal.md.
 */
export { WalError } from './errors.js';
export { DEFAULT_SEGMENT_SIZE, DEFAULT_SYNC_INTERVAL_MS, Wal, type WalOptions } from './wal.js';
export { TornSegmentError } from './writer.js';
export { type ReplayStats, replayWal } from './replay.js';
export { checkpointName, lastCheckpoint, replayCheckpoint, writeCheckpoint } from './checkpoint.js';
export { segmentName } from './segment.js';
