import { BitReader, BitWriter } from './bstream.js';
import { FloatBits } from './float-bits.js';
import { type ByteReader, ByteWriter } from './varint.js';
import { OrdDeltaCoder } from './ord-delta.js';
import { XorValueCoder } from './xor-values.js';

/**
 * Value column of the dense encoding. Three modes; the encoder picks the cheapest:
 *   XOR (0):     uvarint bit-stream byte length | Gorilla XOR bit stream (xor-values.ts).
 *   DELTA (1):   byte p | exceptions | svarint m per other sample, v[k] = v[k-1] + m / 10^p
 *                (IEEE arithmetic, so only used where it reproduces the exact bits).
 *   DECIMAL (2): byte p | exceptions | svarint (M[k] - M[k-1]) per other sample, v[k] = M[k] / 10^p.
 *   ORD (3):     uvarint bit-stream byte length | ordered-delta bit stream (ord-delta.ts).
 * exceptions: uvarint count | per exception: uvarint index gap | 8 bytes big-endian raw bits.
 * An exception carries a value verbatim (NaN payloads, -0, ±Inf, values with too many digits).
 */
export const MODE_XOR = 0;
export const MODE_DELTA = 1;
export const MODE_DECIMAL = 2;
export const MODE_ORD = 3;
const MAX_P = 18;
const POW10: readonly number[] = Array.from({ length: MAX_P + 1 }, (_, i) => 10 ** i);
const MAX_M = Number.MAX_SAFE_INTEGER;

function sameBits(a: number, b: number): boolean {
  return a === b && (a !== 0 || 1 / a === 1 / b);
}

/** Per-chunk scratch for the encoder; owned by one caller, reused across calls. */
export class ValueEncoder {
  private minP = new Int8Array(0);
  private ms = new Float64Array(0);
  private readonly tmp = new ByteWriter(1024);
  private readonly xc = new XorValueCoder();
  private readonly oc = new OrdDeltaCoder();
  private readonly bw = new BitWriter(1024);
  private readonly fb = new FloatBits();

  /** Appends the cheapest encoding of vs[0..n) to `out`. `mode` forces one (for benchmarks). */
  encode(out: ByteWriter, vs: Float64Array, n: number, mode?: number): void {
    if (this.minP.length < n) {
      this.minP = new Int8Array(n);
      this.ms = new Float64Array(n);
    }
    let best = mode ?? -1;
    let p = 0;
    if (best === MODE_DECIMAL || best === MODE_DELTA) p = this.scan(vs, n, best).p;
    else if (best < 0) {
      const dec = this.scan(vs, n, MODE_DECIMAL);
      const del = this.scan(vs, n, MODE_DELTA); // leaves minP for DELTA
      const decCost = Math.min(dec.cost, del.cost);
      best = dec.cost < del.cost ? MODE_DECIMAL : MODE_DELTA;
      if (best === MODE_DECIMAL) p = this.scan(vs, n, MODE_DECIMAL).p;
      else p = del.p;
      // Cheap decimal columns (counters, integers, short decimals) win after compression.
      // Otherwise compare actual raw sizes of the decimal column and both bit streams.
      if (decCost > 2 * n) {
        let bestLen = Infinity;
        if (decCost !== Infinity) {
          this.tmp.len = 0;
          this.writeDecimal(this.tmp, vs, n, best, p);
          bestLen = this.tmp.len;
        }
        const xorLen = this.xorBytes(vs, n);
        if (xorLen < bestLen) { best = MODE_XOR; bestLen = xorLen; }
        this.fillOrd(vs, n);
        if (this.bw.bytes().length < bestLen) best = MODE_ORD;
        if (best === MODE_DECIMAL || best === MODE_DELTA) {
          out.byte(best);
          out.raw(this.tmp.bytes());
          return;
        }
      }
    }
    out.byte(best);
    if (best === MODE_XOR) {
      this.fillXor(vs, n);
      this.writeBits(out);
    } else if (best === MODE_ORD) {
      this.fillOrd(vs, n);
      this.writeBits(out);
    }
    else this.writeDecimal(out, vs, n, best, p);
  }

  private xorBytes(vs: Float64Array, n: number): number {
    this.fillXor(vs, n);
    return this.bw.bytes().length;
  }

  private fillXor(vs: Float64Array, n: number): void {
    const bw = this.bw, xc = this.xc;
    bw.reset();
    xc.start();
    if (n === 0) return;
    xc.encodeFirst(bw, vs[0]!);
    for (let i = 1; i < n; i++) xc.encode(bw, vs[i]!);
  }

  private fillOrd(vs: Float64Array, n: number): void {
    this.bw.reset();
    this.oc.encode(this.bw, vs, n);
  }

  private writeBits(out: ByteWriter): void {
    const b = this.bw.bytes();
    out.uvarint(b.length);
    out.raw(b);
  }

