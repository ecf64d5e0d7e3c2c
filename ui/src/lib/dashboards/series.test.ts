import { describe, expect, it } from 'vitest';
import { legendOf, percentColumns, reduce, styleFor } from './series';

describe('panel series', () => {
  it('formats legends', () => {
    const m = { __name__: 'node_cpu', cpu: '0', mode: 'idle' };
    expect(legendOf('{{cpu}} {{ mode }}', m)).toBe('0 idle');
    expect(legendOf('{{missing}}x', m)).toBe('x');
    expect(legendOf('', m)).toBe('node_cpu{cpu="0", mode="idle"}');
    expect(legendOf('__auto', m)).toBe('node_cpu{cpu="0", mode="idle"}');
    expect(legendOf('{{{cpu}}}', m)).toBe('{0}');
  });
  it('reduces with Grafana calcs', () => {
    const v = [1, null, 5, 3, null];
    expect(reduce(v, 'lastNotNull')).toBe(3);
    expect(reduce(v, 'last')).toBeNull();
    expect(reduce(v, 'mean')).toBe(3);
    expect(reduce(v, 'max')).toBe(5);
    expect(reduce(v, 'min')).toBe(1);
    expect(reduce(v, 'sum')).toBe(9);
    expect(reduce(v, 'firstNotNull')).toBe(1);
    expect(reduce(v, 'count')).toBe(3);
    expect(reduce([], 'max')).toBeNull();
    expect(reduce(v, 'bogus')).toBe(3);
  });
  it('normalises to percent', () => {
    expect(percentColumns([[1, 2], [1, 0], [3, 0], [null, 0]])).toEqual([[1, 2], [25, 0], [75, 0], [null, 0]]);
  });
  it('applies overrides by name and regex, ignoring broken ones', () => {
    const o = [
      { matcher: { id: 'byName', options: 'rx' }, properties: [{ id: 'color', value: { fixedColor: 'green', mode: 'fixed' } }] },
      { matcher: { id: 'byRegexp', options: '/.*tx.*/' }, properties: [{ id: 'custom.transform', value: 'negative-Y' }, { id: 'unit', value: 'bytes' }] },
      { matcher: { id: 'byRegexp', options: '(' }, properties: [{ id: 'unit', value: 'x' }] },
    ];
    expect(styleFor('rx', o)).toEqual({ color: 'green' });
    expect(styleFor('eth0 tx', o)).toEqual({ negate: true, unit: 'bytes' });
    expect(styleFor('x', undefined)).toEqual({});
  });
});
