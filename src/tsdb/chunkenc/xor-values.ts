import type { BitReader, BitWriter } from './bstream.js';
import { ChunkCorruptionError } from './errors.js';
import { FloatBits, clz64, ctz64 } from './float-bits.js';

const NO_WINDOW = 0xff;
/** Scratch for the float ↔ bits conversions: read back at once, so one for all coders. */
const FB = new FloatBits();

/**
 * Gorilla XOR coding of a float64 sequence (shared by the 'xor' chunk and the dense
 * encoding's fallback). Per value after the first (64 raw bits):
 *   '0' same bits as the previous value
 *   '10' + meaningful bits of the XOR inside the previous window
 *   '11' + 5-bit leading zero count + 6-bit meaningful length (0 = 64) + meaningful bits.
 * Values are bit-exact (NaN payloads, -0). One coder per stream; `start` resets it.
 *
 * Memory (one coder per open head chunk): only small-integer fields. `hi`/`lo` hold the
 * previous value's bits as int32 (`| 0`), not uint32, so that V8 keeps them as small integers
 * in the object instead of boxing each in a heap number; no FloatBits or last-value field of
 * its own (5 heap objects fewer per coder).
 */
export class XorValueCoder {
  /** Bits of the previous value, as int32. */
  hi = 0;
  lo = 0;
  leading = NO_WINDOW;
  trailing = 0;

  start(): void {
    this.hi = 0;
    this.lo = 0;
    this.leading = NO_WINDOW;
    this.trailing = 0;
  }

  encodeFirst(w: BitWriter, v: number): void {
    const fb = FB;
    fb.split(v);
    this.hi = fb.hi | 0;
    this.lo = fb.lo | 0;
    w.writeBits(fb.hi, 32);
    w.writeBits(fb.lo, 32);
  }

  encode(w: BitWriter, v: number): void {
    const fb = FB;
    fb.split(v);
    const xHi = (fb.hi ^ this.hi) >>> 0, xLo = (fb.lo ^ this.lo) >>> 0;
    this.hi = fb.hi | 0;
    this.lo = fb.lo | 0;
    if (xHi === 0 && xLo === 0) {
      w.writeBit(0);
      return;
    }
    let lead = clz64(xHi, xLo);
    const trail = ctz64(xHi, xLo);
    if (lead > 31) lead = 31;
    let shift: number, sig: number;
    if (this.leading !== NO_WINDOW && lead >= this.leading && trail >= this.trailing) {
      w.writeBits(0b10, 2);
      shift = this.trailing;
      sig = 64 - this.leading - shift;
    } else {
      this.leading = lead;
      this.trailing = trail;
      shift = trail;
      sig = 64 - lead - trail;
      w.writeBits((0b11 << 11) | (lead << 6) | (sig & 63), 13);
    }
    if (shift === 0) w.writeBits64(xHi, xLo, sig);
    else if (shift < 32) w.writeBits64(xHi >>> shift, ((xLo >>> shift) | (xHi << (32 - shift))) >>> 0, sig);
    else w.writeBits(xHi >>> (shift - 32), sig);
  }

  decodeFirst(r: BitReader): number {
    this.hi = r.readBits(32) | 0;
    this.lo = r.readBits(32) | 0;
    return FB.join(this.hi, this.lo);
  }

  /** Decodes the next value; throws ChunkCorruptionError on overrun or a bad window. */
  decode(r: BitReader): number {
    if (r.readBit() === 0) return FB.join(this.hi, this.lo);
    let sig: number;
    if (r.readBit() !== 0) {
      const ctl = r.readBits(11);
      this.leading = ctl >>> 6;
      sig = ctl & 63;
      if (sig === 0) sig = 64;
      if (this.leading + sig > 64) throw new ChunkCorruptionError(r.pos >>> 3, 'bad xor window');
      this.trailing = 64 - this.leading - sig;
    } else {
      if (this.leading === NO_WINDOW) throw new ChunkCorruptionError(r.pos >>> 3, 'xor window reused before set');
      sig = 64 - this.leading - this.trailing;
    }
    r.readBits64(sig);
    const s = this.trailing;
    let xHi = r.hi, xLo = r.lo;
    if (s >= 32) {
      xHi = xLo << (s - 32);
      xLo = 0;
    } else if (s > 0) {
      xHi = (xHi << s) | (xLo >>> (32 - s));
      xLo <<= s;
    }
    this.hi = (this.hi ^ xHi) | 0;
    this.lo = (this.lo ^ xLo) | 0;
    return FB.join(this.hi, this.lo);
  }
}
