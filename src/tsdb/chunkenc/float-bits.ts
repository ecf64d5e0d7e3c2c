/**
 * float64 <-> two uint32 halves without BigInt. Each user owns a `FloatBits` for its
 * `hi`/`lo` results; the conversion itself goes through one module-level scratch pair of
 * views (JS is single-threaded and each call reads back at once, so sharing it is safe).
 * A per-instance Float64Array + Uint32Array pair would cost an off-heap ArrayBuffer per
 * instance (one per head chunk and per iterator: ~200 bytes of malloc each, measured as
 * a major source of native heap growth).
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);

export class FloatBits {
  hi = 0;
  lo = 0;

  /** Splits `v` into `hi`/`lo`. */
  split(v: number): void {
    F[0] = v;
    this.hi = U[HI]!;
    this.lo = U[LO]!;
  }

  /** The float64 whose bits are hi:lo. NaN payloads are preserved (V8 keeps them through typed arrays). */
  join(hi: number, lo: number): number {
    U[HI] = hi;
    U[LO] = lo;
    return F[0]!;
  }
}

/** Count of leading zero bits of the 64-bit value hi:lo (64 when zero). */
export function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** Count of trailing zero bits of the 64-bit value hi:lo (64 when zero). */
export function ctz64(hi: number, lo: number): number {
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  if (hi !== 0) return 63 - Math.clz32(hi & -hi);
  return 64;
}
