import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteSizeError, formatByteSize, parseByteSize } from './size.js';

describe('parseByteSize', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['0B', 0],
    ['1024', 1024],
    ['512B', 512],
    // Base-2 as Prometheus' units.Base2Bytes: KB and KiB alike.
    ['1KB', 1024],
    ['1kb', 1024],
    ['512MB', 512 * 2 ** 20],
    ['10GB', 10 * 2 ** 30],
    ['2TB', 2 * 2 ** 40],
    ['1KiB', 1024],
    ['64MiB', 64 * 2 ** 20],
    ['10GiB', 10 * 2 ** 30],
    ['1TiB', 2 ** 40],
    ['1.5GB', 1.5 * 2 ** 30],
    ['10 GB', 10 * 2 ** 30],
  ];
  for (const [text, bytes] of good) {
    it(`parses ${text}`, () => assert.equal(parseByteSize(text), bytes));
  }
  for (const bad of ['', 'ten', 'GB', '-1GB', '1XB', '1GiBs', '1e3MB', '0x10']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseByteSize(bad), ByteSizeError));
  }
  it('rejects sizes above the safe integer range', () => {
    assert.throws(() => parseByteSize('99999999999999999999TB'), /too large/);
    assert.throws(() => parseByteSize('100000PiB'), /too large/);
  });
});

describe('formatByteSize', () => {
  it('uses the largest exact binary unit', () => {
    assert.equal(formatByteSize(0), '0B');
    assert.equal(formatByteSize(64 * 2 ** 20), '64MiB');
    assert.equal(formatByteSize(1500), '1500B');
    assert.equal(formatByteSize(3 * 2 ** 30), '3GiB');
  });
});
