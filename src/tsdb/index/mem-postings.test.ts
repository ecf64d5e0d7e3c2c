import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord } from '../../model/index.js';
import { MemPostings, isPostings } from './index.js';

test('adds in increasing and arbitrary order keep lists sorted and unique', () => {
  const mp = new MemPostings();
  const ids = [5, 1, 9, 3, 3, 100, 0, 50, 7];
  for (const id of ids) mp.add(id, labelsFromRecord({ __name__: 'up', parity: id % 2 ? 'odd' : 'even', id: String(id) }));
  assert.deepEqual([...mp.allPostings()], [0, 1, 3, 5, 7, 9, 50, 100]);
  assert.deepEqual([...mp.postings('parity', 'odd')], [1, 3, 5, 7, 9]);
  assert.deepEqual([...mp.postings('parity', 'even')], [0, 50, 100]);
  assert.deepEqual([...mp.postings('id', '3')], [3]);
  assert.deepEqual([...mp.postings('nope', 'x')], []);
  assert.deepEqual(mp.labelNames(), ['__name__', 'id', 'parity']);
  assert.deepEqual(mp.labelValues('parity'), ['even', 'odd']);
  assert.deepEqual(mp.labelValues('id'), ['0', '1', '100', '3', '5', '50', '7', '9']);
  assert.deepEqual(mp.labelValues('nope'), []);
  assert.equal(mp.numSeries(), 8);
  assert.equal(mp.count('__name__', 'up'), 8);
});

test('returned postings are snapshots: later adds and deletes do not change them', () => {
  const mp = new MemPostings();
  for (let i = 0; i < 10; i += 2) mp.add(i, labelsFromRecord({ a: 'x' }));
  const before = mp.postings('a', 'x');
  const copy = [...before];
  mp.add(20, labelsFromRecord({ a: 'x' }));
  mp.add(3, labelsFromRecord({ a: 'x' }));
  mp.delete(new Set([0, 4]));
  assert.deepEqual([...before], copy);
  assert.deepEqual([...mp.postings('a', 'x')], [2, 3, 6, 8, 20]);
});

test('delete removes ids everywhere and drops empty values and names', () => {
  const mp = new MemPostings();
  for (let i = 0; i < 1000; i++) mp.add(i, labelsFromRecord({ __name__: `m${i % 3}`, i: String(i), only0: i === 0 ? 'yes' : '' }));
  mp.delete(Uint32Array.of(0, 1, 2, 500, 999));
  mp.delete(new Set([3]));
  assert.equal(mp.numSeries(), 994);
  assert.ok(!mp.labelNames().includes('only0'));
  assert.deepEqual(mp.postings('i', '500'), new Uint32Array(0));
  assert.ok(!mp.labelValues('i').includes('500'));
  const m0 = mp.postings('__name__', 'm0');
  assert.ok(isPostings(m0));
  assert.equal(m0.length, 334 - 3); // 0, 3 and 999 went
  assert.ok(!m0.includes(999));
  // Ids can be re-added after deletion.
  mp.add(1, labelsFromRecord({ __name__: 'm1' }));
  assert.equal(mp.postings('__name__', 'm1')[0], 1);
});
