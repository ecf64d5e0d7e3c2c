import { describe, expect, it } from 'vitest';
import { formatInterval, minIntervalOf, panelInterval, parseInterval, parseTimeExpr, resolveSpec } from './time';

const NOW = Date.UTC(2026, 10, 21, 14, 37, 12, 345); // a Saturday

describe('time expressions', () => {
  it('parses now-relative expressions, rounding and epoch ms', () => {
    expect(parseTimeExpr('now', NOW)).toBe(NOW);
    expect(parseTimeExpr('now-6h', NOW)).toBe(NOW - 6 * 3_600_000);
    expect(parseTimeExpr('now-1d-30m', NOW)).toBe(NOW - 86_400_000 - 1_800_000);
    expect(parseTimeExpr('now/d', NOW)).toBe(Date.UTC(2026, 10, 21));
    expect(parseTimeExpr('now/d', NOW, true)).toBe(Date.UTC(2026, 10, 22) - 1);
    expect(parseTimeExpr('now-1d/d', NOW)).toBe(Date.UTC(2026, 10, 20));
    expect(parseTimeExpr('now/w', NOW)).toBe(Date.UTC(2026, 10, 16));
    expect(parseTimeExpr('now/M', NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeExpr('1700000000000', NOW)).toBe(1_700_000_000_000);
    expect(parseTimeExpr('2026-01-02T03:04:05Z', NOW)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });
  it('rejects garbage', () => {
    for (const bad of ['', 'nowx', 'now-', 'now-6x', 'now--1h', 'yesterday', 'now/q', '1e5']) expect(parseTimeExpr(bad, NOW)).toBeUndefined();
  });
  it('resolves a range, falling back to 6 h when broken or inverted', () => {
    expect(resolveSpec({ from: 'now-1h', to: 'now' }, NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: NOW });
    expect(resolveSpec({ from: 'now', to: 'now-1h' }, NOW)).toEqual({ startMs: NOW - 6 * 3_600_000, endMs: NOW });
    expect(resolveSpec({ from: '<script>', to: 'now' }, NOW)).toEqual({ startMs: NOW - 6 * 3_600_000, endMs: NOW });
  });
  it('formats and parses intervals', () => {
    expect(formatInterval(15_000)).toBe('15s');
    expect(formatInterval(60_000)).toBe('1m');
    expect(formatInterval(90_000)).toBe('90s');
    expect(formatInterval(3_600_000)).toBe('1h');
    expect(formatInterval(500)).toBe('500ms');
    expect(parseInterval('1m')).toBe(60_000);
    expect(parseInterval('250ms')).toBe(250);
    expect(parseInterval('1.5h')).toBe(5_400_000);
    expect(parseInterval('-1m')).toBeUndefined();
    expect(parseInterval('$__interval')).toBeUndefined();
    expect(minIntervalOf('>=30s', 15_000)).toBe(30_000);
    expect(minIntervalOf('', 15_000)).toBe(15_000);
    expect(minIntervalOf(42, 15_000)).toBe(15_000);
  });
  it('computes a panel interval from maxDataPoints and the minimum', () => {
    expect(panelInterval(0, 3_600_000, 600, 15_000)).toBe(15_000);
    expect(panelInterval(0, 24 * 3_600_000, 100, 15_000)).toBe(900_000);
    expect(panelInterval(0, 3_600_000, 10_000, 1000)).toBe(1000);
    expect(panelInterval(0, 3_600_000, 0, 15_000)).toBe(3_600_000);
  });
});

describe('range specs', () => {
  it('maps Grafana ranges to the picker and back', async () => {
    const { specToTimeRange, timeRangeToSpec, specFromSearch } = await import('./time');
    expect(specToTimeRange({ from: 'now-6h', to: 'now' }, NOW)).toEqual({ kind: 'relative', durationMs: 6 * 3_600_000 });
    expect(specToTimeRange({ from: 'now-2d', to: 'now-1d' }, NOW)).toEqual({ kind: 'absolute', fromMs: NOW - 2 * 86_400_000, toMs: NOW - 86_400_000 });
    expect(timeRangeToSpec({ kind: 'relative', durationMs: 86_400_000 })).toEqual({ from: 'now-1d', to: 'now' });
    expect(timeRangeToSpec({ kind: 'absolute', fromMs: 1, toMs: 2 })).toEqual({ from: '1', to: '2' });
    expect(specFromSearch('?from=now-1h&to=now', { from: 'now-6h', to: 'now' })).toEqual({ from: 'now-1h', to: 'now' });
    expect(specFromSearch('?from=now-1h', { from: 'now-6h', to: 'now' })).toEqual({ from: 'now-6h', to: 'now' });
  });
});
