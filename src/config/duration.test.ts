import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DurationError, formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['1s', 1000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['15d', 15 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1y', 365 * 86_400_000],
    ['1y2w3d4h5m6s7ms', 365 * 86_400_000 + 14 * 86_400_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7],
    ['90m', 5_400_000],
  ];
  for (const [text, ms] of good) {
    it(`parses ${text}`, () => assert.equal(parseDuration(text), ms));
  }
  for (const bad of ['', 'fifteen', '15', '1.5h', '-1s', '1m1h', '1h1h', ' 1h', '1H', '1d ', 'ms', '1sms']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad), DurationError));
  }
  it('rejects durations above the safe integer range', () => {
    assert.throws(() => parseDuration('999999999999y'), /too large/);
    assert.throws(() => parseDuration('99999999999999999999ms'), /too large/);
  });
});

describe('formatDuration', () => {
  it('round-trips', () => {
    for (const t of ['0s', '500ms', '1h30m', '2w1d', '1y2w3d4h5m6s7ms']) assert.equal(formatDuration(parseDuration(t)), t);
  });
  it('uses weeks like Prometheus', () => assert.equal(formatDuration(parseDuration('15d')), '2w1d'));
  it('rejects negative and fractional input', () => {
    assert.throws(() => formatDuration(-1), DurationError);
    assert.throws(() => formatDuration(1.5), DurationError);
  });
});
