import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord, type Labels } from '../../model/index.js';
import { Head, labelsHash } from './head.js';

/** Two different label sets with the same labelsHash (found by a birthday search). */
function collidingPair(): [Labels, Labels] {
  const seen = new Map<number, Labels>();
  for (let i = 0; ; i++) {
    const l = labelsFromRecord({ __name__: 'm', i: String(i) });
    const h = labelsHash(l);
    const other = seen.get(h);
    if (other !== undefined) return [other, l];
    seen.set(h, l);
  }
}

test('head: series with colliding label hashes stay distinct, are found and removed', () => {
  const [a, b] = collidingPair();
  assert.equal(labelsHash(a), labelsHash(b));
  const head = new Head({ chunkRange: 7_200_000 });
  const sa = head.getOrCreate(a);
  const sb = head.getOrCreate(b);
  const refA = head.series.ref[sa]!, refB = head.series.ref[sb]!;
  assert.notEqual(refA, refB);
  assert.equal(head.getOrCreate(labelsFromRecord(Object.fromEntries(a.map((l) => [l.name, l.value])))), sa);
  assert.equal(head.seriesByLabels(b), sb);
  assert.equal(head.seriesByLabels(labelsFromRecord({ __name__: 'm', i: 'none' })), -1);
  const app = head.appender();
  app.append(refB, b, 1000, 1);
  return app.commit().then(() => {
    // a holds nothing: truncation removes it and keeps b findable.
    assert.deepEqual(head.truncateBefore(0), [refA]);
    assert.equal(head.seriesByLabels(a), -1);
    assert.equal(head.seriesByLabels(b), sb);
    assert.equal(head.numSeries(), 1);
    const sa2 = head.getOrCreate(a);
    assert.notEqual(head.series.ref[sa2], refA);
    assert.equal(head.seriesByLabels(a), sa2);
  });
});

test('head: labelsHash is a small non-negative integer that depends on names and values', () => {
  const h = labelsHash(labelsFromRecord({ a: 'bc' }));
  assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30);
  assert.notEqual(h, labelsHash(labelsFromRecord({ ab: 'c' })));
  assert.notEqual(h, labelsHash(labelsFromRecord({ a: 'bd' })));
});
