import { CorruptionError } from '../../common/index.js';

/**
 * Byte-level helpers for the index file: unsigned LEB128 varints (up to 2^53 - 1),
 * zigzag signed varints, big-endian fixed-width integers. Integers beyond 2^31 are
 * handled with float arithmetic, so any safe integer round-trips.
 */

/** The largest magnitude a zigzag-encoded number may have so its code stays a safe integer. */
export const MAX_ZIGZAG = 2 ** 52 - 1;

/** An append-only byte buffer. */
export class Encbuf {
  private buf = new Uint8Array(4096);
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** Forgets the contents, keeping the capacity. */
  reset(): void {
    this.n = 0;
  }

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const g = new Uint8Array(cap);
    g.set(this.buf.subarray(0, this.n));
    this.buf = g;
  }

  /** Appends `v`, a safe non-negative integer, as a LEB128 varint (1–8 bytes). Throws RangeError otherwise. */
  putUvarint(v: number): void {
    this.reserve(8);
    if (v >= 0 && v < 0x80000000 && Number.isInteger(v)) {
      while (v >= 0x80) { this.buf[this.n++] = (v & 0x7f) | 0x80; v >>>= 7; }
      this.buf[this.n++] = v;
      return;
    }
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot encode ${v} as an unsigned varint`);
    while (v >= 0x80) { this.buf[this.n++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
    this.buf[this.n++] = v;
  }

  /** Appends a signed integer with |v| <= MAX_ZIGZAG as a zigzag varint. */
  putVarint(v: number): void {
    if (!Number.isSafeInteger(v) || Math.abs(v) > MAX_ZIGZAG) throw new RangeError(`cannot encode ${v} as a signed varint`);
    this.putUvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  putU32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.n] = v >>> 24; b[this.n + 1] = v >>> 16; b[this.n + 2] = v >>> 8; b[this.n + 3] = v;
    this.n += 4;
  }

  /** Overwrites 4 bytes at `at` (for length fields filled in after the fact). */
  setU32(at: number, v: number): void {
    const b = this.buf;
    b[at] = v >>> 24; b[at + 1] = v >>> 16; b[at + 2] = v >>> 8; b[at + 3] = v;
  }

  /** Appends a safe non-negative integer as 8 bytes big-endian. */
  putU64(v: number): void {
    this.putU32(Math.floor(v / 2 ** 32));
    this.putU32(v >>> 0);
  }

  putBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.n);
    this.n += bytes.length;
  }

  /** A view of the bytes written so far (invalidated by later writes). */
  bytes(from = 0, to = this.n): Uint8Array {
    return this.buf.subarray(from, to);
  }
}

/**
 * A bounds-checked cursor over `[pos, end)` of a file's bytes. Every read past `end` or
 * of a malformed number throws `CorruptionError` naming `file` and the absolute offset.
 */
export class Decbuf {
  pos: number;

  constructor(
    private readonly b: Uint8Array,
    readonly file: string,
    start: number,
    readonly end: number,
  ) {
    if (start < 0 || end > b.length || start > end) throw new CorruptionError(file, start, `section [${start}, ${end}) outside the file (${b.length} bytes)`);
    this.pos = start;
  }

  fail(message: string, at = this.pos): never {
    throw new CorruptionError(this.file, at, message);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  uvarint(): number {
    const start = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      const byte = this.b[this.pos++]!;
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(v)) this.fail('varint out of range', start);
        return v;
      }
      mul *= 128;
    }
    return this.fail('varint longer than 8 bytes', start);
  }

  /** A uvarint that must be at most `max` (e.g. a count bounded by the bytes left). */
  uvarintMax(max: number, what: string): number {
    const start = this.pos;
    const v = this.uvarint();
    if (v > max) this.fail(`${what} ${v} exceeds ${max}`, start);
    return v;
  }

  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  u32(): number {
    if (this.pos + 4 > this.end) this.fail('truncated 32-bit integer');
    const b = this.b, p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  u64(): number {
    const at = this.pos;
    const hi = this.u32();
    const lo = this.u32();
    const v = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(v)) this.fail('64-bit integer out of range', at);
    return v;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated: need ${n} bytes, ${this.end - this.pos} left`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
