import { describe, expect, it } from 'vitest';
import { cssColor, thresholdColor, thresholdLines } from './thresholds';

describe('thresholds', () => {
  const abs = { mode: 'absolute' as const, steps: [{ color: 'green', value: null }, { color: 'red', value: 80 }, { color: 'orange', value: 50 }] };
  it('colours by the last step reached (steps sorted)', () => {
    expect(thresholdColor(10, abs)).toBe('#73BF69');
    expect(thresholdColor(50, abs)).toBe('#FF9830');
    expect(thresholdColor(95, abs)).toBe('#F2495C');
    expect(thresholdColor(null, abs)).toBe('#73BF69');
  });
  it('handles percentage mode over min/max', () => {
    const pct = { mode: 'percentage' as const, steps: [{ color: 'green', value: null }, { color: 'dark-yellow', value: 70 }, { color: 'dark-red', value: 90 }] };
    expect(thresholdColor(0.75, pct, 0, 1)).toBe('#E0B400');
    expect(thresholdColor(0.95, pct, 0, 1)).toBe('#C4162A');
    expect(thresholdLines(pct, 0, 1)).toEqual([{ value: 0.7, color: '#E0B400' }, { value: 0.9, color: '#C4162A' }]);
  });
  it('accepts named, hex and rgba colours and nothing else', () => {
    expect(cssColor('semi-dark-blue')).toBe('#3274D9');
    expect(cssColor('light-purple')).toBe('#CA95E5');
    expect(cssColor('#abc')).toBe('#abc');
    expect(cssColor('rgba(50, 172, 45, 0.97)')).toBe('rgba(50, 172, 45, 0.97)');
    expect(cssColor('red; background: url(x)')).toBe('#73BF69');
    expect(cssColor('url(javascript:1)', '#000')).toBe('#000');
    expect(cssColor(42)).toBe('#73BF69');
  });
  it('survives odd steps', () => {
    expect(thresholdColor(5, undefined)).toBe('#73BF69');
    expect(thresholdColor(5, { steps: [] })).toBe('#73BF69');
    expect(thresholdColor(5, { steps: [{ color: 'blue', value: Number.NaN }] })).toBe('#5794F2');
  });
});
