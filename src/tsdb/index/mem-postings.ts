import type { Labels } from '../../model/index.js';
import { type Postings, emptyPostings, gallop } from './postings.js';
import type { IndexReader } from './reader.js';

/**
 * A growable sorted id list. `buf[0..len)` holds the ids; slots past `len` are spare
 * capacity. Views handed out cover `[0, len)` only, so appending in place never changes
 * them; any other change (insert out of order, delete) writes into a new buffer.
 */
interface List {
  buf: Uint32Array;
  len: number;
}

/** A label value's postings: a bare number for a single series (saves an object per value), else a List. */
type Entry = number | List;

interface NameEntry {
  readonly values: Map<string, Entry>;
  /** Sorted values, rebuilt on demand after a value appears or disappears. */
  sorted: string[] | undefined;
}

/**
 * The head's in-memory inverted index: label pair → sorted series ids.
 *
 * Memory: about 4 bytes per (series, label) pair plus growth slack (lists grow by 1.5×),
 * one small object per distinct label value that has two or more series, and nothing per
 * posting. Not safe against concurrent mutation from workers (there are none in Node);
 * postings returned to readers stay valid and unchanged whatever happens afterwards.
 */
export class MemPostings implements IndexReader {
  private readonly names = new Map<string, NameEntry>();
  private all: List = { buf: new Uint32Array(1024), len: 0 };
  private sortedNames: string[] | undefined;

  /**
   * Indexes series `id` (an integer in [0, 2^32)) under each of its labels. Cheap when
   * `id` is larger than every id added so far (the usual case); otherwise an insertion
   * costing O(list length). Adding an id twice is a no-op per list.
   */
  add(id: number, labels: Labels): void {
    addToList(this.all, id);
    for (const l of labels) {
      let ne = this.names.get(l.name);
      if (ne === undefined) {
        ne = { values: new Map(), sorted: undefined };
        this.names.set(l.name, ne);
        this.sortedNames = undefined;
      }
      const e = ne.values.get(l.value);
      if (e === undefined) {
        ne.values.set(l.value, id);
        ne.sorted = undefined;
      } else if (typeof e === 'number') {
        if (e !== id) {
          const buf = new Uint32Array(4);
          if (e < id) { buf[0] = e; buf[1] = id; } else { buf[0] = id; buf[1] = e; }
          ne.values.set(l.value, { buf, len: 2 });
        }
      } else {
        addToList(e, id);
      }
    }
  }

  /**
   * Removes the given series ids from every list; label values and names left without
   * series disappear. Cost O(total postings + max id / 8), independent of how many ids go.
   */
  delete(ids: ReadonlySet<number> | ArrayLike<number>): void {
    const size = 'size' in ids ? ids.size : ids.length;
    if (size === 0) return;
    let max = 0;
    const each = (f: (id: number) => void): void => {
      if ('size' in ids) for (const id of ids) f(id);
      else for (let i = 0; i < ids.length; i++) f(ids[i]!);
    };
    each((id) => { if (id > max) max = id; });
    const dead = new Uint8Array((max >>> 3) + 1);
    each((id) => { dead[id >>> 3]! |= 1 << (id & 7); });
    const isDead = (id: number): boolean => id <= max && (dead[id >>> 3]! & (1 << (id & 7))) !== 0;

    this.all = filterList(this.all, isDead) ?? { buf: new Uint32Array(1024), len: 0 };
    for (const [name, ne] of this.names) {
      for (const [value, e] of ne.values) {
        if (typeof e === 'number') {
          if (isDead(e)) { ne.values.delete(value); ne.sorted = undefined; }
          continue;
        }
        const f = filterList(e, isDead);
        if (f === e) continue;
        ne.sorted = undefined;
        if (f === undefined) ne.values.delete(value);
        else if (f.len === 1) ne.values.set(value, f.buf[0]!);
        else ne.values.set(value, f);
      }
      if (ne.values.size === 0) { this.names.delete(name); this.sortedNames = undefined; }
    }
  }

  postings(name: string, value: string): Postings {
    const e = this.names.get(name)?.values.get(value);
    if (e === undefined) return emptyPostings();
    if (typeof e === 'number') return Uint32Array.of(e);
    return e.buf.subarray(0, e.len);
  }

  allPostings(): Postings {
    return this.all.buf.subarray(0, this.all.len);
  }

  labelNames(): readonly string[] {
    this.sortedNames ??= [...this.names.keys()].sort(compareStrings);
    return this.sortedNames;
  }

  labelValues(name: string): readonly string[] {
    const ne = this.names.get(name);
    if (ne === undefined) return [];
    ne.sorted ??= [...ne.values.keys()].sort(compareStrings);
    return ne.sorted;
  }

  /** Number of series indexed. */
  numSeries(): number {
    return this.all.len;
  }

  /** Number of series with label `name` = `value`, without materialising the list. */
  count(name: string, value: string): number {
    const e = this.names.get(name)?.values.get(value);
    return e === undefined ? 0 : typeof e === 'number' ? 1 : e.len;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addToList(l: List, id: number): void {
  const n = l.len;
  if (n === 0 || id > l.buf[n - 1]!) {
    if (n === l.buf.length) {
      const g = new Uint32Array(n < 16 ? n * 2 + 2 : n + (n >>> 1));
      g.set(l.buf);
      l.buf = g;
    }
    l.buf[n] = id;
    l.len = n + 1;
    return;
  }
  const pos = gallop(l.buf.subarray(0, n), 0, id);
  if (l.buf[pos] === id) return;
  // Copy-on-write: earlier views of [0, n) must not see the shift.
  const g = new Uint32Array(n + 1 + (n >>> 3));
  g.set(l.buf.subarray(0, pos));
  g[pos] = id;
  g.set(l.buf.subarray(pos, n), pos + 1);
  l.buf = g;
  l.len = n + 1;
}

/** The list without dead ids: `l` itself when nothing matched, undefined when nothing is left. */
function filterList(l: List, isDead: (id: number) => boolean): List | undefined {
  let i = 0;
  while (i < l.len && !isDead(l.buf[i]!)) i++;
  if (i === l.len) return l;
  const out = new Uint32Array(l.len);
  out.set(l.buf.subarray(0, i));
  let n = i;
  for (i++; i < l.len; i++) { const x = l.buf[i]!; if (!isDead(x)) out[n++] = x; }
  if (n === 0) return undefined;
  return { buf: n * 2 < out.length ? out.slice(0, n) : out, len: n };
}
