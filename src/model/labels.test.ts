import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, compareLabels, labelsFromPairs, formatLabels, isStaleNaN, labelsFromRecord, labelsKey, staleNaN } from './index.js';

test('labels are sorted, empty values dropped, duplicates rejected', () => {
  const l = labelsFromRecord({ job: 'node', __name__: 'up', empty: '' });
  assert.deepEqual(l.map((x) => x.name), ['__name__', 'job']);
  assert.equal(formatLabels(l), 'up{job="node"}');
  assert.throws(() => labelsFromPairs([['a', '1'], ['a', '2']]), /duplicate label name "a"/);
});

test('labelsKey and compareLabels are consistent', () => {
  const a = labelsFromRecord({ a: '1', b: '2' });
  const b = labelsFromRecord({ b: '2', a: '1' });
  assert.equal(labelsKey(a), labelsKey(b));
  assert.equal(compareLabels(a, b), 0);
  assert.ok(compareLabels(labelsFromRecord({ a: '1' }), a) < 0);
});

test('matchers are anchored and treat absent labels as empty', () => {
  assert.ok(new Matcher('=~', 'x', 'a.*').matches('abc'));
  assert.ok(!new Matcher('=~', 'x', 'b').matches('abc'));
  assert.ok(new Matcher('!~', 'x', 'b').matches('abc'));
  assert.ok(new Matcher('=', 'x', '').matchesEmpty());
  assert.throws(() => new Matcher('=~', 'x', '('), /invalid regular expression/);
});

test('the staleness NaN is recognised bit-exactly', () => {
  const s = staleNaN();
  assert.ok(Number.isNaN(s));
  assert.ok(isStaleNaN(s));
  assert.ok(!isStaleNaN(NaN));
  assert.ok(!isStaleNaN(1));
  const f = new Float64Array(1);
  f[0] = s;
  assert.ok(isStaleNaN(f[0]));
});
