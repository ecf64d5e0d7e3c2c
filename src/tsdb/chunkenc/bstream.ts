import { ChunkCorruptionError } from './errors.js';

/**
 * Bit-level writer over a growing Uint8Array, most significant bit first.
 * Bits are only ever OR-ed into positions past the current end, so a reader holding
 * an older view (or the same buffer) keeps seeing the bits that existed when it started.
 */
export class BitWriter {
  private buf: Uint8Array;
  private bitLen: number;

  /** `initial` may hold existing bits (it is adopted, not copied); `bitLen` says how many are valid. */
  constructor(initialBytes = 32, initial?: Uint8Array, bitLen = 0) {
    this.buf = initial ?? new Uint8Array(Math.max(8, initialBytes));
    this.bitLen = bitLen;
  }

  /**
   * Points the writer at `buf` with `bitLen` bits already valid (adopted, not copied): lets
   * one writer append to many streams kept elsewhere (the head's chunk slabs). The caller
   * must make sure the writes fit: past the end, the writer moves to a buffer of its own.
   */
  attach(buf: Uint8Array, bitLen: number): void {
    this.buf = buf;
    this.bitLen = bitLen;
  }

  /** Number of bits written. */
  get lengthBits(): number {
    return this.bitLen;
  }

  /** A view of the written bytes (last byte zero-padded). Valid until the next write; copy to keep. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, (this.bitLen + 7) >>> 3);
  }

  /** The whole underlying buffer (for in-place header updates by the owner). */
  buffer(): Uint8Array {
    return this.buf;
  }

  /** Forgets all bits, keeping the buffer. */
  reset(): void {
    this.buf.fill(0, 0, (this.bitLen + 7) >>> 3);
    this.bitLen = 0;
  }

  /** Shrinks the buffer to the written bytes (it grows again on the next write). */
  trim(): void {
    const len = (this.bitLen + 7) >>> 3;
    if (len < this.buf.length) this.buf = this.buf.slice(0, Math.max(len, 1));
  }

  private grow(minBytes: number): void {
    let size = Math.max(16, this.buf.length * 2);
    while (size < minBytes) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, (this.bitLen + 7) >>> 3));
    this.buf = nb;
  }

  writeBit(bit: number): void {
    const pos = this.bitLen;
    const i = pos >>> 3;
    if (i >= this.buf.length) this.grow(i + 1);
    if (bit !== 0) this.buf[i]! |= 0x80 >>> (pos & 7);
    this.bitLen = pos + 1;
  }

  /** Writes the low `n` bits of `v` (0 <= n <= 32), most significant first. */
  writeBits(v: number, n: number): void {
    if (n === 0) return;
    const pos = this.bitLen;
    let i = pos >>> 3;
    if (i + 5 > this.buf.length) this.grow(i + 5);
    const buf = this.buf;
    const free = 8 - (pos & 7);
    this.bitLen = pos + n;
    if (n < 32) v &= (1 << n) - 1;
    if (n <= free) {
      buf[i]! |= v << (free - n);
      return;
    }
    n -= free;
    buf[i++]! |= v >>> n;
    while (n >= 8) {
      n -= 8;
      buf[i++] = v >>> n; // Uint8Array stores the low 8 bits
    }
    if (n > 0) buf[i] = v << (8 - n);
  }

  /** Writes a 64-bit pattern given as two unsigned 32-bit halves, low `n` bits (0 <= n <= 64). */
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi, n - 32);
      this.writeBits(lo, 32);
    } else this.writeBits(lo, n);
  }
}

/**
 * Bit-level reader over a byte range. Reading past `endBit` throws `ChunkCorruptionError`
 * (never returns garbage, never loops). `hi`/`lo` hold the result of `readBits64`.
 */
export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  private end = 0;
  hi = 0;
  lo = 0;

  /** Reads bits [startBit, endBit) of `buf`; endBit defaults to the whole buffer. */
  reset(buf: Uint8Array, startBit = 0, endBit = buf.length * 8): void {
    this.buf = buf;
    this.pos = startBit;
    this.end = Math.min(endBit, buf.length * 8);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private overrun(n: number): never {
    throw new ChunkCorruptionError(this.pos >>> 3, `truncated: need ${n} more bits, ${this.end - this.pos} left`);
  }

  readBit(): number {
    const pos = this.pos;
    if (pos >= this.end) this.overrun(1);
    this.pos = pos + 1;
    return (this.buf[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
  }

  /** Reads `n` bits (0 <= n <= 32) as an unsigned number. */
  readBits(n: number): number {
    if (n === 0) return 0;
    const pos = this.pos;
    if (pos + n > this.end) this.overrun(n);
    this.pos = pos + n;
    const buf = this.buf;
    let i = pos >>> 3;
    const avail = 8 - (pos & 7);
    let v = buf[i++]! & (0xff >>> (8 - avail));
    if (n <= avail) return v >>> (avail - n);
    n -= avail;
    while (n >= 8) {
      v = (v << 8) | buf[i++]!;
      n -= 8;
    }
    if (n > 0) v = (v << n) | (buf[i]! >>> (8 - n));
    return v >>> 0;
  }

  /** Reads `n` bits (0 <= n <= 64) into `hi`/`lo` (unsigned halves). */
  readBits64(n: number): void {
    if (n > 32) {
      this.hi = this.readBits(n - 32);
      this.lo = this.readBits(32);
    } else {
      this.hi = 0;
      this.lo = this.readBits(n);
    }
  }
}
