import type { BitReader, BitWriter } from './bstream.js';
import { ChunkCorruptionError } from './errors.js';
import { FloatBits } from './float-bits.js';

/**
 * "Ordered delta" coding of float64 sequences, for values with many random low bits
 * (where Gorilla XOR pays for window changes). Each value's bits are mapped to an unsigned
 * 64-bit integer that sorts like the float (negative: all bits flipped; positive: sign bit
 * set); consecutive mapped values are subtracted mod 2^64, zigzagged, and bit-packed in
 * blocks of ORD_BLOCK samples with a 7-bit width per block. Bijective: every bit pattern
 * (NaN payloads, -0) round-trips. Stream: 64 raw mapped bits of v[0], then the blocks.
 */
export const ORD_BLOCK = 16;

/** Encoder/decoder with its own scratch (no per-sample allocation). */
export class OrdDeltaCoder {
  private readonly fb = new FloatBits();
  private zh = new Uint32Array(ORD_BLOCK);
  private zl = new Uint32Array(ORD_BLOCK);

  encode(w: BitWriter, vs: Float64Array, n: number): void {
    if (n === 0) return;
    const fb = this.fb, zh = this.zh, zl = this.zl;
    fb.split(vs[0]!);
    let ph: number, pl: number;
    if (fb.hi & 0x80000000) { ph = ~fb.hi >>> 0; pl = ~fb.lo >>> 0; }
    else { ph = (fb.hi | 0x80000000) >>> 0; pl = fb.lo; }
    w.writeBits(ph, 32);
    w.writeBits(pl, 32);
    for (let b = 1; b < n; b += ORD_BLOCK) {
      const m = Math.min(ORD_BLOCK, n - b);
      let orH = 0, orL = 0;
      for (let j = 0; j < m; j++) {
        fb.split(vs[b + j]!);
        let h: number, l: number;
        if (fb.hi & 0x80000000) { h = ~fb.hi >>> 0; l = ~fb.lo >>> 0; }
        else { h = (fb.hi | 0x80000000) >>> 0; l = fb.lo; }
        // d = (h:l) - (ph:pl) mod 2^64, then zigzag.
        const dl = (l - pl) >>> 0;
        const dh = (h - ph - (l < pl ? 1 : 0)) | 0;
        const s = dh >> 31;
        const z1 = ((dh << 1) | (dl >>> 31)) ^ s, z0 = (dl << 1) ^ s;
        zh[j] = z1;
        zl[j] = z0;
        orH |= z1;
        orL |= z0;
        ph = h;
        pl = l;
      }
      const width = orH !== 0 ? 64 - Math.clz32(orH) : 32 - Math.clz32(orL);
      w.writeBits(width, 7);
      if (width === 0) continue;
      for (let j = 0; j < m; j++) w.writeBits64(zh[j]! >>> 0, zl[j]! >>> 0, width);
    }
  }

  decode(r: BitReader, vs: Float64Array, n: number): void {
    if (n === 0) return;
    const fb = this.fb;
    let h = r.readBits(32), l = r.readBits(32);
    vs[0] = h & 0x80000000 ? fb.join((h & 0x7fffffff) >>> 0, l) : fb.join(~h >>> 0, ~l >>> 0);
    for (let b = 1; b < n; b += ORD_BLOCK) {
      const m = Math.min(ORD_BLOCK, n - b);
      const width = r.readBits(7);
      if (width > 64) throw new ChunkCorruptionError(r.pos >>> 3, `bad block width ${width}`);
      for (let j = 0; j < m; j++) {
        let z1 = 0, z0 = 0;
        if (width > 0) {
          r.readBits64(width);
          z1 = r.hi;
          z0 = r.lo;
        }
        const s = -(z0 & 1);
        const dl = ((z0 >>> 1) | (z1 << 31)) ^ s, dh = (z1 >>> 1) ^ s;
        const nl = (l + (dl >>> 0)) >>> 0;
        h = (h + dh + (nl < l ? 1 : 0)) >>> 0;
        l = nl;
        vs[b + j] = h & 0x80000000 ? fb.join((h & 0x7fffffff) >>> 0, l) : fb.join(~h >>> 0, ~l >>> 0);
      }
    }
  }
}
