import { ChunkCorruptionError } from './errors.js';

/**
 * Variable-length integers for safe-integer JS numbers (|x| <= 2^53 - 1).
 * uvarint: 7 bits per byte, least significant group first, high bit = more follows (as Go's
 * binary.Uvarint). svarint: sign-magnitude instead of zigzag, so every safe integer fits
 * exactly: first byte = more(1) | sign(1) | low 6 bits of |x|, then uvarint(|x| / 64).
 */

/** Growing byte buffer with varint writers. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
  }

  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  /** View of the written bytes; valid until the next write. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  raw(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** x: non-negative safe integer. */
  uvarint(x: number): void {
    this.ensure(8);
    const buf = this.buf;
    let o = this.len;
    while (x > 0x7fffffff) {
      buf[o++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    while (x >= 0x80) {
      buf[o++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[o++] = x;
    this.len = o;
  }

  /** x: any safe integer. */
  svarint(x: number): void {
    const neg = x < 0 ? 0x40 : 0;
    const a = neg ? -x : x;
    if (a < 64) {
      this.byte(neg | a);
      return;
    }
    this.byte(0x80 | neg | (a % 64));
    this.uvarint(Math.floor(a / 64));
  }
}

/** Cursor over bytes with bounds-checked varint readers; overruns throw ChunkCorruptionError. */
export class ByteReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;

  reset(buf: Uint8Array, start = 0, end = buf.length): void {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  fail(msg: string): never {
    throw new ChunkCorruptionError(this.pos, msg);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('truncated');
    return this.buf[this.pos++]!;
  }

  uvarint(): number {
    const buf = this.buf, end = this.end;
    let p = this.pos;
    if (p < end) {
      const b = buf[p]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    let x = 0, mul = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) {
        this.pos = p;
        this.fail('truncated varint');
      }
      const b = buf[p++]!;
      x += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = p;
        if (x > Number.MAX_SAFE_INTEGER) this.fail('varint out of range');
        return x;
      }
      mul *= 128;
    }
    this.pos = p;
    return this.fail('varint too long');
  }

  svarint(): number {
    const b = this.byte();
    const mag = b & 0x80 ? (b & 0x3f) + this.uvarint() * 64 : b & 0x3f;
    if (mag > Number.MAX_SAFE_INTEGER) this.fail('varint out of range');
    return b & 0x40 ? -mag : mag;
  }
}
