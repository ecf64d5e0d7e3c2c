import type { Labels } from '../../model/index.js';
import { LabelStore } from './label-store.js';

/**
 * The head's series as columns indexed by *slot* (a dense index reused after a series is
 * removed; a series' ref, which is never reused, maps to its slot in Head). One typed-array
 * entry per field instead of an object per series, per chunk and per chunk encoder: about
 * 90 bytes per series outside the JS heap and nothing for the garbage collector to trace,
 * labels included (LabelStore; measured: bench/README.md, memory).
 *
 * Field groups: the series (ref, labels, newest committed sample, an appender's pending
 * sample, whether the WAL holds its labels); its open XOR chunk (address in the ChunkArena,
 * 0 = none; size class; first sample time; bits written, header included; sample count;
 * the XOR encoder's state: last time delta, previous value bits, value window); and the
 * first and last of its closed chunks in the ChunkTable (0 = none).
 */
export class SeriesTable {
  /** Labels by slot; a slot is live exactly when it holds labels. */
  readonly labels = new LabelStore();
  ref: Uint32Array = new Uint32Array(0);
  /** Time of the newest committed sample (ms); -Infinity when none. */
  maxTime: Float64Array = new Float64Array(0);
  lastValue: Float64Array = new Float64Array(0);
  /** Newest time and value buffered by an uncommitted appender; -Infinity when none. */
  pendingT: Float64Array = new Float64Array(0);
  pendingV: Float64Array = new Float64Array(0);
  walLogged: Uint8Array = new Uint8Array(0);
  openAddr: Float64Array = new Float64Array(0);
  openClass: Uint8Array = new Uint8Array(0);
  openMint: Float64Array = new Float64Array(0);
  openBits: Uint32Array = new Uint32Array(0);
  openCount: Uint16Array = new Uint16Array(0);
  openDelta: Float64Array = new Float64Array(0);
  xorHi: Int32Array = new Int32Array(0);
  xorLo: Int32Array = new Int32Array(0);
  xorLeading: Uint8Array = new Uint8Array(0);
  xorTrailing: Uint8Array = new Uint8Array(0);
  firstChunk: Uint32Array = new Uint32Array(0);
  lastChunk: Uint32Array = new Uint32Array(0);

  private capacity = 0;
  private used = 0;
  private readonly freeSlots: number[] = [];

  /** Number of slots handed out and not freed. */
  live(): number {
    return this.used - this.freeSlots.length;
  }

  /** Highest slot ever handed out + 1 (iterate [0, end) and skip slots where `labels.has` is false). */
  end(): number {
    return this.used;
  }

  /** A slot for a new series, every field reset. */
  alloc(ref: number, labels: Labels): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >= this.capacity) this.grow(Math.max(1024, Math.ceil(this.capacity * 1.25)));
    }
    try {
      this.labels.set(slot, labels);
    } catch (e) {
      this.freeSlots.push(slot);
      throw e;
    }
    this.ref[slot] = ref;
    this.maxTime[slot] = -Infinity;
    this.lastValue[slot] = 0;
    this.pendingT[slot] = -Infinity;
    this.pendingV[slot] = 0;
    this.walLogged[slot] = 0;
    this.openAddr[slot] = 0;
    this.firstChunk[slot] = 0;
    this.lastChunk[slot] = 0;
    return slot;
  }

  /** Frees a slot (its chunks must have been released by the caller). */
  free(slot: number): void {
    this.labels.clear(slot);
    this.freeSlots.push(slot);
  }

  private grow(cap: number): void {
    this.ref = copyInto(new Uint32Array(cap), this.ref);
    this.maxTime = copyInto(new Float64Array(cap), this.maxTime);
    this.lastValue = copyInto(new Float64Array(cap), this.lastValue);
    this.pendingT = copyInto(new Float64Array(cap), this.pendingT);
    this.pendingV = copyInto(new Float64Array(cap), this.pendingV);
    this.walLogged = copyInto(new Uint8Array(cap), this.walLogged);
    this.openAddr = copyInto(new Float64Array(cap), this.openAddr);
    this.openClass = copyInto(new Uint8Array(cap), this.openClass);
    this.openMint = copyInto(new Float64Array(cap), this.openMint);
    this.openBits = copyInto(new Uint32Array(cap), this.openBits);
    this.openCount = copyInto(new Uint16Array(cap), this.openCount);
    this.openDelta = copyInto(new Float64Array(cap), this.openDelta);
    this.xorHi = copyInto(new Int32Array(cap), this.xorHi);
    this.xorLo = copyInto(new Int32Array(cap), this.xorLo);
    this.xorLeading = copyInto(new Uint8Array(cap), this.xorLeading);
    this.xorTrailing = copyInto(new Uint8Array(cap), this.xorTrailing);
    this.firstChunk = copyInto(new Uint32Array(cap), this.firstChunk);
    this.lastChunk = copyInto(new Uint32Array(cap), this.lastChunk);
    this.capacity = cap;
  }
}

/**
 * The head's closed chunks as columns indexed by chunk id (0 = none), each series' chunks a
 * singly linked list oldest first (`next`). About 40 bytes per chunk, no object.
 */
export class ChunkTable {
  /** Address of the bytes in the ChunkArena. */
  addr: Float64Array = new Float64Array(0);
  length: Uint32Array = new Uint32Array(0);
  count: Uint16Array = new Uint16Array(0);
  mint: Float64Array = new Float64Array(0);
  maxt: Float64Array = new Float64Array(0);
  next: Uint32Array = new Uint32Array(0);
  private capacity = 0;
  private used = 1;
  private readonly freeIds: number[] = [];

  alloc(addr: number, length: number, count: number, mint: number, maxt: number): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      id = this.used++;
      if (id >= this.capacity) this.grow(Math.max(4096, Math.ceil(this.capacity * 1.5)));
    }
    this.addr[id] = addr;
    this.length[id] = length;
    this.count[id] = count;
    this.mint[id] = mint;
    this.maxt[id] = maxt;
    this.next[id] = 0;
    return id;
  }

  free(id: number): void {
    this.freeIds.push(id);
  }

  /** Chunk ids handed out and not freed. */
  live(): number {
    return this.used - 1 - this.freeIds.length;
  }

  private grow(cap: number): void {
    this.addr = copyInto(new Float64Array(cap), this.addr);
    this.length = copyInto(new Uint32Array(cap), this.length);
    this.count = copyInto(new Uint16Array(cap), this.count);
    this.mint = copyInto(new Float64Array(cap), this.mint);
    this.maxt = copyInto(new Float64Array(cap), this.maxt);
    this.next = copyInto(new Uint32Array(cap), this.next);
    this.capacity = cap;
  }
}

function copyInto<T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(dst: T, src: T): T {
  dst.set(src);
  return dst;
}
