/**
 * Where head chunk bytes live: slabs of 64 KiB growing to 1 MiB, one set per block-range
 * window. Head chunks never cross a window boundary and a head truncation drops whole
 * windows, so the chunks of a window die together and go back to the OS as a few large
 * buffers, not as thousands of small ArrayBuffers fragmenting the malloc heap (measured:
 * bench/README.md, memory), and a chunk costs no JS object at all.
 *
 * A place is an *address*: slab id × 2^20 + byte offset (exact in a double). Open chunks
 * take slots of a size class (32 B doubling to 4 KiB), reused within their window once
 * freed (a growing chunk moves to the next class); closed chunks are copied to an exact
 * allocation that is never freed on its own. So a view of a closed chunk stays valid as long
 * as it is held (a released slab lives on while viewed); a freed slot may be rewritten at
 * once, which is why readers get copies of open chunks (see Head.chunksOf).
 */
export const SLOT_CLASSES = [32, 64, 128, 256, 512, 1024, 2048, 4096] as const;
const SLAB_SHIFT = 2 ** 20;
const FIRST_SLAB = 1 << 16;
const MAX_SLAB = 1 << 20;

interface Window {
  /** Slab ids of this window, in allocation order. */
  readonly slabs: number[];
  /** Bump pointer in the newest slab. */
  off: number;
  /** Freed slot addresses per size class. */
  readonly free: number[][];
}

export class ChunkArena {
  /** Slabs by id; id 0 is never used, so address 0 means "none". */
  private readonly slabs: (Uint8Array | undefined)[] = [undefined];
  /** Ids of released slabs, for reuse (no chunk refers to them any more). */
  private readonly freeIds: number[] = [];
  private readonly windows = new Map<number, Window>();
  private bytesHeld = 0;

  /** The slab holding `addr`. Throws if its window was released (a head bug, never data). */
  slabOf(addr: number): Uint8Array {
    const s = this.slabs[Math.floor(addr / SLAB_SHIFT)];
    if (s === undefined) throw new Error(`head chunk address ${addr} is in a released slab`);
    return s;
  }

  /** Byte offset of `addr` in its slab. */
  offsetOf(addr: number): number {
    return addr % SLAB_SHIFT;
  }

  /** A zeroed slot of size class `cls` (index in SLOT_CLASSES) in the window starting at `window`. */
  allocSlot(window: number, cls: number): number {
    const w = this.window(window);
    const size = SLOT_CLASSES[cls]!;
    const reused = w.free[cls]!.pop();
    if (reused !== undefined) {
      const off = reused % SLAB_SHIFT;
      this.slabOf(reused).fill(0, off, off + size);
      return reused;
    }
    return this.bump(w, size);
  }

  /** Gives a slot back to its window for reuse. */
  freeSlot(window: number, cls: number, addr: number): void {
    this.windows.get(window)?.free[cls]!.push(addr);
  }

  /** `n` bytes (not zeroed, at most 1 MiB) in the window starting at `window`, never reused. */
  allocExact(window: number, n: number): number {
    return this.bump(this.window(window), n);
  }

  /** Forgets the slabs of every window that ends at or before `mint` (ms). */
  releaseBefore(mint: number, windowLength: number): void {
    for (const [start, w] of this.windows) {
      if (start + windowLength > mint) continue;
      for (const id of w.slabs) {
        this.bytesHeld -= this.slabs[id]!.length;
        this.slabs[id] = undefined;
        this.freeIds.push(id);
      }
      this.windows.delete(start);
    }
  }

  /** Bytes of slabs held. */
  bytes(): number {
    return this.bytesHeld;
  }

  private window(start: number): Window {
    let w = this.windows.get(start);
    if (w === undefined) {
      w = { slabs: [], off: 0, free: SLOT_CLASSES.map(() => []) };
      this.windows.set(start, w);
    }
    return w;
  }

  private bump(w: Window, n: number): number {
    const last = w.slabs[w.slabs.length - 1];
    let slab = last === undefined ? undefined : this.slabs[last];
    if (slab === undefined || w.off + n > slab.length) {
      const size = Math.min(MAX_SLAB, Math.max(FIRST_SLAB, (slab?.length ?? 0) * 2));
      if (n > size) throw new Error(`head chunk allocation of ${n} bytes exceeds the slab size`);
      slab = new Uint8Array(size);
      const id = this.freeIds.pop() ?? this.slabs.length;
      this.slabs[id] = slab;
      w.slabs.push(id);
      w.off = 0;
      this.bytesHeld += size;
    }
    const addr = w.slabs[w.slabs.length - 1]! * SLAB_SHIFT + w.off;
    w.off += n;
    return addr;
  }
}
