import { VigieError } from '../common/index.js';

/**
 * Protobuf wire-format helpers for the remote-write messages, on plain Uint8Array with
 * explicit positions (no object per field). Readers throw `ProtobufError` with the byte
 * offset; writers assume the caller sized the buffer (see `ProtoWriter`).
 */

/** The bytes are not a valid encoding of the expected message; `offset` is where it broke. */
export class ProtobufError extends VigieError {
  override name = 'ProtobufError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`protobuf: ${message} at byte ${offset}`);
  }
}

/**
 * Reads a varint at `buf[p]`, bounded by `end`; returns its value as a JS number (exact up
 * to 2^53; 64-bit negative values are returned as negative numbers) and sets `cur.pos`.
 */
export function readVarint(buf: Uint8Array, p: number, end: number, cur: { pos: number }): number {
  if (p >= end) throw new ProtobufError(p, 'truncated varint');
  let b = buf[p++]!;
  if (b < 0x80) {
    cur.pos = p;
    return b;
  }
  let x = b & 0x7f;
  let shift = 7;
  // Up to 28 bits with integer ops, then float multiplication (exact below 2^53).
  while (shift < 28) {
    if (p >= end) throw new ProtobufError(p, 'truncated varint');
    b = buf[p++]!;
    x |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cur.pos = p;
      return x;
    }
    shift += 7;
  }
  const start = p;
  let mul = 2 ** 28;
  for (let i = 0; i < 6; i++) {
    if (p >= end) throw new ProtobufError(p, 'truncated varint');
    b = buf[p++]!;
    if (i === 5 && b > 1) throw new ProtobufError(p - 1, 'varint longer than 64 bits');
    x += (b & 0x7f) * mul;
    if (b < 0x80) {
      cur.pos = p;
      // Bit 63 set (10-byte encoding): a negative int64, two's complement.
      if (i === 5) return Number(BigInt.asIntN(64, bigVarint(buf, start - 4, p)));
      return x;
    }
    mul *= 128;
  }
  throw new ProtobufError(p, 'varint longer than 10 bytes');
}

function bigVarint(buf: Uint8Array, from: number, to: number): bigint {
  let x = 0n;
  let shift = 0n;
  for (let i = from; i < to; i++) {
    x |= BigInt(buf[i]! & 0x7f) << shift;
    shift += 7n;
  }
  return x;
}

/** Position just after the field whose tag (already read) is `tag` and whose body starts at `p`. */
export function skipField(buf: Uint8Array, tag: number, p: number, end: number, cur: { pos: number }): number {
  switch (tag & 7) {
    case 0:
      readVarint(buf, p, end, cur);
      return cur.pos;
    case 1:
      if (p + 8 > end) throw new ProtobufError(p, 'truncated fixed64 field');
      return p + 8;
    case 2: {
      const len = readVarint(buf, p, end, cur);
      const q = cur.pos + len;
      if (q > end) throw new ProtobufError(p, `field ${tag >>> 3} of ${len} bytes runs past the end of its message`);
      return q;
    }
    case 5:
      if (p + 4 > end) throw new ProtobufError(p, 'truncated fixed32 field');
      return p + 4;
    default:
      throw new ProtobufError(p, `unsupported wire type ${tag & 7} (field ${tag >>> 3})`);
  }
}

/** Bytes a varint of `x` (0 <= x < 2^53) takes. */
export function varintSize(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/**
 * A growable output buffer for protobuf messages. Length-delimited fields whose size is not
 * known up front are written with `beginLen`/`endLen` (5 bytes reserved, then moved down).
 */
export class ProtoWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  varint(x: number): void {
    this.ensure(10);
    if (x < 0) {
      // Negative int64: ten bytes of two's complement.
      let v = BigInt.asUintN(64, BigInt(x));
      while (v >= 0x80n) {
        this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.pos++] = Number(v);
      return;
    }
    while (x >= 0x80) {
      this.buf[this.pos++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.pos++] = x;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes `tag`, reserves a 5-byte length, returns the body start for `endLen`. */
  beginLen(tag: number): number {
    this.ensure(6);
    this.buf[this.pos++] = tag;
    this.pos += 5;
    return this.pos;
  }

  /** Writes the length of the body begun at `start` and moves the body next to it. */
  endLen(start: number): void {
    const len = this.pos - start;
    const n = varintSize(len);
    const at = start - 5;
    if (n < 5) this.buf.copyWithin(at + n, start, this.pos);
    let x = len;
    let i = at;
    while (x >= 0x80) {
      this.buf[i++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[i] = x;
    this.pos = at + n + len;
  }

  /** The bytes written so far (a view; copy before reusing the writer). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}
