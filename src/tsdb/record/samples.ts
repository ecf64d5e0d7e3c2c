import { ByteReader, TWO32, putZigzagDelta } from './varint.js';
import { RecordDecodeError, RecordEncodeError, RecordType } from './types.js';

/**
 * Samples record (see docs/format/wal.md):
 *
 *   type=2 | [ zz(baseRef) zz(baseT) | { zz(ref − baseRef) zz(t − baseT) v:float64le }* ]
 *
 * The base is the first entry's ref and timestamp; an empty batch is the type byte
 * alone. Entries run to the end of the record (no count). `v` is copied bit for bit,
 * so NaN payloads (the staleness marker) and −0 survive.
 */

/** Worst case for one entry: base (2 × 10) + deltas (2 × 10) + value (8). */
const MAX_ENTRY_BYTES = 48;

/**
 * Builds one samples record without allocating per sample. Use: `add` for each sample,
 * `finish` to get the record, `reset` to start the next one (the buffer is kept).
 * Not for sharing between concurrent producers.
 */
export class SamplesEncoder {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 1;
  private n = 0;
  private refHi = 0;
  private refLo = 0;
  private tHi = 0;
  private tLo = 0;

  /** `initialBytes` is a capacity hint (about 11 bytes per sample); the buffer grows as needed. */
  constructor(initialBytes = 16384) {
    this.buf = new Uint8Array(Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer);
    this.buf[0] = RecordType.Samples;
  }

  /** Number of samples added since the last reset. */
  get count(): number {
    return this.n;
  }

  /** Bytes the record would have now. */
  get byteLength(): number {
    return this.pos;
  }

  /**
   * Appends one sample. `ref` must be a non-negative safe integer and `t` a safe integer
   * (ms); otherwise throws `RecordEncodeError` and the record is unchanged.
   */
  add(ref: number, t: number, v: number): void {
    if (!Number.isSafeInteger(t) || !(Number.isSafeInteger(ref) && ref >= 0)) {
      throw new RecordEncodeError(`sample ref ${ref} / timestamp ${t} is not a safe integer`);
    }
    if (this.pos + MAX_ENTRY_BYTES > this.buf.length) this.grow();
    const buf = this.buf;
    let pos = this.pos;
    if (this.n === 0) {
      this.refHi = Math.floor(ref / TWO32);
      this.refLo = ref - this.refHi * TWO32;
      this.tHi = Math.floor(t / TWO32);
      this.tLo = t - this.tHi * TWO32;
      pos = putZigzagDelta(buf, pos, ref, 0, 0);
      pos = putZigzagDelta(buf, pos, t, 0, 0);
    }
    pos = putZigzagDelta(buf, pos, ref, this.refHi, this.refLo);
    pos = putZigzagDelta(buf, pos, t, this.tHi, this.tLo);
    this.view.setFloat64(pos, v, true);
    this.pos = pos + 8;
    this.n++;
  }

  /** A copy of the record built so far; the encoder keeps its content until `reset`. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /**
   * The record built so far as a view of the encoder's buffer, valid until the next `add`
   * or `reset` (no copy: for a caller that hands it on at once, e.g. to `Wal.log`).
   */
  record(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Empties the encoder for the next record, keeping its buffer. */
  reset(): void {
    this.pos = 1;
    this.n = 0;
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Encodes parallel arrays in one go (convenience for tests and tools). */
export function encodeSamples(refs: ArrayLike<number>, ts: ArrayLike<number>, vs: ArrayLike<number>): Uint8Array {
  const n = refs.length;
  if (ts.length !== n || vs.length !== n) throw new RecordEncodeError('refs, ts and vs differ in length');
  const enc = new SamplesEncoder(16 + n * 12);
  for (let i = 0; i < n; i++) enc.add(refs[i]!, ts[i]!, vs[i]!);
  return enc.finish();
}

/**
 * Calls `onSample(ref, t, v)` for each entry, in record order, and returns the count.
 * Throws `RecordDecodeError` when the record is not a well-formed samples record; in
 * that case `onSample` may already have been called for a prefix of the entries.
 */
export function decodeSamples(rec: Uint8Array, onSample: (ref: number, t: number, v: number) => void): number {
  if (rec.length === 0 || rec[0] !== RecordType.Samples) {
    throw new RecordDecodeError(0, `not a samples record (type ${rec[0] ?? 'missing'})`);
  }
  if (rec.length === 1) return 0;
  const r = new ByteReader(rec, 1);
  r.zigzagDelta(0, 0);
  if (r.hi < 0) r.fail('negative series ref');
  const refHi = r.hi;
  const refLo = r.lo;
  r.zigzagDelta(0, 0);
  const tHi = r.hi;
  const tLo = r.lo;
  let n = 0;
  while (r.pos < rec.length) {
    const ref = r.zigzagDelta(refHi, refLo);
    if (ref < 0) r.fail('negative series ref');
    const t = r.zigzagDelta(tHi, tLo);
    const v = r.float64();
    onSample(ref, t, v);
    n++;
  }
  return n;
}

/** Number of entries, without decoding values; throws `RecordDecodeError` like `decodeSamples`. */
export function countSamples(rec: Uint8Array): number {
  return decodeSamples(rec, noop);
}

function noop(): void {}
