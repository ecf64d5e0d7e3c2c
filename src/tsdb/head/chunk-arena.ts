/**
 * Hands out the initial buffers of head chunks from 1 MiB slabs, one set of slabs per
 * block-range window. Head chunks never cross a window boundary and a head truncation drops
 * whole windows, so the chunks of a window die together and their slabs are freed as a
 * few large allocations that go back to the OS, instead of thousands of small ArrayBuffers
 * that fragment the malloc heap (measured: see bench/README.md, memory).
 */
export class ChunkArena {
  private readonly windows = new Map<number, { buf: Uint8Array; off: number }>();

  constructor(
    /** Bytes per chunk buffer. */
    private readonly slot: number,
    private readonly slabBytes = 1 << 20,
  ) {}

  /** A zeroed buffer of `slot` bytes for a chunk starting in the window that begins at `window`. */
  alloc(window: number): Uint8Array {
    let w = this.windows.get(window);
    if (w === undefined || w.off + this.slot > w.buf.length) {
      w = { buf: new Uint8Array(this.slabBytes), off: 0 };
      this.windows.set(window, w);
    }
    const out = w.buf.subarray(w.off, w.off + this.slot);
    w.off += this.slot;
    return out;
  }

  /** Forgets the slabs of windows that start before `mint` (their chunks are being dropped). */
  releaseBefore(mint: number): void {
    for (const k of this.windows.keys()) if (k < mint) this.windows.delete(k);
  }
}
