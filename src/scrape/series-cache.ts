import type { Labels } from '../model/index.js';
import { ownString } from './intern.js';

/**
 * A scrape loop's series cache: the text of a series as exposed (`name{labels}`) → an entry
 * holding its storage ref and final labels (or "dropped" by metric relabeling), so that a
 * known series costs one map lookup per scrape and relabeling runs once per new series.
 *
 * Entries are indices into columns, not objects: at 500k cached series an entry object
 * per series was ~50 bytes of traced heap; here it is a map slot, two typed-array entries
 * and two pointers. Entry indices are reused once `gc` frees them, so hold them only from
 * one scrape to the next (a scrape sees every entry it keeps, and `gc` frees only entries
 * unseen for `keep` scrapes).
 */
export class SeriesCache {
  private readonly byText = new Map<string, number>();
  /** The key of each entry in `byText`; undefined once orphaned by `reset` (still live until gc). */
  private texts: (string | undefined)[] = [];
  /** Final labels; undefined for a series that metric relabeling drops. */
  labels: (Labels | undefined)[] = [];
  refs: Float64Array = new Float64Array(0);
  lastIter: Uint32Array = new Uint32Array(0);
  private live: Uint8Array = new Uint8Array(0);
  private used = 0;
  private readonly freeIdx: number[] = [];

  /** The entry of this series text, or -1. */
  get(text: string): number {
    return this.byText.get(text) ?? -1;
  }

  /** A new entry for `text` (copied: a slice of the body must not pin it), seen at `iter`. */
  add(text: string, labels: Labels | undefined, iter: number): number {
    let i = this.freeIdx.pop();
    if (i === undefined) {
      i = this.used++;
      if (i >= this.refs.length) this.grow(Math.max(64, this.refs.length * 2));
    }
    const key = ownString(text);
    this.byText.set(key, i);
    this.texts[i] = key;
    this.labels[i] = labels;
    this.refs[i] = 0;
    this.lastIter[i] = iter;
    this.live[i] = 1;
    return i;
  }

  /** Forgets every series text (a config change); the entries stay usable until `gc` frees them. */
  reset(): void {
    this.byText.clear();
    this.texts.fill(undefined);
  }

  /** Frees the entries not seen for more than `keep` scrapes before `iter`. */
  gc(iter: number, keep: number): void {
    for (let i = 0; i < this.used; i++) {
      if (this.live[i] === 0 || iter - this.lastIter[i]! <= keep) continue;
      const t = this.texts[i];
      if (t !== undefined) this.byText.delete(t);
      this.texts[i] = undefined;
      this.labels[i] = undefined;
      this.live[i] = 0;
      this.freeIdx.push(i);
    }
  }

  /** Series texts cached. */
  size(): number {
    return this.byText.size;
  }

  private grow(n: number): void {
    const refs = new Float64Array(n);
    refs.set(this.refs);
    this.refs = refs;
    const it = new Uint32Array(n);
    it.set(this.lastIter);
    this.lastIter = it;
    const live = new Uint8Array(n);
    live.set(this.live);
    this.live = live;
  }
}
