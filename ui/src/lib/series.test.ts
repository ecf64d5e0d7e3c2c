import { describe, expect, it } from 'vitest';
import { alignSeries, formatSeconds, formatValue, sampleValue, stackBands, stackColumns } from './series';
import { formatLabels } from './prom';

describe('alignSeries', () => {
  it('aligns on the union of timestamps with gaps as null', () => {
    const d = alignSeries([
      { metric: { a: '1' }, values: [[10, '1'], [20, '2']] },
      { metric: { a: '2' }, values: [[20, '5'], [30, 'NaN'], [40, '+Inf']] },
    ]);
    expect(d).toEqual([[10, 20, 30, 40], [1, 2, null, null], [null, 5, null, null]]);
  });
  it('handles no series and non-numeric junk', () => {
    expect(alignSeries([])).toEqual([[]]);
    expect(sampleValue('abc')).toBeNull();
    expect(sampleValue('-Inf')).toBeNull();
    expect(sampleValue('1e3')).toBe(1000);
  });
});

describe('stacking', () => {
  it('adds each series onto the ones before, keeping gaps', () => {
    expect(stackColumns([[1, 2, 3], [1, null, 2], [10, 10, null], [100, 100, 100]])).toEqual([[1, 2, 3], [1, null, 2], [11, 10, null], [111, 110, 102]]);
  });
  it('does not change its input', () => {
    const d: [number[], ...(number | null)[][]] = [[1], [1], [2]];
    stackColumns(d);
    expect(d).toEqual([[1], [1], [2]]);
  });
  it('fills between neighbours', () => {
    expect(stackBands(3)).toEqual([{ series: [3, 2] }, { series: [2, 1] }]);
    expect(stackBands(1)).toEqual([]);
  });
});

describe('formatting', () => {
  it('formats units', () => {
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(3 * 1024 ** 3, 'bytesPerSec')).toBe('3 GiB/s');
    expect(formatValue(12.3456, 'percent')).toBe('12.3%');
    expect(formatValue(2500, 'none')).toBe('2.5k');
    expect(formatValue(null, 'none')).toBe('—');
    expect(formatValue(Number.NaN, 'bytes')).toBe('—');
    expect(formatSeconds(93784)).toBe('1d 2h');
    expect(formatSeconds(125)).toBe('2m 5s');
    expect(formatSeconds(0.25)).toBe('250ms');
  });
  it('prints series like Prometheus', () => {
    expect(formatLabels({ __name__: 'up', job: 'node', instance: 'a:1' })).toBe('up{instance="a:1", job="node"}');
    expect(formatLabels({ mode: 'say "hi"' })).toBe('{mode="say \\"hi\\""}');
    expect(formatLabels({})).toBe('{}');
  });
});
