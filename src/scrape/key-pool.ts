import { copyInto, probeInsert } from './open-table.js';

/**
 * Series texts (`name{labels}` as exposed, UTF-8) shared by the scrape caches of every loop:
 * each distinct text is stored once and counted by the cache entries that hold it. Targets of
 * one kind expose mostly the same texts (a fleet of node_exporters differs in a few device
 * and CPU labels; target labels are not part of the text), so 1,000 such targets keep ~500
 * texts instead of ~500,000 copies (~21 MiB at 1,000 targets, bench/README.md).
 *
 * A key is an *id*, stable while its count is above zero; its bytes may move (compaction),
 * so read them through `arena`/`off` each time, never across an `acquire`.
 */
export class KeyPool {
  /** Key bytes: key id's at [off[id], off[id] + len[id]). */
  arena: Uint8Array = new Uint8Array(1 << 16);
  off: Uint32Array = new Uint32Array(64);
  len: Uint32Array = new Uint32Array(64);
  /** `hash` of each key's bytes. */
  keyHash: Uint32Array = new Uint32Array(64);
  private uses: Uint32Array = new Uint32Array(64);
  private arenaUsed = 0;
  private freeBytes = 0;
  private ids = 0;
  private readonly freeIds: number[] = [];
  /** Open addressing, linear probing: key id + 1, 0 = empty. Length a power of two, at most half full. */
  private table = new Int32Array(128);
  private count = 0;
  /** Seeds the hash, so that no exporter can pick texts that collide in every Vigie. */
  private readonly seed = (Math.random() * 2 ** 32) >>> 0;

  /** FNV-1a, seeded: cheap for the ~40-byte texts of exporters, and spread enough for linear probing. */
  hash(key: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = start; i < end; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  /** True when key `id` holds the bytes `key[start, start + n)`. */
  equals(id: number, key: Uint8Array, start: number, n: number): boolean {
    if (this.len[id] !== n) return false;
    const a = this.arena;
    const off = this.off[id]!;
    for (let i = 0; i < n; i++) if (a[off + i] !== key[start + i]) return false;
    return true;
  }

  /** The id of the text `key[start, end)` whose `hash` is `h`, added if absent; counts one more use. */
  acquire(key: Uint8Array, start: number, end: number, h: number): number {
    const n = end - start;
    const t = this.table;
    const mask = t.length - 1;
    for (let j = h & mask; ; j = (j + 1) & mask) {
      const id = t[j]! - 1;
      if (id < 0) break;
      if (this.keyHash[id] === h && this.equals(id, key, start, n)) {
        this.uses[id]!++;
        return id;
      }
    }
    const id = this.newId();
    if (this.arenaUsed + n > this.arena.length) this.resizeArena(this.arenaUsed + n);
    this.arena.set(key.subarray(start, end), this.arenaUsed);
    this.off[id] = this.arenaUsed;
    this.len[id] = n;
    this.arenaUsed += n;
    this.keyHash[id] = h;
    this.uses[id] = 1;
    if (++this.count * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.insert(id);
    return id;
  }

  /** Counts one use less of key `id`; the last use frees it. */
  release(id: number): void {
    if (--this.uses[id]! !== 0) return;
    this.remove(id);
    this.freeBytes += this.len[id]!;
    this.len[id] = 0;
    this.freeIds.push(id);
    this.count--;
    if (this.freeBytes > 1 << 16 && this.freeBytes * 2 > this.arenaUsed) this.compact();
    else if (this.table.length > 128 && this.count * 8 < this.table.length) this.rehash(this.table.length >> 1);
  }

  /** Distinct texts held. */
  size(): number {
    return this.count;
  }

  /** Bytes of text held, freed ones not yet compacted included. */
  bytes(): number {
    return this.arenaUsed;
  }

  private newId(): number {
    const reused = this.freeIds.pop();
    if (reused !== undefined) return reused;
    const id = this.ids++;
    if (id >= this.off.length) {
      const n = this.off.length * 2;
      this.off = copyInto(new Uint32Array(n), this.off);
      this.len = copyInto(new Uint32Array(n), this.len);
      this.keyHash = copyInto(new Uint32Array(n), this.keyHash);
      this.uses = copyInto(new Uint32Array(n), this.uses);
    }
    return id;
  }

  private insert(id: number): void {
    probeInsert(this.table, this.keyHash[id]!, id + 1);
  }

  /** Takes `id` out of the table, shifting back the entries after it (no tombstones). */
  private remove(id: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let i = this.keyHash[id]! & mask;
    while (t[i] !== id + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.keyHash[t[j]! - 1]! & mask;
      // Entry j may move to the hole at i unless its home lies cyclically in (i, j].
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (inRange) continue;
      t[i] = t[j]!;
      i = j;
    }
    t[i] = 0;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.ids; id++) if (this.uses[id]! > 0) this.insert(id);
  }

  /** Packs the live texts into an arena sized to them plus an eighth. */
  private compact(): void {
    const live = this.arenaUsed - this.freeBytes;
    const out = new Uint8Array(Math.max(1 << 16, live + (live >> 3)));
    let at = 0;
    for (let id = 0; id < this.ids; id++) {
      if (this.uses[id] === 0) continue;
      const off = this.off[id]!, n = this.len[id]!;
      out.set(this.arena.subarray(off, off + n), at);
      this.off[id] = at;
      at += n;
    }
    this.arena = out;
    this.arenaUsed = at;
    this.freeBytes = 0;
  }

  private resizeArena(need: number): void {
    const out = new Uint8Array(Math.max(need, Math.ceil(this.arena.length * 1.5)));
    out.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = out;
  }
}

