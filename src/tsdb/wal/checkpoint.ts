import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError } from '../../common/index.js';
import { WalError } from './errors.js';
import { CHECKPOINT_MAGIC, FRAME_HEADER_SIZE, MAX_RECORD_SIZE, makeHeader, putFrameHeader, readFrames, segmentName } from './segment.js';
import { fsyncDirSync } from './writer.js';

/**
 * A checkpoint `checkpoint.<segment>` (eight-digit index) holds, as records in the
 * segment file format with its own magic, the state of everything logged in segments
 * < `segment`. What the records mean is the caller's business (the head writes series
 * still alive and their recent samples). Recovery = replayCheckpoint(last), then
 * replayWal(dir, last.segment).
 */

const CHECKPOINT_RE = /^checkpoint\.(\d{8,})$/;
const TMP_SUFFIX = '.tmp';
const FLUSH_AT = 1 << 20;

export const checkpointName = (segment: number): string => `checkpoint.${segmentName(segment)}`;

/**
 * Writes `checkpoint.<segment>` in `dir` atomically: to a temporary file, fsync, rename,
 * fsync of `dir`; a crash leaves either the previous checkpoint or the new one, never a
 * partial one. Then deletes older checkpoints and stray temporary files. Throws `WalError`.
 */
export async function writeCheckpoint(dir: string, segment: number, records: Iterable<Uint8Array>): Promise<string> {
  if (!Number.isSafeInteger(segment) || segment < 0) throw new WalError(`invalid checkpoint segment ${segment}`);
  const final = join(dir, checkpointName(segment));
  const tmp = final + TMP_SUFFIX;
  try {
    await rm(tmp, { force: true });
    const fh = await open(tmp, 'wx');
    try {
      let buf = Buffer.allocUnsafe(FLUSH_AT + FRAME_HEADER_SIZE);
      let pos = 0;
      let filePos = 0;
      const flush = async (): Promise<void> => {
        let off = 0;
        while (off < pos) off += (await fh.write(buf, off, pos - off, filePos + off)).bytesWritten;
        filePos += pos;
        pos = 0;
      };
      buf.set(makeHeader(CHECKPOINT_MAGIC), 0);
      pos = 8;
      for (const r of records) {
        if (r.length > MAX_RECORD_SIZE) throw new WalError(`checkpoint record of ${r.length} bytes is too large`);
        if (pos + FRAME_HEADER_SIZE + r.length > buf.length) {
          await flush();
          if (FRAME_HEADER_SIZE + r.length > buf.length) buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE + r.length);
        }
        putFrameHeader(buf, pos, r);
        buf.set(r, pos + FRAME_HEADER_SIZE);
        pos += FRAME_HEADER_SIZE + r.length;
        if (pos >= FLUSH_AT) await flush();
      }
      await flush();
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    fsyncDirSync(dir);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (cause instanceof WalError) throw cause;
    throw new WalError(`cannot write checkpoint ${final}`, { cause });
  }
  for (const name of await readdir(dir)) {
    const m = CHECKPOINT_RE.exec(name);
    const stale = (m && Number(m[1]) < segment) || (name.startsWith('checkpoint.') && name.endsWith(TMP_SUFFIX));
    if (stale) await rm(join(dir, name), { recursive: true, force: true });
  }
  return final;
}

/** The newest complete checkpoint in `dir` (temporary files ignored), or undefined. */
export async function lastCheckpoint(dir: string): Promise<{ segment: number; path: string } | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WalError(`cannot list ${dir}`, { cause: err });
  }
  let best: number | undefined;
  for (const n of names) {
    const m = CHECKPOINT_RE.exec(n);
    if (m && (best === undefined || Number(m[1]) > best)) best = Number(m[1]);
  }
  return best === undefined ? undefined : { segment: best, path: join(dir, checkpointName(best)) };
}

/**
 * Calls `onRecord(rec)` for each record of a checkpoint, in order; `rec` is valid only
 * during the call. A checkpoint is written atomically, so any damage is real data loss:
 * throws `CorruptionError` (file and offset) after delivering the good prefix, and
 * `WalError` for I/O failures. Returns the number of records.
 */
export async function replayCheckpoint(path: string, onRecord: (rec: Uint8Array) => void): Promise<number> {
  let fromCallback: { err: unknown } | undefined;
  let res;
  try {
    res = await readFrames(path, CHECKPOINT_MAGIC, (rec) => {
      try {
        onRecord(rec);
      } catch (err) {
        fromCallback = { err };
        throw err;
      }
    });
  } catch (cause) {
    if (fromCallback) throw fromCallback.err;
    throw new WalError(`cannot read checkpoint ${path}`, { cause });
  }
  if (res.problem) throw new CorruptionError(path, res.problem.offset, res.problem.reason);
  return res.records;
}
