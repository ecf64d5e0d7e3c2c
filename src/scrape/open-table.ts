// Small pieces shared by the open-addressing tables of the scrape caches (SeriesCache, KeyPool).

/** Copies `src` into the start of the bigger `dst` and returns `dst` (growing a column). */
export function copyInto<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
}

/**
 * Stores `value` (> 0; 0 marks an empty slot) in the linear-probing `table` (a power-of-two
 * length, never full) at the first empty slot from `hash`'s home.
 */
export function probeInsert(table: Int32Array | Uint32Array, hash: number, value: number): void {
  const mask = table.length - 1;
  let j = hash & mask;
  while (table[j] !== 0) j = (j + 1) & mask;
  table[j] = value;
}
