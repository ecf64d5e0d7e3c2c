import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from './chunk.contract.js';
import { BitReader, BitWriter, ChunkCorruptionError } from './index.js';

test('bit writer/reader round-trip random widths', () => {
  const r = prng(1);
  const w = new BitWriter(1);
  const vals: [number, number][] = [];
  for (let i = 0; i < 20000; i++) {
    const n = Math.floor(r() * 33);
    const v = n === 0 ? 0 : n === 32 ? Math.floor(r() * 2 ** 32) : Math.floor(r() * 2 ** n);
    vals.push([v, n]);
    if (n === 1 && r() < 0.5) w.writeBit(v);
    else w.writeBits(v, n);
  }
  const rd = new BitReader();
  rd.reset(w.bytes());
  for (const [v, n] of vals) assert.equal(n === 1 ? rd.readBit() : rd.readBits(n), v);
  assert.ok(rd.remaining < 8);
  assert.throws(() => rd.readBits(9), ChunkCorruptionError);
});

test('bit reader respects its end bit', () => {
  const rd = new BitReader();
  rd.reset(new Uint8Array([0xff, 0xff]), 3, 10);
  assert.equal(rd.readBits(7), 0x7f);
  assert.throws(() => rd.readBit(), ChunkCorruptionError);
});
