import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntMultiMap, NONE } from './int-map.js';

test('IntMultiMap agrees with a Map of arrays through random inserts and deletes, duplicates and resizes', () => {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const m = new IntMultiMap(4);
  const ref = new Map<number, number[]>();
  for (let step = 0; step < 200_000; step++) {
    const key = rnd(step < 100_000 ? 5000 : 300) * (rnd(2) === 0 ? 1 : 0x10001); // clustered and spread keys
    if (rnd(3) !== 0) {
      const v = rnd(1_000_000);
      m.insert(key, v);
      ref.set(key, [...(ref.get(key) ?? []), v]);
    } else {
      const vs = ref.get(key);
      if (vs === undefined || vs.length === 0) {
        assert.equal(m.delete(key, 42_000_000), false);
        continue;
      }
      const v = vs[rnd(vs.length)]!;
      assert.equal(m.delete(key, v), true);
      vs.splice(vs.indexOf(v), 1);
    }
    if (step % 997 === 0) {
      for (const [k, vs] of ref) {
        const got: number[] = [];
        m.find(k, (v) => { got.push(v); return false; });
        assert.deepEqual(got.sort(), [...vs].sort(), `values of key ${k}`);
        assert.equal(m.get(k), vs.length === 0 ? NONE : m.get(k));
      }
    }
  }
  assert.equal(m.size, [...ref.values()].reduce((n, vs) => n + vs.length, 0));
  assert.equal(m.get(0xfffffffe), NONE);
});
