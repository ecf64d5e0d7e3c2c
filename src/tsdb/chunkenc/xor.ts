import type { SampleIterator } from '../../storage/index.js';
import { BitReader, BitWriter } from './bstream.js';
import type { Chunk, ChunkAppender, ChunkIterator } from './chunk.js';
import { ChunkCorruptionError, ChunkError } from './errors.js';
import { XorValueCoder } from './xor-values.js';

/**
 * Gorilla (delta-of-delta timestamps, XOR floats) chunk, after Prometheus' chunkenc/xor.go.
 * Layout (see docs/format/chunks.md):
 *   uint16 BE sample count | bit stream:
 *   sample 0: svarint t (8-bit groups) | 64 raw value bits
 *   sample 1: uvarint (t1 - t0)        | xor value
 *   sample k: dod bucket               | xor value
 * dod buckets: '0' = 0 | '10' + 14 bits | '110' + 17 bits | '1110' + 20 bits | '1111' + 64 bits,
 * two's complement. xor value: '0' = same bits | '10' + meaningful bits in the previous window |
 * '11' + 5-bit leading zeros + 6-bit length (0 means 64) + meaningful bits.
 */
export const XOR_MAX_SAMPLES = 0xffff;
const HEADER_BYTES = 2;
const TWO32 = 4294967296;

/** Appendable XOR chunk; it is its own appender. */
export class XorChunk implements Chunk, ChunkAppender {
  readonly encoding = 'xor' as const;
  private readonly w: BitWriter;
  private readonly vc = new XorValueCoder();
  private n = 0;
  private t = 0;
  private delta = 0;

  /**
   * An empty chunk; `sizeHint` is the initial buffer size in bytes, or `buffer` a zeroed
   * buffer to start in (adopted, e.g. carved from a slab; the chunk moves to a buffer of
   * its own if it outgrows it). (`writer` is for `fromBytes`.)
   */
  constructor(sizeHint = 128, writer?: BitWriter, buffer?: Uint8Array) {
    if (writer) this.w = writer;
    else {
      this.w = buffer ? new BitWriter(0, buffer, 0) : new BitWriter(sizeHint);
      this.w.writeBits(0, HEADER_BYTES * 8);
    }
  }

  /** Reopens persisted XOR bytes for appending (decodes them once). Throws ChunkCorruptionError. */
  static fromBytes(bytes: Uint8Array): XorChunk {
    const it = new XorIterator();
    it.reset(bytes);
    while (it.next());
    const err = it.err();
    if (err) throw err;
    const bitLen = it.count() === 0 ? HEADER_BYTES * 8 : it.bitPos();
    const buf = new Uint8Array(Math.max(bytes.length + 16, 64));
    buf.set(bytes.subarray(0, (bitLen + 7) >>> 3));
    if (bitLen & 7) buf[bitLen >>> 3]! &= 0xff << (8 - (bitLen & 7)); // clear padding bits
    const c = new XorChunk(0, new BitWriter(0, buf, bitLen));
    c.n = it.count();
    if (c.n > 0) it.exportState(c, c.vc);
    return c;
  }

  /** @internal restore from an iterator's final state. */
  restore(t: number, delta: number): void {
    this.t = t;
    this.delta = delta;
  }

  /** Shrinks the buffer to the exact encoded size; call when the chunk is closed (appending still works). */
  compact(): void {
    this.w.trim();
  }

  numSamples(): number {
    return this.n;
  }

  bytes(): Uint8Array {
    return this.w.bytes();
  }

  appender(): ChunkAppender {
    return this;
  }

  iterator(reuse?: SampleIterator): ChunkIterator {
    const it = reuse instanceof XorIterator ? reuse : new XorIterator();
    it.reset(this.w.bytes());
    return it;
  }

  append(t: number, v: number): void {
    const n = this.n;
    if (n === XOR_MAX_SAMPLES) throw new ChunkError(`xor chunk is full (${XOR_MAX_SAMPLES} samples)`);
    this.delta = xorAppendBits(this.w, this.vc, n, this.t, this.delta, t, v);
    this.t = t;
    this.n = n + 1;
    const buf = this.w.buffer();
    buf[0] = (n + 1) >>> 8;
    buf[1] = (n + 1) & 0xff;
  }
}

/**
 * Writes the bits of sample number `n` (0-based) of an XOR stream: `prevT` and `prevDelta`
 * are the previous sample's time and time delta (ignored for n = 0), `vc` the stream's value
 * coder. Returns the new delta. The 2-byte sample count header is the caller's (see
 * XorChunk.append; the head keeps this state in columns and reuses one writer and coder).
 * Throws ChunkError when `t` does not follow `prevT` or is not a safe integer.
 */
export function xorAppendBits(w: BitWriter, vc: XorValueCoder, n: number, prevT: number, prevDelta: number, t: number, v: number): number {
  if (n === 0) {
    if (!Number.isSafeInteger(t)) throw new ChunkError(`timestamp ${t} is not a safe integer`);
    writeSvarintBits(w, t);
    vc.encodeFirst(w, v);
    return 0;
  }
  const delta = t - prevT;
  if (!(delta > 0 && Number.isSafeInteger(delta) && Number.isSafeInteger(t))) {
    throw new ChunkError(`timestamp ${t} does not follow ${prevT} (must increase, safe integers only)`);
  }
  if (n === 1) writeUvarintBits(w, delta);
  else {
    const dod = delta - prevDelta;
    if (dod === 0) w.writeBit(0);
    else if (dod >= -8192 && dod < 8192) {
      w.writeBits(0b10, 2);
      w.writeBits(dod, 14);
    } else if (dod >= -65536 && dod < 65536) {
      w.writeBits(0b110, 3);
      w.writeBits(dod, 17);
    } else if (dod >= -524288 && dod < 524288) {
      w.writeBits(0b1110, 4);
      w.writeBits(dod, 20);
    } else {
      w.writeBits(0b1111, 4);
      const hi = Math.floor(dod / TWO32);
      w.writeBits(hi >>> 0, 32);
      w.writeBits(dod - hi * TWO32, 32);
    }
  }
  vc.encode(w, v);
  return delta;
}

