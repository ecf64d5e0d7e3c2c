/** The value `get` returns for a missing key. */
export const NONE = 0xffffffff;

/**
 * An open-addressing hash table from uint32 keys to uint32 values in two typed arrays
 * (linear probing, backward-shift deletion, load at most 1/2): about 16 bytes per entry
 * and nothing for the garbage collector to trace, where a JS Map costs several times that
 * in heap. A key may be inserted more than once (a multimap: `find` walks the values of a
 * key); values must be below NONE.
 */
export class IntMultiMap {
  private keys: Uint32Array;
  private vals: Uint32Array;
  private mask: number;
  private n = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Uint32Array(cap).fill(NONE);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.n;
  }

  private home(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
  }

  /** The first value stored under `key`, or NONE. */
  get(key: number): number {
    const keys = this.keys, vals = this.vals, mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const v = vals[i]!;
      if (v === NONE) return NONE;
      if (keys[i] === key) return v;
    }
  }

  /** The first value under `key` for which `accept` is true, or NONE. */
  find(key: number, accept: (value: number) => boolean): number {
    const keys = this.keys, vals = this.vals, mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const v = vals[i]!;
      if (v === NONE) return NONE;
      if (keys[i] === key && accept(v)) return v;
    }
  }

  /** Adds the pair (even if `key` is present already). */
  insert(key: number, value: number): void {
    if ((this.n + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2);
    this.put(key, value);
    this.n++;
  }

  private put(key: number, value: number): void {
    const vals = this.vals, mask = this.mask;
    let i = this.home(key);
    while (vals[i] !== NONE) i = (i + 1) & mask;
    this.keys[i] = key;
    vals[i] = value;
  }

  /** Removes the pair; false when absent. */
  delete(key: number, value: number): boolean {
    const keys = this.keys, vals = this.vals, mask = this.mask;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const v = vals[i]!;
      if (v === NONE) return false;
      if (keys[i] === key && v === value) break;
    }
    // Backward shift: move later entries of the probe run into the hole when their home allows.
    for (let j = (i + 1) & mask; vals[j] !== NONE; j = (j + 1) & mask) {
      const h = this.home(keys[j]!);
      const between = i <= j ? h > i && h <= j : h > i || h <= j;
      if (between) continue;
      keys[i] = keys[j]!;
      vals[i] = vals[j]!;
      i = j;
    }
    vals[i] = NONE;
    this.n--;
    if (this.keys.length > 1024 && this.n * 8 < this.keys.length) this.resize(this.keys.length / 2);
    return true;
  }

  private resize(cap: number): void {
    const keys = this.keys, vals = this.vals;
    this.keys = new Uint32Array(cap);
    this.vals = new Uint32Array(cap).fill(NONE);
    this.mask = cap - 1;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== NONE) this.put(keys[i]!, vals[i]!);
  }
}
