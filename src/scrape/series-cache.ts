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
 * Nothing per entry is on the JS heap: the keys are copied into
 * one byte arena and found through an open-addressing table of entry indices (measured: a
 * Map of strings cost ~100 bytes of traced heap per series at 500k series, and a string per
 * line per scrape). Entry indices are reused once `gc` frees them, so hold them only from one
 * scrape to the next (a scrape sees every entry it keeps, and `gc` frees only entries unseen
 * for `keep` scrapes).
 */
export class SeriesCache {
  /** Key bytes of every entry: entry i's at [keyOff[i], keyOff[i] + keyLen[i]). */
  private arena = new Uint8Array(4096);
  private arenaUsed = 0;
  private keyOff = new Uint32Array(0);
  private keyLen = new Uint32Array(0);
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
  /** Seeds the key hash, so that no exporter can pick keys that collide in every Vigie. */
  private readonly seed = (Math.random() * 2 ** 32) >>> 0;

  /** The entry of the series whose text is `key[start, end)`, or -1. */
  get(key: Uint8Array, start: number, end: number): number {
    const h = this.hash(key, start, end);
    const t = this.table;
    const mask = t.length - 1;
    const len = end - start;
    for (let j = h & mask; ; j = (j + 1) & mask) {
      const e = t[j]! - 1;
      if (e < 0) return -1;
      if (this.keyHash[e] === h && this.keyLen[e] === len && this.sameKey(e, key, start, len)) return e;
    }
  }

  /** A new entry for the (absent) key `key[start, end)` (copied), seen at `iter`. */
  add(key: Uint8Array, start: number, end: number, dropped: boolean, iter: number): number {
    let i = this.freeIdx.pop();
    if (i === undefined) {
      i = this.used++;
      if (i >= this.refs.length) this.grow(Math.max(64, this.refs.length * 2));
    }
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) this.growArena(len);
    this.arena.set(key.subarray(start, end), this.arenaUsed);
    this.keyOff[i] = this.arenaUsed;
    this.keyLen[i] = len;
    this.arenaUsed += len;
    this.keyHash[i] = this.hash(key, start, end);
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
      if (this.live[i] === INDEXED) this.indexed--;
      this.live[i] = FREE;
      this.keyLen[i] = 0;
      this.freeIdx.push(i);
      freed = true;
    }
    if (!freed) return;
    this.compactArena();
    let size = this.table.length;
    while (size > 64 && this.indexed * 4 < size) size >>= 1;
    this.rebuild(size);
  }

  /** The key bytes of entry `e` (a view: valid until the next add, gc or trim). */
  key(e: number): Uint8Array {
    const off = this.keyOff[e]!;
    return this.arena.subarray(off, off + this.keyLen[e]!);
  }

  /**
   * Gives back the arena's unused tail once it exceeds an eighth (call after a scrape that
   * added keys: the arena doubles while a target's first scrape fills it, and 1,000 targets
   * of node_exporter left ~11 MiB unused).
   */
  trim(): void {
    const used = this.arenaUsed;
    if (this.arena.length <= Math.max(4096, used + (used >> 3))) return;
    const out = new Uint8Array(Math.max(4096, used + (used >> 4)));
    out.set(this.arena.subarray(0, used));
    this.arena = out;
  }

  /** Keys cached (entries findable by key). */
  size(): number {
    return this.indexed;
  }

  /** FNV-1a, seeded: cheap for the ~60-byte keys of exporters, and spread enough for linear probing. */
  private hash(key: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = start; i < end; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private sameKey(e: number, key: Uint8Array, start: number, len: number): boolean {
    const a = this.arena;
    const off = this.keyOff[e]!;
    for (let i = 0; i < len; i++) if (a[off + i] !== key[start + i]) return false;
    return true;
  }

  private insert(e: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let j = this.keyHash[e]! & mask;
    while (t[j] !== 0) j = (j + 1) & mask;
    t[j] = e + 1;
  }

  private rebuild(size: number): void {
    this.table = new Int32Array(size);
    for (let i = 0; i < this.used; i++) if (this.live[i] === INDEXED) this.insert(i);
  }

  /** Keeps only live keys, packed: the arena is sized to them plus an eighth. */
  private compactArena(): void {
    let need = 0;
    for (let i = 0; i < this.used; i++) need += this.keyLen[i]!;
    const out = new Uint8Array(Math.max(4096, need + (need >> 3)));
    let at = 0;
    for (let i = 0; i < this.used; i++) {
      const len = this.keyLen[i]!;
      if (len === 0) continue;
      out.set(this.arena.subarray(this.keyOff[i], this.keyOff[i]! + len), at);
      this.keyOff[i] = at;
      at += len;
    }
    this.arena = out;
    this.arenaUsed = at;
  }

  private growArena(len: number): void {
    const out = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
    out.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = out;
  }

  private grow(n: number): void {
    this.keyOff = copyInto(new Uint32Array(n), this.keyOff);
    this.keyLen = copyInto(new Uint32Array(n), this.keyLen);
    this.keyHash = copyInto(new Uint32Array(n), this.keyHash);
    this.refs = copyInto(new Float64Array(n), this.refs);
    this.lastIter = copyInto(new Uint32Array(n), this.lastIter);
    this.live = copyInto(new Uint8Array(n), this.live);
    this.dropped = copyInto(new Uint8Array(n), this.dropped);
  }
}

function copyInto<T extends Float64Array | Uint32Array | Uint8Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
}