/** Most bytes one sample after the first can add to an XOR stream (68 time + 77 value bits). */
export const XOR_MAX_SAMPLE_BYTES = 19;
/** Most bytes of the header and the first sample (2 + 10-byte svarint + 8). */
export const XOR_MAX_FIRST_BYTES = 20;

/** Cursor over XOR chunk bytes. Allocates only at construction. */
export class XorIterator implements ChunkIterator {
  readonly encoding = 'xor' as const;
  t = 0;
  v = 0;
  private readonly r = new BitReader();
  private readonly vc = new XorValueCoder();
  private n = 0;
  private i = 0;
  private delta = 0;
  private error: Error | undefined = undefined;

  reset(bytes: Uint8Array): void {
    this.i = 0;
    this.t = 0;
    this.v = 0;
    this.delta = 0;
    this.vc.start();
    this.error = undefined;
    if (bytes.length < HEADER_BYTES) {
      this.n = 0;
      this.error = new ChunkCorruptionError(0, `xor chunk of ${bytes.length} bytes has no header`);
      return;
    }
    this.n = (bytes[0]! << 8) | bytes[1]!;
    this.r.reset(bytes, HEADER_BYTES * 8);
  }

  /** Samples decoded so far. */
  count(): number {
    return this.i;
  }

  /** Bit position after the last decoded sample. */
  bitPos(): number {
    return this.r.pos;
  }

  /** @internal */
  exportState(c: XorChunk, vc: XorValueCoder): void {
    c.restore(this.t, this.delta);
    vc.hi = this.vc.hi;
    vc.lo = this.vc.lo;
    vc.leading = this.vc.leading;
    vc.trailing = this.vc.trailing;
  }

  err(): Error | undefined {
    return this.error;
  }

  next(): boolean {
    if (this.i >= this.n) return false;
    try {
      this.decode();
    } catch (e) {
      this.n = this.i;
      this.error = e instanceof ChunkCorruptionError ? e : new ChunkCorruptionError(this.r.pos >>> 3, 'bad xor data', { cause: e });
      return false;
    }
    this.i++;
    return true;
  }

  seek(target: number): boolean {
    if (this.i > 0 && this.t >= target) return true;
    while (this.next()) if (this.t >= target) return true;
    return false;
  }

  private decode(): void {
    const r = this.r;
    const i = this.i;
    if (i === 0) {
      this.t = readSvarintBits(r);
      this.v = this.vc.decodeFirst(r);
      return;
    }
    if (i === 1) {
      this.delta = readUvarintBits(r);
    } else if (r.readBit() !== 0) {
      let dod: number;
      // Each readBit() consumes a bit: the repeated conditions are a prefix code, not duplicates.
      /* eslint-disable no-dupe-else-if */
      if (r.readBit() === 0) dod = (r.readBits(14) << 18) >> 18;
      else if (r.readBit() === 0) dod = (r.readBits(17) << 15) >> 15;
      else if (r.readBit() === 0) dod = (r.readBits(20) << 12) >> 12;
      /* eslint-enable no-dupe-else-if */
      else {
        const hi = r.readBits(32) | 0;
        dod = hi * TWO32 + r.readBits(32);
      }
      this.delta += dod;
    }
    const t = this.t + this.delta;
    if (!(this.delta > 0) || !Number.isSafeInteger(t)) throw new ChunkCorruptionError(r.pos >>> 3, `timestamp out of order or range`);
    this.t = t;
    this.v = this.vc.decode(r);
  }
}

function writeUvarintBits(w: BitWriter, x: number): void {
  while (x >= 0x80) {
    w.writeBits((x % 128) | 0x80, 8);
    x = Math.floor(x / 128);
  }
  w.writeBits(x, 8);
}

function readUvarintBits(r: BitReader): number {
  let x = 0, mul = 1;
  for (let i = 0; i < 8; i++) {
    const b = r.readBits(8);
    x += (b & 0x7f) * mul;
    if (b < 0x80) return x;
    mul *= 128;
  }
  throw new ChunkCorruptionError(r.pos >>> 3, 'varint too long');
}

/** Sign-magnitude varint (see varint.ts) in 8-bit groups. */
function writeSvarintBits(w: BitWriter, x: number): void {
  const neg = x < 0 ? 0x40 : 0;
  const a = neg ? -x : x;
  if (a < 64) w.writeBits(neg | a, 8);
  else {
    w.writeBits(0x80 | neg | (a % 64), 8);
    writeUvarintBits(w, Math.floor(a / 64));
  }
}

function readSvarintBits(r: BitReader): number {
  const b = r.readBits(8);
  const mag = b & 0x80 ? (b & 0x3f) + readUvarintBits(r) * 64 : b & 0x3f;
  if (mag > Number.MAX_SAFE_INTEGER) throw new ChunkCorruptionError(r.pos >>> 3, 'timestamp out of range');
  return b & 0x40 ? -mag : mag;
}
