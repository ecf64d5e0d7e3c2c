import type { Label, Labels } from '../../model/index.js';

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Largest label count a series may have here (the count is kept in 16 bits). */
export const MAX_LABELS = 0xfffe;

/**
 * The head's series labels, packed by slot. Each distinct label pair is kept once, as one
 * shared `Label` object counted by the series that use it, and a series holds only a run of
 * pair ids in one Uint32Array. A labels array per series cost ~110 bytes of JS heap, which
 * every Mark-Compact traced (500k scraped series: ~55 MiB, the head's largest item; now
 * ~35 bytes per series outside the heap; bench/README.md).
 *
 * `get` builds a new array on each call (its Label objects are shared and immutable):
 * hot paths keep series refs, not labels, and compare or sort slots with `equals` and
 * `compare`, which read the ids directly.
 */
export class LabelStore {
  /** Pair id → the shared pair; undefined once no series uses it. */
  private readonly pairs: (Label | undefined)[] = [];
  private pairUses = new Uint32Array(64);
  private readonly freePairs: number[] = [];
  private readonly pairIds = new Map<string, Map<string, number>>();
  /** Per slot: where its run starts in `ids`, and its label count + 1 (0 = no series). */
  private off = new Uint32Array(0);
  private countP1 = new Uint16Array(0);
  private ids = new Uint32Array(1024);
  private idsUsed = 0;
  /** Offsets of freed runs, by run length, reused by series with as many labels. */
  private readonly freeRuns: number[][] = [];
  private freeWords = 0;

  /** Stores `labels` (sorted, names unique) at `slot`, which must be empty. */
  set(slot: number, labels: Labels): void {
    const n = labels.length;
    if (n > MAX_LABELS) throw new RangeError(`a series has ${n} labels, more than the ${MAX_LABELS} the head holds`);
    if (slot >= this.off.length) this.growSlots(Math.max(1024, slot + 1, Math.ceil(this.off.length * 1.25)));
    if (this.countP1[slot] !== 0) throw new Error(`head label slot ${slot} is taken`);
    const at = this.allocRun(n);
    for (let i = 0; i < n; i++) this.ids[at + i] = this.pairId(labels[i]!);
    this.off[slot] = at;
    this.countP1[slot] = n + 1;
  }

  /** Empties `slot` (no-op if empty). */
  clear(slot: number): void {
    const c = this.countP1[slot] ?? 0;
    if (c === 0) return;
    const n = c - 1, at = this.off[slot]!;
    for (let i = 0; i < n; i++) this.unuse(this.ids[at + i]!);
    this.countP1[slot] = 0;
    if (n === 0) return;
    (this.freeRuns[n] ??= []).push(at);
    this.freeWords += n;
    if (this.freeWords > 4096 && this.freeWords * 2 > this.idsUsed) this.compact();
  }

  has(slot: number): boolean {
    return (this.countP1[slot] ?? 0) !== 0;
  }

  /** A new array of the labels at `slot`, or undefined if it is empty. */
  get(slot: number): Labels | undefined {
    const c = this.countP1[slot] ?? 0;
    if (c === 0) return undefined;
    const n = c - 1, at = this.off[slot]!;
    const out = new Array<Label>(n);
    for (let i = 0; i < n; i++) out[i] = this.pairs[this.ids[at + i]!]!;
    return out;
  }

  /** True when `slot` holds exactly `labels`. */
  equals(slot: number, labels: Labels): boolean {
    const c = this.countP1[slot] ?? 0;
    if (c === 0 || c - 1 !== labels.length) return false;
    const at = this.off[slot]!;
    for (let i = 0; i < labels.length; i++) {
      const p = this.pairs[this.ids[at + i]!]!, l = labels[i]!;
      if (p !== l && (p.name !== l.name || p.value !== l.value)) return false;
    }
    return true;
  }

  /** Orders two non-empty slots as `compareLabels` orders their labels. */
  compare(a: number, b: number): number {
    const na = this.countP1[a]! - 1, nb = this.countP1[b]! - 1;
    const oa = this.off[a]!, ob = this.off[b]!;
    const n = Math.min(na, nb);
    for (let i = 0; i < n; i++) {
      const ia = this.ids[oa + i]!, ib = this.ids[ob + i]!;
      if (ia === ib) continue;
      const x = this.pairs[ia]!, y = this.pairs[ib]!;
      if (x.name !== y.name) return compareStrings(x.name, y.name);
      if (x.value !== y.value) return compareStrings(x.value, y.value);
    }
    return na - nb;
  }

  /** Distinct label pairs held. */
  pairCount(): number {
    return this.pairs.length - this.freePairs.length;
  }

  private pairId(l: Label): number {
    let values = this.pairIds.get(l.name);
    let id = values?.get(l.value);
    if (id === undefined) {
      id = this.freePairs.pop() ?? this.pairs.length;
      if (id >= this.pairUses.length) {
        const bigger = new Uint32Array(this.pairUses.length * 2);
        bigger.set(this.pairUses);
        this.pairUses = bigger;
      }
      // A copy: the caller's object may carry more than name and value, or be mutated.
      this.pairs[id] = { name: l.name, value: l.value };
      this.pairUses[id] = 0;
      if (values === undefined) {
        values = new Map();
        this.pairIds.set(l.name, values);
      }
      values.set(l.value, id);
    }
    this.pairUses[id]!++;
    return id;
  }

  private unuse(id: number): void {
    if (--this.pairUses[id]! !== 0) return;
    const p = this.pairs[id]!;
    const values = this.pairIds.get(p.name)!;
    values.delete(p.value);
    if (values.size === 0) this.pairIds.delete(p.name);
    this.pairs[id] = undefined;
    this.freePairs.push(id);
  }

  private allocRun(n: number): number {
    const reused = this.freeRuns[n]?.pop();
    if (reused !== undefined) {
      this.freeWords -= n;
      return reused;
    }
    if (this.idsUsed + n > this.ids.length) {
      const bigger = new Uint32Array(Math.max(this.idsUsed + n, Math.ceil(this.ids.length * 1.25)));
      bigger.set(this.ids.subarray(0, this.idsUsed));
      this.ids = bigger;
    }
    const at = this.idsUsed;
    this.idsUsed += n;
    return at;
  }

  /** Packs the live runs (slot order) into a right-sized arena, forgetting the free runs. */
  private compact(): void {
    const live = this.idsUsed - this.freeWords;
    const out = new Uint32Array(Math.max(1024, live + (live >> 3)));
    let at = 0;
    for (let s = 0; s < this.countP1.length; s++) {
      const c = this.countP1[s]!;
      if (c === 0) continue;
      const from = this.off[s]!;
      out.set(this.ids.subarray(from, from + c - 1), at);
      this.off[s] = at;
      at += c - 1;
    }
    this.ids = out;
    this.idsUsed = at;
    this.freeRuns.length = 0;
    this.freeWords = 0;
  }

  private growSlots(cap: number): void {
    const off = new Uint32Array(cap), count = new Uint16Array(cap);
    off.set(this.off);
    count.set(this.countP1);
    this.off = off;
    this.countP1 = count;
  }
}
