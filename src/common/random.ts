/**
 * xorshift32: a small seeded generator of numbers in [0, 1), for what must be reproducible
 * (tests, fuzzing, benchmarks' synthetic data), never for secrets. The state lives in the
 * returned closure.
 */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
