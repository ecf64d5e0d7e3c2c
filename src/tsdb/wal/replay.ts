import { truncate, unlink, open } from 'node:fs/promises';
import type { Logger } from '../../common/index.js';
import { WalError } from './errors.js';
import { HEADER_SIZE, SEGMENT_MAGIC, listSegments, readFrames, segmentPath } from './segment.js';
import { fsyncDirSync } from './writer.js';

/** What `replayWal` read and what it repaired. */
export interface ReplayStats {
  /** Segments read (fully or up to the damage). */
  readonly segments: number;
  readonly records: number;
  /** Payload bytes handed to `onRecord`. */
  readonly bytes: number;
  /** Inclusive range of segment indexes read; undefined when none was. */
  readonly first: number | undefined;
  readonly last: number | undefined;
  /** Where replay stopped early, if it did; the segment was cut back (or deleted when its header was bad). */
  readonly corruption: { readonly segment: number; readonly file: string; readonly offset: number; readonly reason: string } | undefined;
  /** Segments removed by the repair: the damaged one if its header was bad, and every later one. */
  readonly deletedSegments: readonly number[];
}

/**
 * Reads the records of segments with index >= `from`, in order, calling
 * `onRecord(rec, segment, offset)`; `rec` is a view valid only during the call (copy it
 * to keep it). Call before `Wal.open` on the same directory.
 *
 * Damage (torn write, flipped bit, zero-filled tail, partial header, a missing segment
 * in the middle of the sequence) is repaired, not thrown: a warning names the file, the
 * byte offset and what was wrong; that segment is cut back to its last good record
 * (deleted if not even its header is good); every later segment is deleted, since
 * records after a gap cannot be trusted to follow on; then replay returns normally.
 * Throws only `WalError` for I/O failures and whatever `onRecord` throws (then nothing
 * is repaired). A missing directory replays as empty.
 */
export async function replayWal(
  dir: string,
  from: number,
  onRecord: (rec: Uint8Array, segment: number, offset: number) => void,
  logger: Logger,
): Promise<ReplayStats> {
  let segments: number[];
  try {
    segments = (await listSegments(dir)).filter((i) => i >= from);
  } catch (cause) {
    throw new WalError(`cannot list WAL segments in ${dir}`, { cause });
  }
  let records = 0;
  let bytes = 0;
  let read = 0;
  let corruption: ReplayStats['corruption'];
  const deleted: number[] = [];
  if (segments.length > 0 && segments[0] !== from && from > 0) {
    logger.warn({ dir, from, first: segments[0] }, `WAL segments ${from}..${segments[0]! - 1} are missing; replaying from ${segments[0]}`);
  }
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    const file = segmentPath(dir, seg);
    if (k > 0 && seg !== segments[k - 1]! + 1) {
      corruption = { segment: seg, file, offset: 0, reason: `segment ${segments[k - 1]! + 1} is missing (gap before ${seg})` };
      logger.warn({ file, offset: 0, reason: corruption.reason }, `WAL gap: ${corruption.reason}; deleting ${file} and every later segment`);
      await removeFrom(segments, k, deleted);
      break;
    }
    let res;
    let fromCallback: { err: unknown } | undefined;
    try {
      res = await readFrames(file, SEGMENT_MAGIC, (rec, offset) => {
        bytes += rec.length;
        try {
          onRecord(rec, seg, offset);
        } catch (err) {
          fromCallback = { err };
          throw err;
        }
      });
    } catch (cause) {
      if (fromCallback) throw fromCallback.err;
      throw new WalError(`cannot read WAL segment ${file}`, { cause });
    }
    read++;
    records += res.records;
    const problem = res.problem;
    if (!problem) continue;
    corruption = { segment: seg, file, offset: problem.offset, reason: problem.reason };
    const later = segments.length - k - 1;
    const dropBad = res.goodEnd < HEADER_SIZE;
    logger.warn(
      { file, offset: problem.offset, reason: problem.reason, lostBytes: res.fileSize - res.goodEnd, deletedLaterSegments: later },
      `WAL corruption in ${file} at byte ${problem.offset}: ${problem.reason}; ` +
        (dropBad ? 'deleting the segment' : `truncating it to ${res.goodEnd} bytes`) +
        (later > 0 ? ` and deleting ${later} later segment(s)` : ''),
    );
    try {
      if (dropBad) {
        await removeFrom(segments, k, deleted);
      } else {
        await truncate(file, res.goodEnd);
        await fsyncFile(file);
        await removeFrom(segments, k + 1, deleted);
      }
    } catch (cause) {
      throw new WalError(`cannot repair WAL segment ${file}`, { cause });
    }
    break;
  }
  return {
    segments: read,
    records,
    bytes,
    first: read > 0 ? segments[0] : undefined,
    last: read > 0 ? segments[read - 1] : undefined,
    corruption,
    deletedSegments: deleted,
  };

  async function removeFrom(all: readonly number[], start: number, out: number[]): Promise<void> {
    for (let i = start; i < all.length; i++) {
      await unlink(segmentPath(dir, all[i]!));
      out.push(all[i]!);
    }
    fsyncDirSync(dir);
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
