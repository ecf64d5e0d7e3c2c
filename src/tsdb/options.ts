import type { Clock, Logger } from '../common/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** How the embedded database is set up. Durations in ms, sizes in bytes. */
export interface DbOptions {
  /** Directory of the database (created if missing): `wal/`, `blocks/`, `snapshots/`, `lock`. */
  readonly dir: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Blocks whose newest sample is older than (newest sample − retentionTime) are deleted. Default 15 d. */
  readonly retentionTime?: number;
  /** Oldest blocks are deleted while blocks + WAL exceed this many bytes. 0 = no limit (default). */
  readonly retentionSize?: number;
  /** Duration of a block cut from the head (default 2 h). */
  readonly blockDuration?: number;
  /** Largest block compaction produces (default: retentionTime / 10, at most 31 d). */
  readonly maxBlockDuration?: number;
  /** WAL segment size (default 64 MiB). */
  readonly walSegmentSize?: number;
  /** Interval between WAL fsyncs (default 1 s; 0 = fsync at every commit). */
  readonly walSyncInterval?: number;
  /** How often retention and compaction are checked without new data (default 1 min). */
  readonly maintenanceInterval?: number;
  /**
   * Called after a maintenance round that dropped head data or rewrote blocks, when much
   * garbage with native memory behind it (chunk buffers, slabs) has just died; e.g. a full
   * GC, so that memory goes back to the OS promptly rather than at V8's leisure.
   */
  readonly releaseMemory?: () => void;
}

export type ResolvedDbOptions = Required<Omit<DbOptions, 'releaseMemory'>> & Pick<DbOptions, 'releaseMemory'>;

export function resolveOptions(o: DbOptions): ResolvedDbOptions {
  const retentionTime = o.retentionTime ?? 15 * DAY;
  const blockDuration = o.blockDuration ?? 2 * HOUR;
  return {
    ...o,
    retentionTime,
    retentionSize: o.retentionSize ?? 0,
    blockDuration,
    maxBlockDuration: o.maxBlockDuration ?? Math.max(blockDuration, Math.min(31 * DAY, Math.floor(retentionTime / 10))),
    walSegmentSize: o.walSegmentSize ?? 64 * 1024 * 1024,
    walSyncInterval: o.walSyncInterval ?? 1000,
    maintenanceInterval: o.maintenanceInterval ?? 60_000,
  };
}
