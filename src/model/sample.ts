/**
 * Prometheus' staleness marker: a NaN with a specific bit pattern (0x7ff0000000000002)
 * that PromQL treats as "series ended here". Stored and returned bit-exact.
 */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

const scratch = new DataView(new ArrayBuffer(8));

export function staleNaN(): number {
  scratch.setBigUint64(0, STALE_NAN_BITS);
  return scratch.getFloat64(0);
}

/** True only for the exact staleness-marker NaN (other NaNs are ordinary values). */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // fast path: not NaN
  scratch.setFloat64(0, v);
  return scratch.getUint32(0) === 0x7ff00000 && scratch.getUint32(4) === 2;
}

/** Timestamps are integer milliseconds since the Unix epoch, everywhere in Vigie. */
export type Millis = number;
