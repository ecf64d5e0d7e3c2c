import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLabels, labelsFromPairs, type Labels } from '../../model/index.js';
import { LabelStore, MAX_LABELS } from './label-store.js';
import { xorshift32 } from '../../common/index.js';

const rng = xorshift32;

function randomLabels(r: () => number): Labels {
  const n = Math.floor(r() * 7); // 0..6 labels, the empty set included
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) pairs.push([`l${Math.floor(r() * 8)}`, `v${Math.floor(r() * 30)}`]);
  const uniq = new Map(pairs);
  return labelsFromPairs(uniq);
}

test('LabelStore agrees with a slot → labels model through sets, clears, slot reuse and compaction', () => {
  const r = rng(11);
  const store = new LabelStore();
  const model = new Map<number, Labels>();
  for (let step = 0; step < 60_000; step++) {
    const slot = Math.floor(r() * 3000);
    const have = model.get(slot);
    if (have === undefined) {
      const l = randomLabels(r);
      store.set(slot, l);
      model.set(slot, l);
    } else if (r() < 0.6) {
      store.clear(slot);
      model.delete(slot);
    }
    if (step % 997 === 0) {
      for (let s = 0; s < 3000; s++) {
        const want = model.get(s);
        assert.equal(store.has(s), want !== undefined);
        assert.deepEqual(store.get(s), want);
        if (want !== undefined) {
          assert.ok(store.equals(s, want));
          assert.ok(!store.equals(s, labelsFromPairs([...want.map((l): [string, string] => [l.name, l.value]), ['zz', 'x']])));
        }
      }
      const live = [...model.keys()];
      for (let k = 0; k < 200; k++) {
        const a = live[Math.floor(r() * live.length)]!, b = live[Math.floor(r() * live.length)]!;
        assert.equal(Math.sign(store.compare(a, b)), Math.sign(compareLabels(model.get(a)!, model.get(b)!)), `compare slots ${a} ${b}`);
      }
    }
  }
  // Pairs are counted: clearing every series frees every pair.
  for (const s of model.keys()) store.clear(s);
  assert.equal(store.pairCount(), 0);
});

test('LabelStore: arrays from get are new, pairs are shared copies; a taken slot and too many labels are refused', () => {
  const store = new LabelStore();
  const a = labelsFromPairs([['__name__', 'up'], ['job', 'x']]);
  store.set(0, a);
  store.set(1, labelsFromPairs([['__name__', 'up'], ['job', 'y']]));
  const g1 = store.get(0)!, g2 = store.get(0)!;
  assert.notEqual(g1, g2);
  assert.equal(g1[0], g2[0]);
  assert.equal(g1[0], store.get(1)![0], 'one object for the pair both series share');
  assert.notEqual(g1[0], a[0], 'the store keeps its own copy of a pair');
  assert.throws(() => store.set(0, a), /slot 0 is taken/);
  const many = Array.from({ length: MAX_LABELS + 1 }, (_, i) => ({ name: `l${String(i).padStart(6, '0')}`, value: 'v' }));
  assert.throws(() => store.set(2, many), /more than the/);
  assert.equal(store.has(2), false);
});