  /**
   * Finds each sample's smallest exponent p (or -1) in `mode`, then the chunk-wide p that
   * minimises an estimated size. Gives up early on data that does not fit (random floats).
   */
  private scan(vs: Float64Array, n: number, mode: number): { p: number; cost: number } {
    const minP = this.minP;
    const hist = new Float64Array(MAX_P + 2);
    let prev = 0, misses = 0;
    for (let i = 0; i < n; i++) {
      const x = vs[i]!;
      let found = -1;
      if (x === x && x !== Infinity && x !== -Infinity && (x !== 0 || 1 / x > 0 || mode === MODE_DELTA)) {
        const d = mode === MODE_DELTA ? x - prev : x;
        for (let p = 0; p <= MAX_P; p++) {
          const s = POW10[p]!;
          const m = Math.round(d * s);
          if (!(m <= MAX_M && m >= -MAX_M)) break;
          const r = mode === MODE_DELTA ? prev + m / s : m / s;
          if (sameBits(r, x)) {
            found = p;
            break;
          }
        }
      }
      minP[i] = found;
      if (found < 0) {
        misses++;
        if (i >= 63 && misses * 2 > i) {
          minP.fill(-1, i, n); // mostly exceptions: not worth finishing
          return { p: 0, cost: Infinity };
        }
        hist[MAX_P + 1]!++;
      } else hist[found]!++;
      prev = x;
    }
    // Estimated size at exponent p: 9 bytes per exception, ~1 byte plus ~0.42 per digit otherwise.
    let bestP = 0, bestCost = Infinity, covered = 0;
    for (let p = 0; p <= MAX_P; p++) {
      covered += hist[p]!;
      const cost = (n - covered) * 9 + covered * (1 + p * 0.42);
      if (cost < bestCost) { bestCost = cost; bestP = p; }
    }
    return { p: bestP, cost: bestCost };
  }

  /**
   * Mantissas at the chunk exponent p are the per-sample minimal ones scaled by 10^(p - minP)
   * (exact integer products), and every value is checked to decode to its exact bits; any
   * sample that fails becomes an exception.
   */
  private writeDecimal(out: ByteWriter, vs: Float64Array, n: number, mode: number, p: number): void {
    const minP = this.minP, ms = this.ms, s = POW10[p]!, fb = this.fb;
    out.byte(p);
    let exc = 0, prev = 0, prevOk = 0;
    for (let i = 0; i < n; i++) {
      const x = vs[i]!, q = minP[i]!;
      let ok = false;
      if (q >= 0 && q <= p) {
        const m = Math.round((mode === MODE_DELTA ? x - prev : x) * POW10[q]!) * POW10[p - q]!;
        const col = mode === MODE_DELTA ? m : m - prevOk; // the integer actually stored
        if (col <= MAX_M && col >= -MAX_M && m <= MAX_M && m >= -MAX_M && sameBits(mode === MODE_DELTA ? prev + m / s : m / s, x)) {
          ms[i] = m;
          prevOk = m;
          ok = true;
        }
      }
      if (!ok) {
        minP[i] = -1;
        exc++;
      }
      prev = x;
    }
    out.uvarint(exc);
    let last = 0;
    for (let i = 0; i < n; i++) {
      if (minP[i]! >= 0) continue;
      out.uvarint(i - last);
      last = i;
      fb.split(vs[i]!);
      out.ensure(8);
      const b = out.buf;
      let o = out.len;
      b[o++] = fb.hi >>> 24; b[o++] = fb.hi >>> 16; b[o++] = fb.hi >>> 8; b[o++] = fb.hi;
      b[o++] = fb.lo >>> 24; b[o++] = fb.lo >>> 16; b[o++] = fb.lo >>> 8; b[o++] = fb.lo;
      out.len = o;
    }
    let prevM = 0;
    for (let i = 0; i < n; i++) {
      if (minP[i]! < 0) continue;
      const m = ms[i]!;
      if (mode === MODE_DELTA) out.svarint(m);
      else {
        out.svarint(m - prevM);
        prevM = m;
      }
    }
  }
}

/** Decodes a value column written by `ValueEncoder` into vs[0..n). Throws ChunkCorruptionError. */
export class ValueDecoder {
  private readonly xc = new XorValueCoder();
  private readonly oc = new OrdDeltaCoder();
  private readonly br = new BitReader();
  private readonly fb = new FloatBits();
  private isExc = new Uint8Array(0);

  decode(r: ByteReader, vs: Float64Array, n: number): void {
    const mode = r.byte();
    if (mode === MODE_XOR || mode === MODE_ORD) {
      const len = r.uvarint();
      if (len > r.end - r.pos) r.fail('bit stream truncated');
      const br = this.br;
      br.reset(r.buf, r.pos * 8, (r.pos + len) * 8);
      r.pos += len;
      if (mode === MODE_ORD) this.oc.decode(br, vs, n);
      else {
        const xc = this.xc;
        xc.start();
        if (n > 0) vs[0] = xc.decodeFirst(br);
        for (let i = 1; i < n; i++) vs[i] = xc.decode(br);
      }
      return;
    }
    if (mode !== MODE_DELTA && mode !== MODE_DECIMAL) r.fail(`unknown value mode ${mode}`);
    const p = r.byte();
    if (p > MAX_P) r.fail(`bad decimal exponent ${p}`);
    const s = POW10[p]!;
    const exc = r.uvarint();
    if (exc > n) r.fail('more exceptions than samples');
    if (this.isExc.length < n) this.isExc = new Uint8Array(Math.max(n, 2 * this.isExc.length));
    const isExc = this.isExc;
    isExc.fill(0, 0, n);
    let idx = 0;
    for (let e = 0; e < exc; e++) {
      const gap = r.uvarint();
      if (e > 0 && gap === 0) r.fail('bad exception gap');
      idx += gap;
      if (idx >= n) r.fail('exception index out of range');
      if (r.end - r.pos < 8) r.fail('exception truncated');
      const b = r.buf, o = r.pos;
      const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
      const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
      r.pos = o + 8;
      vs[idx] = this.fb.join(hi, lo);
      isExc[idx] = 1;
    }
    let prev = 0, prevM = 0;
    if (mode === MODE_DELTA) {
      for (let i = 0; i < n; i++) {
        if (isExc[i] === 0) vs[i] = prev = prev + r.svarint() / s;
        else prev = vs[i]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (isExc[i] === 0) {
          prevM += r.svarint();
          vs[i] = prevM / s;
        }
      }
    }
  }
}
