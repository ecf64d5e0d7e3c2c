import { describe, expect, it } from 'vitest';
import { formatUnit } from './units';

describe('formatUnit', () => {
  it('formats the common Grafana units', () => {
    const cases: [number, string, string][] = [
      [1234, 'none', '1234'],
      [1234, 'short', '1.23 K'],
      [2_500_000, 'short', '2.5 Mil'],
      [42.123, 'percent', '42.1%'],
      [0.5, 'percentunit', '50%'],
      [1536, 'bytes', '1.5 KiB'],
      [3 * 1024 ** 3, 'bytes', '3 GiB'],
      [1500, 'decbytes', '1.5 kB'],
      [2048, 'bits', '2 Kib'],
      [1_000_000, 'bps', '1 Mb/s'],
      [2_000, 'Bps', '2 kB/s'],
      [1024 * 1024, 'binBps', '1 MiB/s'],
      [90, 's', '1.5 min'],
      [0.25, 's', '250 ms'],
      [250, 'ms', '250 ms'],
      [1500, 'µs', '1.5 ms'],
      [2_000_000, 'ns', '2 ms'],
      [93_784, 'dtdurations', '1 day, 2 hours'],
      [61, 'dtdurations', '1 minute, 1 second'],
      [2_400_000_000, 'hertz', '2.4 GHz'],
      [12, 'iops', '12 io/s'],
      [3, 'ops', '3 ops/s'],
      [7, 'reqps', '7 req/s'],
      [21.5, 'celsius', '21.5°C'],
      [5, 'suffix: apples', '5 apples'],
      [5, 'prefix:$', '$5'],
      [5, 'widgets', '5 widgets'],
      [-1536, 'bytes', '-1.5 KiB'],
      [0.000123, 'none', '0.000123'],
    ];
    for (const [v, u, want] of cases) expect(formatUnit(v, u), `${v} ${u}`).toBe(want);
  });
  it('honours decimals and shows a dash for missing values', () => {
    expect(formatUnit(42.123, 'percent', 0)).toBe('42%');
    expect(formatUnit(1, 'none', 3)).toBe('1.000');
    expect(formatUnit(null, 'bytes')).toBe('—');
    expect(formatUnit(NaN, 'bytes')).toBe('—');
    expect(formatUnit(Infinity, 'percent')).toBe('—');
    expect(formatUnit(1, undefined)).toBe('1');
  });
});
