import { describe, expect, it } from 'vitest';
import { availabilityQueries, firingCount, formatUptime, hostAvailability, hostTiles, parseProbes } from './overview';
import { hostHealth, probeHealth } from './status';

const v = (instance: string, value: string, t = 1000) => ({ metric: { instance, job: 'node' }, value: [t, value] as [number, string] });

describe('host tiles', () => {
  it('joins the queries by instance and grades each host', () => {
    const tiles = hostTiles({
      lastSeen: [v('b', '990'), v('a', '999'), v('c', '100', 3000)],
      cpu: [v('a', '12'), v('b', '85')],
      mem: [v('a', '40')],
      disk: [v('a', '95')],
      uptime: [v('a', '3600')],
    });
    expect(tiles.map((t) => t.instance)).toEqual(['a', 'b', 'c']);
    expect(tiles[0]?.verdict).toEqual({ health: 'crit', reasons: ['disk 95% full'] });
    expect(tiles[0]?.uptimeSeconds).toBe(3600);
    expect(tiles[1]?.verdict).toEqual({ health: 'warn', reasons: ['CPU 85%'] });
    expect(tiles[1]?.facts.silentSeconds).toBe(10);
    expect(tiles[2]?.verdict.health).toBe('crit');
    expect(tiles[2]?.verdict.reasons[0]).toMatch(/silent for 48 min/);
  });
  it('turns a host red for a critical alert firing on it and orange for a warning one', () => {
    const alert = (instance: string, alertname: string, severity: string, state = 'firing') => ({ labels: { instance, alertname, severity }, state });
    const tiles = hostTiles({ lastSeen: [v('a', '1000'), v('b', '1000'), v('c', '1000')] }, [
      alert('a', 'HostDown', 'critical'),
      alert('b', 'DiskFilling', 'warning'),
      alert('c', 'CpuHigh', 'critical', 'pending'),
      { labels: { alertname: 'NoInstance', severity: 'critical' }, state: 'firing' },
    ]);
    expect(tiles.map((t) => t.verdict)).toEqual([
      { health: 'crit', reasons: ['alert HostDown firing (critical)'] },
      { health: 'warn', reasons: ['alert DiskFilling firing (warning)'] },
      { health: 'ok', reasons: [] },
    ]);
  });
  it('ignores samples without instance and non-numbers', () => {
    const tiles = hostTiles({ cpu: [{ metric: {}, value: [1, '5'] }, v('a', 'NaN')], lastSeen: [v('a', '1000')] });
    expect(tiles).toHaveLength(1);
    expect(tiles[0]?.facts.cpuPercent).toBeUndefined();
    expect(tiles[0]?.verdict.health).toBe('ok');
  });
});

describe('health', () => {
  it('follows the users thresholds', () => {
    expect(hostHealth({ silentSeconds: 5, cpuPercent: 50, memPercent: 50, diskPercent: 50 }).health).toBe('ok');
    expect(hostHealth({ silentSeconds: 5, cpuPercent: 91 }).health).toBe('crit');
    expect(hostHealth({ silentSeconds: 5, memPercent: 99 }).health).toBe('crit');
    expect(hostHealth({ silentSeconds: 300 }).health).toBe('warn');
    expect(hostHealth({ up: 0, silentSeconds: 5 })).toEqual({ health: 'crit', reasons: ['scrape failing (up = 0)'] });
    expect(hostHealth({}).health).toBe('unknown');
  });
  it('maps probe states', () => {
    expect(['up', 'slow', 'down', 'weird'].map(probeHealth)).toEqual(['ok', 'warn', 'crit', 'unknown']);
  });
});

describe('probes and alerts', () => {
  it('keeps well-formed probe entries only', () => {
    expect(parseProbes({ nope: 1 })).toEqual([]);
    expect(parseProbes([null, 3, { job: 'http', instance: 'https://x', status: 'up' }, { job: 'http', status: 'down' }])).toEqual([{ job: 'http', instance: 'https://x', status: 'up' }]);
  });
  it('formats uptime given as a ratio or a percentage', () => {
    expect(formatUptime(0.99912)).toBe('99.91%');
    expect(formatUptime(99.5)).toBe('99.50%');
    expect(formatUptime(1)).toBe('100%');
    expect(formatUptime(undefined)).toBe('—');
  });
  it('counts firing, critical and pending alerts', () => {
    expect(firingCount([
      { labels: { severity: 'critical' }, state: 'firing' },
      { labels: {}, state: 'firing' },
      { labels: {}, state: 'pending' },
      { labels: {}, state: 'inactive' },
    ])).toEqual({ firing: 2, critical: 1, pending: 1 });
  });
});

describe('host availability', () => {
  const t = 1_800_000_000; // Unix seconds, a multiple of 300
  const s = (instance: string, value: number) => ({ metric: { instance }, value: [t, String(value)] as [number, string] });
  it('prefers up, else counts 1-minute slots with data since the first sample', () => {
    const r = hostAvailability(
      {
        '24h': {
          up: [s('scraped', 0.999)],
          slots: [s('scraped', 1440), s('builtin', 1440), s('new', 56), s('gappy', 28)],
          first: [s('builtin', t - 86_400), s('new', t - 3300 - 17), s('gappy', t - 3300)], // 'new': 56 slots since, 'gappy': 56 too
        },
        '7d': { up: [], slots: [s('builtin', 10080)], first: [] },
      },
      t * 1000,
    );
    expect(r.get('scraped')).toEqual({ '24h': 0.999 });
    expect(r.get('builtin')).toEqual({ '24h': 1, '7d': 1 });
    expect(r.get('new')?.['24h']).toBe(1);
    expect(r.get('gappy')?.['24h']).toBe(0.5);
    expect(formatUptime(r.get('gappy')?.['24h'])).toBe('50.00%');
  });
  it('builds one query set per window', () => {
    const q = availabilityQueries('7d');
    expect(q.up).toBe('avg by (instance) (avg_over_time(up{job="node"}[7d]))');
    expect(q.slots).toContain('[7d:1m]');
  });
});
