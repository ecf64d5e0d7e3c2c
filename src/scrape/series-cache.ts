import { KeyPool } from './key-pool.js';
import { copyInto, probeInsert } from './open-table.js';

/** Entry states in `live`. */
const FREE = 0;
const INDEXED = 1;
/** Forgotten by `reset`: still usable by index until `gc` frees it, but not found by key. */
const ORPHAN = 2;

/**
 * A scrape loop's series cache: the bytes of a series as exposed (`name{labels}`, UTF-8) → an
 * entry holding its storage ref (or "dropped" by metric relabeling), so that a known series
 * costs one hash lookup per scrape and relabeling runs once per new series. The final labels
 * are not kept: storage holds them under the ref (Appender.appendRef), and the rare caller
 * that needs them again rebuilds them from the key (`key`).
 *
 * Nothing per entry is on the JS heap: the key texts live in a KeyPool shared with the other
 * loops and entries are found through an open-addressing table of entry indices (measured: a
 * Map of strings cost ~100 bytes of traced heap per series at 500k series, and a string per
 * line per scrape). Entry indices are reused once `gc` frees them, so hold them only from one
 * scrape to the next (a scrape sees every entry it keeps, and `gc` frees only entries unseen
 * for `keep` scrapes).
 */
export class SeriesCache {
  /** The pool's id of each entry's key text (held while the entry is not FREE). */
  private keyId = new Uint32Array(0);
  private keyHash = new Uint32Array(0);
  /** 1 for a series that metric relabeling drops, else 0. */
  dropped: Uint8Array = new Uint8Array(0);
  refs: Float64Array = new Float64Array(0);
  lastIter: Uint32Array = new Uint32Array(0);
  private live = new Uint8Array(0);
  /** Open addressing, linear probing: entry index + 1, 0 = empty. Length a power of two. */
  private table = new Int32Array(64);
  private indexed = 0;
  private used = 0;
  private readonly freeIdx: number[] = [];

  constructor(private readonly pool: KeyPool = new KeyPool()) {}

  /** The entry of the series whose text is `key[start, end)`, or -1. */
  get(key: Uint8Array, start: number, end: number): number {
    const pool = this.pool;
    const h = pool.hash(key, start, end);
    const t = this.table;
    const mask = t.length - 1;
    const len = end - start;
    for (let j = h & mask; ; j = (j + 1) & mask) {
      const e = t[j]! - 1;
      if (e < 0) return -1;
      if (this.keyHash[e] === h && pool.equals(this.keyId[e]!, key, start, len)) return e;
    }
  }

  /** A new entry for the (absent) key `key[start, end)` (copied), seen at `iter`. */
  add(key: Uint8Array, start: number, end: number, dropped: boolean, iter: number): number {
    let i = this.freeIdx.pop();
    if (i === undefined) {
      i = this.used++;
      if (i >= this.refs.length) this.grow(Math.max(64, this.refs.length * 2));
    }
    const h = this.pool.hash(key, start, end);
    this.keyId[i] = this.pool.acquire(key, start, end, h);
    this.keyHash[i] = h;
    this.dropped[i] = dropped ? 1 : 0;
    this.refs[i] = 0;
    this.lastIter[i] = iter;
    this.live[i] = INDEXED;
    if (++this.indexed * 2 > this.table.length) this.rebuild(this.table.length * 2);
    else this.insert(i);
    return i;
  }

  /** Forgets every key (a config change); the entries stay usable by index until `gc` frees them. */
  reset(): void {
    for (let i = 0; i < this.used; i++) if (this.live[i] === INDEXED) this.live[i] = ORPHAN;
    this.table.fill(0);
    this.indexed = 0;
  }

  /** Frees the entries not seen for more than `keep` scrapes before `iter`. */
  gc(iter: number, keep: number): void {
    let freed = false;
    for (let i = 0; i < this.used; i++) {
      if (this.live[i] === FREE || iter - this.lastIter[i]! <= keep) continue;
      this.free(i);
      freed = true;
    }
    if (!freed) return;
    let size = this.table.length;
    while (size > 64 && this.indexed * 4 < size) size >>= 1;
    this.rebuild(size);
  }

  /** Frees every entry, giving their keys back to the pool (the loop is discarded). */
  clear(): void {
    for (let i = 0; i < this.used; i++) if (this.live[i] !== FREE) this.free(i);
    this.rebuild(64);
  }

  /** The key bytes of entry `e` (a view: valid until the pool next changes). */
  key(e: number): Uint8Array {
    const id = this.keyId[e]!;
    const off = this.pool.off[id]!;
    return this.pool.arena.subarray(off, off + this.pool.len[id]!);
  }

  /** Keys cached (entries findable by key). */
  size(): number {
    return this.indexed;
  }

  private free(i: number): void {
    if (this.live[i] === INDEXED) this.indexed--;
    this.live[i] = FREE;
    this.pool.release(this.keyId[i]!);
    this.freeIdx.push(i);
  }

  private insert(e: number): void {
    probeInsert(this.table, this.keyHash[e]!, e + 1);
  }

  private rebuild(size: number): void {
    this.table = new Int32Array(size);
    for (let i = 0; i < this.used; i++) if (this.live[i] === INDEXED) this.insert(i);
  }

  private grow(n: number): void {
    this.keyId = copyInto(new Uint32Array(n), this.keyId);
    this.keyHash = copyInto(new Uint32Array(n), this.keyHash);
    this.refs = copyInto(new Float64Array(n), this.refs);
    this.lastIter = copyInto(new Uint32Array(n), this.lastIter);
    this.live = copyInto(new Uint8Array(n), this.live);
    this.dropped = copyInto(new Uint8Array(n), this.dropped);
  }
}

