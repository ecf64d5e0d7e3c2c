import { BitWriter, XOR_MAX_FIRST_BYTES, XOR_MAX_SAMPLE_BYTES, XorValueCoder, xorAppendBits } from '../chunkenc/index.js';
import { ChunkArena, SLOT_CLASSES } from './chunk-arena.js';
import { ChunkTable, type SeriesTable } from './series-table.js';

/** Samples per head chunk before a new one is cut (Prometheus' figure: ~1 KiB XOR chunks). */
export const SAMPLES_PER_CHUNK = 120;
/** The value coder's "no window yet" marker (see XorValueCoder). */
const NO_WINDOW = 0xff;
const HEADER_BITS = 16;
/** Bytes past a write's end that BitWriter.writeBits may check for (it reserves 5 from where it starts). */
const WRITE_SLACK = 4;

/**
 * A head chunk as readers see it: its XOR bytes and inclusive time bounds. `bytes` holds
 * exactly `count` samples; it is a view of a closed chunk (valid for as long as it is held)
 * or a copy of the open one.
 */
export interface ChunkView {
  readonly bytes: Uint8Array;
  readonly mint: number;
  readonly maxt: number;
  readonly count: number;
}

/**
 * The samples of the head's series: each series' open XOR chunk, encoded in place in its
 * arena slot by one shared bit writer and value coder loaded from the series' columns, and
 * its closed chunks. Chunks never cross a multiple of `chunkRange` (the block duration), so
 * a block's time range always maps to whole chunks.
 */
export class HeadChunks {
  readonly arena = new ChunkArena();
  readonly closed = new ChunkTable();
  private readonly w = new BitWriter(0, new Uint8Array(0), 0);
  private readonly vc = new XorValueCoder();
  /** Where a sample near a slot's end is encoded first (the largest sample plus its bit phase). */
  private readonly scratch = new Uint8Array(32);
  private readonly spare = new BitWriter(0, this.scratch, 0);

  constructor(
    private readonly series: SeriesTable,
    private readonly chunkRange: number,
  ) {}

  private windowOf(t: number): number {
    return Math.floor(t / this.chunkRange) * this.chunkRange;
  }

