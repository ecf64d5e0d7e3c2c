import { crc32 } from 'node:zlib';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Shared by segments and checkpoints (docs/format/wal.md):
 *
 *   file   = header{ magic[4] version:u8 reserved[3]=0 } frame*
 *   frame  = length:u32le crc:u32le payload[length]
 *   crc    = CRC-32 (IEEE, zlib) of the 4 length bytes followed by the payload
 *
 * Covering the length bytes means a zero-filled region never checks out (the CRC of
 * four zero bytes is not zero), so preallocated or torn space is recognised.
 */

export const HEADER_SIZE = 8;
export const FRAME_HEADER_SIZE = 8;
export const FORMAT_VERSION = 1;
export const SEGMENT_MAGIC = Uint8Array.of(0x56, 0x57, 0x41, 0x4c); // "VWAL"
export const CHECKPOINT_MAGIC = Uint8Array.of(0x56, 0x43, 0x4b, 0x50); // "VCKP"
export const MAX_RECORD_SIZE = 0xffffffff;

/** `00000042`: eight digits, more when the index outgrows them. */
export function segmentName(index: number): string {
  return String(index).padStart(8, '0');
}

const SEGMENT_RE = /^\d{8,}$/;

/** Indexes of segment files in `dir`, ascending; [] when the directory does not exist. */
export async function listSegments(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: number[] = [];
  for (const n of names) if (SEGMENT_RE.test(n)) out.push(Number(n));
  return out.sort((a, b) => a - b);
}

export function makeHeader(magic: Uint8Array): Uint8Array {
  const h = new Uint8Array(HEADER_SIZE);
  h.set(magic, 0);
  h[4] = FORMAT_VERSION;
  return h;
}

/**
 * Writes the frame header for `payload` at `pos` in `out` (8 bytes) and returns pos + 8.
 * The payload itself is not copied.
 */
export function putFrameHeader(out: Buffer, pos: number, payload: Uint8Array): number {
  out.writeUInt32LE(payload.length, pos);
  const c = crc32(payload, crc32(out.subarray(pos, pos + 4)));
  out.writeUInt32LE(c, pos + 4);
  return pos + FRAME_HEADER_SIZE;
}

/** Where and why reading a file stopped before its end. */
export interface FrameProblem {
  readonly offset: number;
  readonly reason: string;
}

export interface ReadFramesResult {
  /** Records handed to `onFrame`. */
  readonly records: number;
  /** Offset just after the last good frame (the file's length when `problem` is undefined). */
  readonly goodEnd: number;
  readonly fileSize: number;
  readonly problem: FrameProblem | undefined;
}

const CHUNK = 1 << 20;

/**
 * Reads every frame of one file in order and calls `onFrame(payload, offset)`. The
 * payload is a view into a reused buffer, valid only during the call. Stops at the first
 * bad frame and reports it in `problem`; never throws for bad data (only for I/O errors
 * and whatever `onFrame` throws). Every step advances, so it always ends. Memory is
 * bounded by max(1 MiB, largest record).
 */
export async function readFrames(
  path: string,
  magic: Uint8Array,
  onFrame: (payload: Uint8Array, offset: number) => void,
): Promise<ReadFramesResult> {
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    let records = 0;
    let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(fileSize, HEADER_SIZE)));
    let bufStart = 0; // file offset of buf[0]
    let bufLen = 0;
    /** Makes [off, off + n) present in buf; the caller checked off + n <= fileSize. */
    const ensure = async (off: number, n: number): Promise<void> => {
      if (off >= bufStart && off + n <= bufStart + bufLen) return;
      const keep = off >= bufStart && off < bufStart + bufLen ? bufStart + bufLen - off : 0;
      if (n > buf.length) {
        const next = Buffer.allocUnsafe(Math.max(n, buf.length * 2));
        buf.copy(next, 0, off - bufStart, off - bufStart + keep);
        buf = next;
      } else if (keep > 0) {
        buf.copy(buf, 0, off - bufStart, off - bufStart + keep);
      }
      bufStart = off;
      bufLen = keep;
      const want = Math.min(buf.length, fileSize - off);
      while (bufLen < n) {
        const { bytesRead } = await fh.read(buf, bufLen, want - bufLen, off + bufLen);
        if (bytesRead === 0) throw new Error(`${path}: file shrank while being read`);
        bufLen += bytesRead;
      }
    };
    const done = (goodEnd: number, problem?: FrameProblem): ReadFramesResult => ({ records, goodEnd, fileSize, problem });

    if (fileSize < HEADER_SIZE) return done(0, { offset: 0, reason: `partial file header (${fileSize} of ${HEADER_SIZE} bytes)` });
    await ensure(0, HEADER_SIZE);
    for (let i = 0; i < 4; i++) {
      if (buf[i] !== magic[i]) return done(0, { offset: 0, reason: `bad magic ${buf.subarray(0, 4).toString('hex')}` });
    }
    if (buf[4] !== FORMAT_VERSION) return done(0, { offset: 4, reason: `unknown format version ${buf[4]}` });

    let pos = HEADER_SIZE;
    while (pos < fileSize) {
      const left = fileSize - pos;
      if (left < FRAME_HEADER_SIZE) {
        return done(pos, { offset: pos, reason: `truncated frame header (${left} bytes left): torn write` });
      }
      await ensure(pos, FRAME_HEADER_SIZE);
      const at = pos - bufStart;
      const len = buf.readUInt32LE(at);
      const crc = buf.readUInt32LE(at + 4);
      if (len === 0 && crc === 0) {
        return done(pos, { offset: pos, reason: await describeZeros(fh, pos, fileSize) });
      }
      if (len > left - FRAME_HEADER_SIZE) {
        return done(pos, { offset: pos, reason: `record of ${len} bytes runs past the end of the file (${left - FRAME_HEADER_SIZE} bytes left): torn write` });
      }
      await ensure(pos, FRAME_HEADER_SIZE + len);
      const s = pos - bufStart;
      const payload = buf.subarray(s + FRAME_HEADER_SIZE, s + FRAME_HEADER_SIZE + len);
      const actual = crc32(payload, crc32(buf.subarray(s, s + 4)));
      if (actual !== crc) {
        return done(pos, { offset: pos, reason: `checksum mismatch on a ${len}-byte record (stored ${hex(crc)}, computed ${hex(actual)})` });
      }
      onFrame(payload, pos);
      records++;
      pos += FRAME_HEADER_SIZE + len;
    }
    return done(pos);
  } finally {
    await fh.close();
  }
}

async function describeZeros(fh: FileHandle, pos: number, fileSize: number): Promise<string> {
  const probe = Buffer.alloc(Math.min(fileSize - pos, CHUNK));
  const { bytesRead } = await fh.read(probe, 0, probe.length, pos);
  const allZero = probe.subarray(0, bytesRead).every((b) => b === 0);
  return allZero && bytesRead === fileSize - pos
    ? `zero-filled tail of ${fileSize - pos} bytes (space allocated but never written)`
    : 'zero frame header followed by data';
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

export const segmentPath = (dir: string, index: number): string => join(dir, segmentName(index));
