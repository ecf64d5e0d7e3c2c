import { ByteReader, putUvarint, putZigzagDelta } from './varint.js';
import { RecordDecodeError, RecordEncodeError, RecordType } from './types.js';

/**
 * Chunks record (see docs/format/wal.md), used in checkpoints to carry a series' head
 * chunks as they are, instead of their samples one by one:
 *
 *   type=3 | { uvarint(ref) zz(mint) zz(maxt − mint) uvarint(len) bytes[len] }*
 *
 * Entries run to the end of the record. `bytes` is opaque here (the chunk encoding is
 * the head's business); `mint <= maxt` are the chunk's first and last timestamps (ms).
 */

export interface ChunkEntry {
  readonly ref: number;
  readonly mint: number;
  readonly maxt: number;
  readonly bytes: Uint8Array;
}

/** Throws `RecordEncodeError` for a ref or time that is not a safe integer or mint > maxt. */
export function encodeChunks(entries: readonly ChunkEntry[]): Uint8Array {
  let size = 1;
  for (const e of entries) size += 8 + 10 + 10 + 8 + e.bytes.length;
  const buf = new Uint8Array(size);
  buf[0] = RecordType.Chunks;
  let pos = 1;
  for (const e of entries) {
    if (!Number.isSafeInteger(e.ref) || e.ref < 0 || !Number.isSafeInteger(e.mint) || !Number.isSafeInteger(e.maxt) || e.mint > e.maxt) {
      throw new RecordEncodeError(`chunk of series ${e.ref}: bad ref or time range [${e.mint}, ${e.maxt}]`);
    }
    pos = putUvarint(buf, pos, e.ref);
    pos = putZigzagDelta(buf, pos, e.mint, 0, 0);
    const hi = Math.floor(e.mint / 4294967296);
    pos = putZigzagDelta(buf, pos, e.maxt, hi, e.mint - hi * 4294967296);
    pos = putUvarint(buf, pos, e.bytes.length);
    buf.set(e.bytes, pos);
    pos += e.bytes.length;
  }
  // A view, not a copy: the size estimate above is at most 36 bytes per entry too large.
  return buf.subarray(0, pos);
}

/**
 * Calls `onChunk(ref, mint, maxt, bytes)` per entry and returns the count. `bytes` is a
 * fresh copy the callee may keep (WAL replay hands out records in a reused buffer).
 * Throws `RecordDecodeError` for a malformed record (after a prefix may have been delivered).
 */
export function decodeChunks(rec: Uint8Array, onChunk: (ref: number, mint: number, maxt: number, bytes: Uint8Array) => void): number {
  if (rec.length === 0 || rec[0] !== RecordType.Chunks) {
    throw new RecordDecodeError(0, `not a chunks record (type ${rec[0] ?? 'missing'})`);
  }
  const r = new ByteReader(rec, 1);
  let n = 0;
  while (r.pos < rec.length) {
    const ref = r.uvarint();
    const mint = r.zigzagDelta(0, 0);
    const maxt = r.zigzagDelta(r.hi, r.lo);
    if (maxt < mint) r.fail(`chunk of series ${ref} ends (${maxt}) before it starts (${mint})`);
    const bytes = r.bytes(r.uvarint()).slice();
    onChunk(ref, mint, maxt, bytes);
    n++;
  }
  return n;
}
