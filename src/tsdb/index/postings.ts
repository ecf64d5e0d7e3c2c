/**
 * Postings: sorted lists of unique series ids (integers in [0, 2^32)).
 *
 * A `Postings` is a plain `Uint32Array` whose elements are strictly increasing. Every
 * function here treats its inputs as read-only and returns a fresh array (or one of its
 * inputs unchanged, which callers must therefore also treat as read-only). Views handed
 * out by indexes are immutable snapshots: never write into a `Postings`.
 */
export type Postings = Uint32Array;

/** A new empty postings list. */
export function emptyPostings(): Postings {
  return new Uint32Array(0);
}

/** Sorts and de-duplicates arbitrary ids into a postings list (ids must be in [0, 2^32)). */
export function postingsFromIds(ids: Iterable<number>): Postings {
  const a = Uint32Array.from(ids);
  a.sort();
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[n - 1]) a[n++] = a[i]!;
  return n === a.length ? a : a.slice(0, n);
}

/** True when `p` is strictly increasing (the postings invariant). For tests and validation. */
export function isPostings(p: Uint32Array): boolean {
  for (let i = 1; i < p.length; i++) if (p[i]! <= p[i - 1]!) return false;
  return true;
}

/**
 * Index of the first element of `a` at or after `from` that is >= `target` (a.length if
 * none). Exponential then binary search: O(log d) where d is the distance travelled, so a
 * sweep of ascending targets costs O(m log(n/m)) overall.
 */
export function gallop(a: Uint32Array, from: number, target: number): number {
  const n = a.length;
  if (from >= n || a[from]! >= target) return from;
  let lo = from; // invariant: a[lo] < target
  let step = 1;
  let hi = from + 1;
  while (hi < n && a[hi]! < target) {
    lo = hi;
    step <<= 1;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  // a[lo] < target, and a[hi] >= target or hi === n
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** True when `id` is in `p` (binary search). */
export function postingsHas(p: Postings, id: number): boolean {
  const i = gallop(p, 0, id);
  return i < p.length && p[i] === id;
}

/** a ∩ b. Iterates the shorter list and gallops through the longer one. */
export function intersect2(a: Postings, b: Postings): Postings {
  if (a.length > b.length) [a, b] = [b, a];
  if (a.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  // Skip quickly when the ranges barely overlap.
  const bLast = b[b.length - 1]!;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x > bLast) break;
    j = gallop(b, j, x);
    if (j === b.length) break;
    if (b[j] === x) out[n++] = x;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Intersection of all lists (smallest first); an empty input list of lists gives []. */
export function intersect(lists: readonly Postings[]): Postings {
  if (lists.length === 0) return emptyPostings();
  const sorted = [...lists].sort((x, y) => x.length - y.length);
  let acc = sorted[0]!;
  for (let i = 1; i < sorted.length && acc.length > 0; i++) acc = intersect2(acc, sorted[i]!);
  return acc;
}

/** True when a ∩ b is non-empty, without materialising it. */
export function intersects(a: Postings, b: Postings): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    j = gallop(b, j, a[i]!);
    if (j === b.length) return false;
    if (b[j] === a[i]) return true;
  }
  return false;
}

/** a ∪ b by linear merge. */
export function union2(a: Postings, b: Postings): Postings {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length + b.length);
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x < y) { out[n++] = x; i++; }
    else if (y < x) { out[n++] = y; j++; }
    else { out[n++] = x; i++; j++; }
  }
  if (i < a.length) { out.set(a.subarray(i), n); n += a.length - i; }
  if (j < b.length) { out.set(b.subarray(j), n); n += b.length - j; }
  return n === out.length ? out : out.slice(0, n);
}

/**
 * Union of many lists. Sparse inputs are merged pairwise in a balanced tree
 * (O(total · log k)); dense ones are marked in a bitmap over [0, max id] and read back
 * (O(total + max/32)), which wins when k is large and ids are clustered.
 */
export function union(lists: readonly Postings[]): Postings {
  let work: Postings[] = lists.filter((l) => l.length > 0);
  if (work.length === 0) return emptyPostings();
  if (work.length === 1) return work[0]!;
  let total = 0;
  let max = 0;
  for (const l of work) {
    total += l.length;
    const last = l[l.length - 1]!;
    if (last > max) max = last;
  }
  if (work.length > 4 && total * Math.log2(work.length) > max / 16) return unionBitmap(work, total, max);
  while (work.length > 1) {
    const next: Postings[] = [];
    for (let i = 0; i + 1 < work.length; i += 2) next.push(union2(work[i]!, work[i + 1]!));
    if (work.length % 2 === 1) next.push(work[work.length - 1]!);
    work = next;
  }
  return work[0]!;
}

function unionBitmap(lists: readonly Postings[], total: number, max: number): Postings {
  const words = new Uint32Array((max >>> 5) + 1);
  for (const l of lists) for (let i = 0; i < l.length; i++) { const x = l[i]!; words[x >>> 5]! |= 1 << (x & 31); }
  return bitmapToPostings(words, total);
}

/** Reads the set bits of a bitmap (bit i of word w = id w*32+i) as postings. */
export function bitmapToPostings(words: Uint32Array, sizeHint: number): Postings {
  let out = new Uint32Array(Math.max(sizeHint, 16));
  let n = 0;
  for (let w = 0; w < words.length; w++) {
    let bits = words[w]!;
    while (bits !== 0) {
      const low = bits & -bits;
      const bit = 31 - Math.clz32(low);
      if (n === out.length) { const g = new Uint32Array(out.length * 2); g.set(out); out = g; }
      out[n++] = (w << 5 | bit) >>> 0;
      bits ^= low;
    }
  }
  return n === out.length ? out : out.slice(0, n);
}

/** a \ b ("a without b"). Gallops through whichever list is much longer (copying runs of a in bulk); merges otherwise. */
export function without(a: Postings, b: Postings): Postings {
  if (a.length === 0 || b.length === 0) return a;
  if (b[0]! > a[a.length - 1]! || b[b.length - 1]! < a[0]!) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  if (b.length > a.length) {
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      j = gallop(b, j, x);
      if (j === b.length) { out.set(a.subarray(i), n); n += a.length - i; break; }
      if (b[j] !== x) out[n++] = x;
    }
  } else if (a.length < 32 * b.length) {
    // Comparable sizes: a plain merge, copying from a between removed ids.
    let i = 0;
    const al = a.length;
    for (let j = 0; j < b.length; j++) {
      const y = b[j]!;
      while (i < al && a[i]! < y) out[n++] = a[i++]!;
      if (i < al && a[i] === y) i++;
    }
    while (i < al) out[n++] = a[i++]!;
  } else {
    // b much shorter: walk b; copy the run of a before each removed id in one `set`.
    let i = 0;
    for (let j = 0; j < b.length && i < a.length; j++) {
      const k = gallop(a, i, b[j]!);
      if (k > i) { out.set(a.subarray(i, k), n); n += k - i; }
      i = k < a.length && a[k] === b[j] ? k + 1 : k;
    }
    if (i < a.length) { out.set(a.subarray(i), n); n += a.length - i; }
  }
  return n === a.length ? a : out.slice(0, n);
}
