import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE, describeRange, formatDuration, parseDuration, rangeFromParams, rangeToParams, resolveRange, stepFor } from './timerange';

describe('durations', () => {
  it('parses the picker values and round-trips them', () => {
    for (const s of ['1h', '6h', '24h', '7d', '30d', '90m', '45s']) {
      const ms = parseDuration(s);
      expect(ms).toBeGreaterThan(0);
      expect(parseDuration(formatDuration(ms ?? 0))).toBe(ms);
    }
    expect(formatDuration(24 * 3_600_000)).toBe('1d');
    expect(formatDuration(90 * 60_000)).toBe('90m');
  });
  it('rejects hostile or absurd input', () => {
    for (const s of ['', 'h', '-1h', '0h', '1y', '1.5h', '1h;drop', '9999999d', '401d', ' 1 h', '1e3s']) expect(parseDuration(s)).toBeUndefined();
  });
});

describe('ranges in the URL', () => {
  it('reads relative and absolute ranges, with the default for garbage', () => {
    expect(rangeFromParams(new URLSearchParams('range=6h'))).toEqual({ kind: 'relative', durationMs: 6 * 3_600_000 });
    expect(rangeFromParams(new URLSearchParams('from=1000&to=5000'))).toEqual({ kind: 'absolute', fromMs: 1000, toMs: 5000 });
    expect(rangeFromParams(new URLSearchParams('from=5000&to=1000'))).toEqual(DEFAULT_RANGE);
    expect(rangeFromParams(new URLSearchParams('from=abc&to=1&range=zz'))).toEqual(DEFAULT_RANGE);
    expect(rangeFromParams(new URLSearchParams(''))).toEqual(DEFAULT_RANGE);
  });
  it('writes what it reads', () => {
    const p = new URLSearchParams('q=up&range=1h');
    rangeToParams({ kind: 'absolute', fromMs: 10, toMs: 20 }, p);
    expect(p.toString()).toBe('q=up&from=10&to=20');
    rangeToParams({ kind: 'relative', durationMs: 7 * 86_400_000 }, p);
    expect(p.toString()).toBe('q=up&range=7d');
  });
  it('resolves against now and describes itself', () => {
    expect(resolveRange({ kind: 'relative', durationMs: 3_600_000 }, 10_000_000)).toEqual({ startMs: 6_400_000, endMs: 10_000_000 });
    expect(resolveRange({ kind: 'absolute', fromMs: 1, toMs: 2 }, 99)).toEqual({ startMs: 1, endMs: 2 });
    expect(describeRange({ kind: 'relative', durationMs: 3_600_000 })).toBe('last 1h');
    expect(describeRange({ kind: 'absolute', fromMs: Date.UTC(2026, 0, 2, 3, 4), toMs: Date.UTC(2026, 0, 2, 5, 6) })).toBe('01-02 03:04 → 01-02 05:06 UTC');
  });
});

describe('stepFor', () => {
  it('keeps the point count bounded with round steps', () => {
    expect(stepFor(0, 3_600_000)).toBe(10_000);
    expect(stepFor(0, 30 * 86_400_000)).toBe(7_200_000);
    expect(stepFor(0, 60_000)).toBe(1000);
    for (const d of [3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000, 400 * 86_400_000]) expect(d / stepFor(0, d)).toBeLessThanOrEqual(500);
  });
});
