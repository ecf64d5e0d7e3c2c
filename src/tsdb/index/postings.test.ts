import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gallop, intersect, intersects, isPostings, postingsFromIds, postingsHas, union, without } from './index.js';

/** A deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomList(r: () => number, maxLen: number, universe: number): Uint32Array {
  const n = Math.floor(r() * maxLen);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(Math.floor(r() * universe));
  return postingsFromIds(ids);
}

const sorted = (s: Iterable<number>): number[] => [...s].sort((a, b) => a - b);

test('postingsFromIds sorts and de-duplicates', () => {
  assert.deepEqual([...postingsFromIds([5, 1, 5, 3, 1, 2 ** 32 - 1])], [1, 3, 5, 2 ** 32 - 1]);
  assert.ok(isPostings(postingsFromIds([9, 8, 7])));
});

test('gallop finds the first element >= target', () => {
  const a = Uint32Array.from([1, 3, 5, 7, 9, 11]);
  for (let t = 0; t < 13; t++) {
    for (let from = 0; from <= a.length; from++) {
      let want = from;
      while (want < a.length && a[want]! < t) want++;
      assert.equal(gallop(a, from, t), want, `t=${t} from=${from}`);
    }
  }
});

test('intersect, union and without agree with Set semantics on random data', () => {
  const r = rng(42);
  for (let round = 0; round < 400; round++) {
    const universe = [10, 1000, 100000, 2 ** 32][round % 4]!;
    const k = 1 + Math.floor(r() * 6);
    // Mix very different sizes so both the merge and the galloping paths run.
    const lists = Array.from({ length: k }, (_, i) => randomList(r, i === 0 ? 3000 : r() < 0.5 ? 20 : 800, universe));
    const sets = lists.map((l) => new Set(l));

    const inter = intersect(lists);
    const wantInter = sorted([...sets[0]!].filter((x) => sets.every((s) => s.has(x))));
    assert.deepEqual([...inter], wantInter);
    assert.equal(intersects(lists[0]!, lists[k - 1]!), [...sets[0]!].some((x) => sets[k - 1]!.has(x)));

    const uni = union(lists);
    assert.ok(isPostings(uni));
    assert.deepEqual([...uni], sorted(new Set(lists.flatMap((l) => [...l]))));

    const a = lists[0]!, b = lists[k - 1]!;
    const sb = new Set(b);
    assert.deepEqual([...without(a, b)], [...a].filter((x) => !sb.has(x)));
    assert.deepEqual([...without(b, a)], [...b].filter((x) => !sets[0]!.has(x)));
    for (const x of [0, 5, 77, universe - 1]) assert.equal(postingsHas(a, x), sets[0]!.has(x));
  }
});

test('union of many dense lists takes the bitmap path and stays exact', () => {
  const r = rng(7);
  const lists = Array.from({ length: 200 }, () => randomList(r, 500, 20000));
  assert.deepEqual([...union(lists)], sorted(new Set(lists.flatMap((l) => [...l]))));
  assert.deepEqual([...union([Uint32Array.of(2 ** 32 - 1), Uint32Array.of(0), Uint32Array.of(31, 32)])], [0, 31, 32, 2 ** 32 - 1]);
});

test('edge cases: empty inputs', () => {
  const e = new Uint32Array(0);
  const a = Uint32Array.of(1, 2, 3);
  assert.deepEqual([...intersect([])], []);
  assert.deepEqual([...intersect([a, e])], []);
  assert.deepEqual([...union([])], []);
  assert.deepEqual([...union([e, a])], [1, 2, 3]);
  assert.deepEqual([...without(a, e)], [1, 2, 3]);
  assert.deepEqual([...without(e, a)], []);
  assert.deepEqual([...without(a, a)], []);
});