  /**
   * Appends a sample already known to be newer than the series' newest. Cuts a new chunk
   * when the open one is full or the sample falls in the next `chunkRange` window.
   * Returns true when a new chunk was started. Throws ChunkError for an unsafe timestamp.
   */
  append(slot: number, t: number, v: number): boolean {
    const S = this.series;
    let cut = false;
    if (S.openAddr[slot] === 0 || S.openCount[slot]! >= SAMPLES_PER_CHUNK || t >= this.windowOf(S.openMint[slot]!) + this.chunkRange) {
      this.cut(slot, t);
      cut = true;
    }
    const n = S.openCount[slot]!;
    const bits = S.openBits[slot]!;
    const vc = this.vc;
    vc.hi = S.xorHi[slot]!;
    vc.lo = S.xorLo[slot]!;
    vc.leading = S.xorLeading[slot]!;
    vc.trailing = S.xorTrailing[slot]!;
    let newBits: number;
    // + WRITE_SLACK: the bit writer checks that 5 bytes from where a write starts are in the buffer.
    if (((bits + 7) >>> 3) + (n === 0 ? XOR_MAX_FIRST_BYTES : XOR_MAX_SAMPLE_BYTES) + WRITE_SLACK <= SLOT_CLASSES[S.openClass[slot]!]!) {
      // Room for the largest sample: encode in place.
      const addr = S.openAddr[slot]!;
      const slab = this.arena.slabOf(addr);
      const off = this.arena.offsetOf(addr);
      const w = this.w;
      w.attach(slab, off * 8 + bits);
      S.openDelta[slot] = xorAppendBits(w, vc, n, S.maxTime[slot]!, S.openDelta[slot]!, t, v);
      if (w.buffer() !== slab) throw new Error('head chunk outgrew its slot'); // the size check above is wrong
      newBits = w.lengthBits - off * 8;
    } else {
      // Near the slot's end: encode aside to learn the sample's exact size, move to the next
      // class only if it does not fit, then merge. Slots fill to the byte instead of keeping
      // a worst-case sample's 19 bytes free (at 10 samples per series: 41 MiB -> 25 MiB of
      // slots for 512k series, bench/README.md).
      const w = this.spare, sc = this.scratch; // sc is all zero between appends
      const phase = bits & 7;
      w.attach(sc, phase);
      S.openDelta[slot] = xorAppendBits(w, vc, n, S.maxTime[slot]!, S.openDelta[slot]!, t, v);
      if (w.buffer() !== sc) throw new Error('head chunk sample larger than the scratch buffer');
      newBits = bits + w.lengthBits - phase;
      if ((newBits + 7) >>> 3 > SLOT_CLASSES[S.openClass[slot]!]!) this.growOpen(slot);
      const addr = S.openAddr[slot]!;
      const slab = this.arena.slabOf(addr);
      const at = this.arena.offsetOf(addr) + (bits >>> 3);
      const nb = (w.lengthBits + 7) >>> 3;
      slab[at]! |= sc[0]!; // the slot's bits after `bits` are zero
      sc[0] = 0;
      for (let j = 1; j < nb; j++) {
        slab[at + j] = sc[j]!;
        sc[j] = 0;
      }
    }
    const addr = S.openAddr[slot]!;
    const slab = this.arena.slabOf(addr);
    const off = this.arena.offsetOf(addr);
    S.openBits[slot] = newBits;
    S.xorHi[slot] = vc.hi;
    S.xorLo[slot] = vc.lo;
    S.xorLeading[slot] = vc.leading;
    S.xorTrailing[slot] = vc.trailing;
    S.openCount[slot] = n + 1;
    slab[off] = (n + 1) >>> 8;
    slab[off + 1] = (n + 1) & 0xff;
    S.maxTime[slot] = t;
    S.lastValue[slot] = v;
    return cut;
  }

  private cut(slot: number, t: number): void {
    this.closeOpen(slot);
    const S = this.series;
    S.openAddr[slot] = this.arena.allocSlot(this.windowOf(t), 0);
    S.openClass[slot] = 0;
    S.openMint[slot] = t;
    S.openBits[slot] = HEADER_BITS;
    S.openCount[slot] = 0;
    S.openDelta[slot] = 0;
    S.xorHi[slot] = 0;
    S.xorLo[slot] = 0;
    S.xorLeading[slot] = NO_WINDOW;
    S.xorTrailing[slot] = 0;
  }

  /** Moves the open chunk to a slot of the next size class. */
  private growOpen(slot: number): void {
    const S = this.series;
    const cls = S.openClass[slot]! + 1;
    if (cls >= SLOT_CLASSES.length) throw new Error('head chunk larger than the largest slot');
    const window = this.windowOf(S.openMint[slot]!);
    const from = S.openAddr[slot]!;
    const to = this.arena.allocSlot(window, cls);
    this.copy(from, to, (S.openBits[slot]! + 7) >>> 3);
    this.arena.freeSlot(window, cls - 1, from);
    S.openAddr[slot] = to;
    S.openClass[slot] = cls;
  }

  private copy(from: number, to: number, n: number): void {
    const a = this.arena;
    const src = a.offsetOf(from);
    a.slabOf(to).set(a.slabOf(from).subarray(src, src + n), a.offsetOf(to));
  }

  /** Closes the open chunk: its bytes move to an exact allocation at the end of the series' list. */
  private closeOpen(slot: number): void {
    const S = this.series;
    const addr = S.openAddr[slot]!;
    if (addr === 0) return;
    const window = this.windowOf(S.openMint[slot]!);
    const n = S.openCount[slot]!;
    if (n > 0) {
      const len = (S.openBits[slot]! + 7) >>> 3;
      const to = this.arena.allocExact(window, len);
      this.copy(addr, to, len);
      this.link(slot, this.closed.alloc(to, len, n, S.openMint[slot]!, S.maxTime[slot]!));
    }
    this.arena.freeSlot(window, S.openClass[slot]!, addr);
    S.openAddr[slot] = 0;
  }

