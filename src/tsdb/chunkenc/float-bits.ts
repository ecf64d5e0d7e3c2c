/**
 * float64 <-> two uint32 halves without BigInt. Each user owns a `FloatBits` (no shared
 * scratch state between modules or instances).
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

export class FloatBits {
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  hi = 0;
  lo = 0;

  /** Splits `v` into `hi`/`lo`. */
  split(v: number): void {
    this.f[0] = v;
    this.hi = this.u[HI]!;
    this.lo = this.u[LO]!;
  }

  /** The float64 whose bits are hi:lo. NaN payloads are preserved (V8 keeps them through typed arrays). */
  join(hi: number, lo: number): number {
    this.u[HI] = hi;
    this.u[LO] = lo;
    return this.f[0]!;
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
