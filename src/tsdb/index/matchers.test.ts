import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { type IndexReader, IndexFile, MemPostings, literalPrefix, writeIndex } from './index.js';
import { checkReaderContract } from './reader.contract.js';

function memReader(series: readonly Labels[]): MemPostings {
  const mp = new MemPostings();
  // Shuffle-ish order: most adds increase, some arrive late, as in the head.
  const late: number[] = [];
  series.forEach((s, i) => (i % 7 === 3 ? late.push(i) : mp.add(i, s)));
  for (const i of late.reverse()) mp.add(i, series[i]!);
  return mp;
}

test('MemPostings meets the IndexReader contract', async () => {
  await checkReaderContract(memReader, 1);
});

test('MemPostings with labelsOf (as the head exposes it) meets the contract', async () => {
  await checkReaderContract((series) => {
    const mp = memReader(series);
    const r: IndexReader = {
      postings: (n, v) => mp.postings(n, v),
      allPostings: () => mp.allPostings(),
      labelNames: () => mp.labelNames(),
      labelValues: (n) => mp.labelValues(n),
      labelsOf: (id) => series[id],
    };
    return r;
  }, 2);
});

test('IndexFile meets the IndexReader contract', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-index-'));
  try {
    await checkReaderContract(async (series) => {
      const path = join(dir, 'index');
      await writeIndex(path, series.map((labels) => ({ labels, chunks: [] })));
      return IndexFile.open(path);
    }, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('literalPrefix only returns text every match starts with', () => {
  assert.equal(literalPrefix('i1.*'), 'i1');
  assert.equal(literalPrefix('abc'), 'abc');
  assert.equal(literalPrefix('ab?'), 'a');
  assert.equal(literalPrefix('ab*c'), 'a');
  assert.equal(literalPrefix('ab{0,2}'), 'a');
  assert.equal(literalPrefix('ab+'), 'ab');
  assert.equal(literalPrefix('a|b'), '');
  assert.equal(literalPrefix('(ab)'), '');
  assert.equal(literalPrefix('\\d+'), '');
  assert.equal(literalPrefix('.*'), '');
});
