import { RecordDecodeError } from './types.js';

/**
 * Variable-length integers for record encodings, exact over the whole safe-integer
 * range (|x| ≤ 2^53 − 1) and over deltas between two such numbers (up to 2^54), which
 * a JS number cannot hold exactly. Values are therefore handled as 64-bit (hi, lo)
 * pairs of 32-bit halves; all arithmetic below is on small integers and exact.
 *
 * Encoding: protobuf-style base-128 varint (little-endian groups of 7 bits, high bit =
 * "more follows"), at most 10 bytes; signed values are zigzag-mapped first.
 */

export const TWO32 = 4294967296;

/** Splits a safe integer into hi (floor(x / 2^32), signed) and lo (in [0, 2^32)). */
export function hiOf(x: number): number {
  return Math.floor(x / TWO32);
}

/**
 * Writes zigzag(x − base) as a varint at `pos` in `buf` and returns the new position,
 * where base = baseHi·2^32 + baseLo. The caller guarantees 10 bytes of room and that x
 * is a safe integer.
 */
export function putZigzagDelta(buf: Uint8Array, pos: number, x: number, baseHi: number, baseLo: number): number {
  const hi = Math.floor(x / TWO32);
  let dlo = x - hi * TWO32 - baseLo;
  let dhi = hi - baseHi;
  if (dlo < 0) {
    dlo += TWO32;
    dhi -= 1;
  }
  // (dhi, dlo) is the delta in 64-bit two's complement; zigzag = (d << 1) ^ (d >> 63).
  const sign = dhi >> 31;
  let zhi = (((dhi << 1) | (dlo >>> 31)) ^ sign) >>> 0;
  let zlo = ((dlo << 1) ^ sign) >>> 0;
  while (zhi !== 0 || zlo > 0x7f) {
    buf[pos++] = (zlo & 0x7f) | 0x80;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  buf[pos++] = zlo;
  return pos;
}

/** Writes an unsigned varint of a non-negative safe integer; needs 8 bytes of room. */
export function putUvarint(buf: Uint8Array, pos: number, x: number): number {
  while (x > 0x7f) {
    buf[pos++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  buf[pos++] = x;
  return pos;
}

/**
 * A bounds-checked cursor over one record. Every read either advances or throws
 * `RecordDecodeError`, so a loop over reads always ends. One instance per decode call;
 * `hi`/`lo` carry the result of the last 64-bit read without allocating.
 */
export class ByteReader {
  pos: number;
  /** Result of the last `zigzagDelta`: the value as (hi, lo) halves. */
  hi = 0;
  lo = 0;
  private view: DataView | undefined;

  constructor(
    readonly buf: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  fail(message: string): never {
    throw new RecordDecodeError(this.pos, message);
  }

  /** An unsigned varint that must be a safe integer (at most 8 bytes). */
  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.length) this.fail('truncated varint');
      const b = buf[pos++]!;
      x += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (x > Number.MAX_SAFE_INTEGER) this.fail('varint exceeds 2^53');
        this.pos = pos;
        return x;
      }
      mul *= 128;
    }
    return this.fail('varint too long');
  }

  /**
   * Reads zigzag(x − base) and stores x in (hi, lo); returns x as a number.
   * Throws when x is not a safe integer.
   */
  zigzagDelta(baseHi: number, baseLo: number): number {
    const buf = this.buf;
    const end = buf.length;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0x80;
    let shift = 0;
    for (; shift < 28 && b >= 0x80; shift += 7) {
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
    }
    if (b >= 0x80) {
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >>> 4;
      for (shift = 3; b >= 0x80; shift += 7) {
        if (shift > 31) this.fail('varint too long');
        if (pos >= end) this.fail('truncated varint');
        b = buf[pos++]!;
        if (shift === 31 && b > 1) this.fail('varint overflows 64 bits');
        hi |= (b & 0x7f) << shift;
      }
    }
    this.pos = pos;
    // Undo zigzag in 64 bits, then add the base with a carry between halves.
    const sign = -(lo & 1);
    const dlo = (((lo >>> 1) | (hi << 31)) ^ sign) >>> 0;
    const dhi = ((hi >>> 1) ^ sign) | 0;
    let rlo = baseLo + dlo;
    let rhi = baseHi + dhi;
    if (rlo >= TWO32) {
      rlo -= TWO32;
      rhi += 1;
    }
    if (rhi < -2097152 || rhi >= 2097152) this.fail('integer outside the safe range');
    const x = rhi * TWO32 + rlo;
    if (x === -9007199254740992) this.fail('integer outside the safe range');
    this.hi = rhi;
    this.lo = rlo;
    return x;
  }

  float64(): number {
    if (this.pos + 8 > this.buf.length) this.fail('truncated float64');
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a view into the record (no copy). */
  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) this.fail(`length ${n} runs past the end of the record`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