  private link(slot: number, id: number): void {
    const S = this.series;
    const last = S.lastChunk[slot]!;
    if (last === 0) S.firstChunk[slot] = id;
    else this.closed.next[last] = id;
    S.lastChunk[slot] = id;
  }

  /** Installs a closed chunk read back from a checkpoint (must be newer than any chunk held); copies `bytes`. */
  restore(slot: number, bytes: Uint8Array, count: number, mint: number, maxt: number): void {
    this.closeOpen(slot);
    // Placed in the window of its newest sample: released only once all of it is older than the head.
    const to = this.arena.allocExact(this.windowOf(maxt), bytes.length);
    this.arena.slabOf(to).set(bytes, this.arena.offsetOf(to));
    this.link(slot, this.closed.alloc(to, bytes.length, count, mint, maxt));
    const S = this.series;
    if (maxt > S.maxTime[slot]!) S.maxTime[slot] = maxt;
  }

  /** Oldest sample time held by the series, or Infinity when none. */
  minTime(slot: number): number {
    const S = this.series;
    const first = S.firstChunk[slot]!;
    if (first !== 0) return this.closed.mint[first]!;
    return S.openAddr[slot] !== 0 ? S.openMint[slot]! : Infinity;
  }

  /** True when the series holds no chunk. */
  isEmpty(slot: number): boolean {
    return this.series.firstChunk[slot] === 0 && this.series.openAddr[slot] === 0;
  }

  /** The series' chunks overlapping [mint, maxt] (inclusive), oldest first: a consistent view (see ChunkView). */
  chunks(slot: number, mint = -Infinity, maxt = Infinity): ChunkView[] {
    const S = this.series, C = this.closed, a = this.arena;
    const out: ChunkView[] = [];
    for (let id = S.firstChunk[slot]!; id !== 0; id = C.next[id]!) {
      if (C.maxt[id]! < mint || C.mint[id]! > maxt) continue;
      const addr = C.addr[id]!;
      const off = a.offsetOf(addr);
      out.push({ bytes: a.slabOf(addr).subarray(off, off + C.length[id]!), mint: C.mint[id]!, maxt: C.maxt[id]!, count: C.count[id]! });
    }
    const addr = S.openAddr[slot]!;
    const n = S.openCount[slot]!;
    if (addr !== 0 && n > 0 && S.maxTime[slot]! >= mint && S.openMint[slot]! <= maxt) {
      const off = a.offsetOf(addr);
      out.push({ bytes: a.slabOf(addr).slice(off, off + ((S.openBits[slot]! + 7) >>> 3)), mint: S.openMint[slot]!, maxt: S.maxTime[slot]!, count: n });
    }
    return out;
  }

  /**
   * Drops the series' chunks that end before `mint` (the open one too when it is all that is
   * left and ends before `mint`). Returns how many chunks were dropped. The arena's windows
   * are released by `releaseBefore` once every series is truncated.
   */
  truncateBefore(slot: number, mint: number): number {
    const S = this.series, C = this.closed;
    let k = 0;
    let id = S.firstChunk[slot]!;
    while (id !== 0 && C.maxt[id]! < mint) {
      const next = C.next[id]!;
      C.free(id);
      id = next;
      k++;
    }
    S.firstChunk[slot] = id;
    if (id === 0) {
      S.lastChunk[slot] = 0;
      if (S.openAddr[slot] !== 0 && S.maxTime[slot]! < mint) {
        S.openAddr[slot] = 0; // its window is released with the others
        k++;
      }
    }
    return k;
  }

  /** Releases the arena windows that end at or before `mint`: call after truncating every series. */
  releaseBefore(mint: number): void {
    this.arena.releaseBefore(mint, this.chunkRange);
  }
}
