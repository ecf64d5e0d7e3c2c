import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleIterator } from '../../storage/index.js';
import { collectSamples } from '../../storage/index.js';
import { ChunkChainIterator, ConcatIterator, MergeIterator, RangeIterator, type ChunkSource } from './iterators.js';

/** An iterator over fixed arrays (values = t * 10 unless given). */
class ArrayIterator implements SampleIterator {
  t = 0;
  v = 0;
  private i = -1;
  constructor(
    private readonly ts: number[],
    private readonly vs: number[] = ts.map((t) => t * 10),
  ) {}
  next(): boolean {
    if (++this.i >= this.ts.length) return false;
    this.t = this.ts[this.i]!;
    this.v = this.vs[this.i]!;
    return true;
  }
  seek(t: number): boolean {
    if (this.i >= 0 && this.i < this.ts.length && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }
  err(): Error | undefined {
    return undefined;
  }
}

const ts = (it: SampleIterator): number[] => collectSamples(it).t;
const source = (times: number[]): ChunkSource => ({ mint: times[0]!, maxt: times[times.length - 1]!, open: () => new ArrayIterator(times) });

test('RangeIterator clips to inclusive bounds and to a sample limit', () => {
  assert.deepEqual(ts(new RangeIterator(new ArrayIterator([1, 2, 3, 4, 5]), 2, 4)), [2, 3, 4]);
  assert.deepEqual(ts(new RangeIterator(new ArrayIterator([1, 2, 3, 4, 5]), -Infinity, Infinity, 3)), [1, 2, 3]);
  const it = new RangeIterator(new ArrayIterator([1, 2, 3, 4, 5]), 0, 10, 4);
  assert.ok(it.seek(3));
  assert.equal(it.t, 3);
  assert.ok(it.seek(2), 'seek never moves backwards');
  assert.equal(it.t, 3);
  assert.ok(it.next());
  assert.equal(it.t, 4);
  assert.ok(!it.next(), 'the limit counts samples skipped by seek');
});

test('ChunkChainIterator walks chunks in order, clipped, and seeks across chunks', () => {
  const chunks = [source([1, 2, 3]), source([10, 11]), source([20, 21, 22])];
  assert.deepEqual(ts(new ChunkChainIterator(chunks, -Infinity, Infinity)), [1, 2, 3, 10, 11, 20, 21, 22]);
  assert.deepEqual(ts(new ChunkChainIterator(chunks, 3, 20)), [3, 10, 11, 20]);
  const it = new ChunkChainIterator(chunks, -Infinity, Infinity);
  assert.ok(it.seek(12));
  assert.equal(it.t, 20);
  assert.ok(it.seek(5));
  assert.equal(it.t, 20);
  assert.ok(!it.seek(23));
  assert.deepEqual(ts(new ChunkChainIterator([], 0, 1)), []);
});

test('ChunkChainIterator reports a chunk that fails to open', () => {
  const bad: ChunkSource = { mint: 5, maxt: 6, open: () => { throw new Error('boom'); } };
  const it = new ChunkChainIterator([source([1]), bad], -Infinity, Infinity);
  assert.ok(it.next());
  assert.ok(!it.next());
  assert.match(String(it.err()), /boom/);
});

test('MergeIterator merges overlapping inputs, first input wins on equal timestamps', () => {
  const a = new ArrayIterator([1, 3, 5], [100, 300, 500]);
  const b = new ArrayIterator([2, 3, 4, 6], [2, 3, 4, 6]);
  const got = collectSamples(new MergeIterator([a, b]));
  assert.deepEqual(got.t, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...got.v], [100, 2, 300, 4, 500, 6]);
  const m = new MergeIterator([new ArrayIterator([1, 5]), new ArrayIterator([2, 7])]);
  assert.ok(m.seek(3));
  assert.equal(m.t, 5);
  assert.ok(m.next());
  assert.equal(m.t, 7);
  assert.ok(!m.next());
  assert.ok(!m.seek(1), 'an exhausted merge stays exhausted');
});

test('ConcatIterator plays disjoint inputs in order and keeps time strictly increasing', () => {
  assert.deepEqual(ts(new ConcatIterator([new ArrayIterator([1, 2]), new ArrayIterator([]), new ArrayIterator([5, 6])])), [1, 2, 5, 6]);
  assert.deepEqual(ts(new ConcatIterator([new ArrayIterator([1, 4]), new ArrayIterator([3, 4, 5])])), [1, 4, 5]);
  const c = new ConcatIterator([new ArrayIterator([1, 2]), new ArrayIterator([5, 6])]);
  assert.ok(c.seek(3));
  assert.equal(c.t, 5);
  assert.ok(c.seek(4));
  assert.equal(c.t, 5);
  assert.ok(c.next());
  assert.equal(c.t, 6);
  assert.ok(!c.next());
});
