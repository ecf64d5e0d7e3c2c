import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord } from '../model/index.js';
import { LabelInterner, ownString } from './intern.js';

test('intern: equal labels from different sets share one object; values unchanged', () => {
  const it = new LabelInterner();
  const body = 'xxxxxxxxxxxxxxxxxxxx node_cpu_seconds_total{mode="idle"} 1';
  const name = body.slice(21, 43);
  const a = it.labels(labelsFromRecord({ __name__: name, mode: 'idle', instance: 'h1' }));
  const b = it.labels(labelsFromRecord({ __name__: 'node_cpu_seconds_total', mode: 'idle', instance: 'h2' }));
  assert.deepEqual(a, labelsFromRecord({ __name__: 'node_cpu_seconds_total', mode: 'idle', instance: 'h1' }));
  assert.equal(a[0], b[0]); // __name__
  assert.equal(a[2], b[2]); // mode
  assert.notEqual(a[1], b[1]); // instance differs
});

test('intern: bounded generations keep answers equal and hot labels shared', () => {
  const it = new LabelInterner(4);
  const hot = it.label({ name: 'job', value: 'node' });
  for (let i = 0; i < 3; i++) it.label({ name: 'i', value: String(i) });
  // The current generation is full: the next new pair starts a new one; `hot` moves forward.
  assert.equal(it.label({ name: 'job', value: 'node' }), hot);
  for (let i = 10; i < 20; i++) assert.deepEqual(it.label({ name: 'i', value: String(i) }), { name: 'i', value: String(i) });
  assert.deepEqual(it.label({ name: 'job', value: 'node' }), { name: 'job', value: 'node' });
});

test('intern: ownString returns an equal string, lone surrogates included', () => {
  for (const s of ['', 'short', 'a'.repeat(40), 'é😀'.repeat(10), '\ud800 lone surrogate \udc00 here']) assert.equal(ownString(s), s);
});
