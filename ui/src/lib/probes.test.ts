import { describe, expect, it } from 'vitest';
import { certDaysLeft, certHealth, filterProbes, formatCertDays, incidentsPath, latencyQueries, parseIncidents, parseProbeList, phaseRank, probesStateFromParams, probesStateToParams } from './probes';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const entry = (o: Record<string, unknown>) => ({ job: 'web', instance: 'https://a', module: 'http_2xx', status: 'up', uptime: { '24h': 1, '7d': 0.99, '30d': null }, ...o });

describe('probe list', () => {
  it('parses the API answer and tolerates missing or hostile fields', () => {
    const list = parseProbeList([
      entry({ lastProbe: { time: '2026-01-09T23:59:00Z', durationSeconds: 0.12, success: true, failureReason: null, httpStatusCode: 200, certExpiry: '2026-01-15T00:00:00Z', phases: { connect: 0.01, tls: 'x', transfer: Infinity } } }),
      entry({ instance: 'b', status: 'down', reason: 'connection refused', lastProbe: 'nope', uptime: 'bad' }),
      { job: 'web', status: 'up' },
      null,
      'text',
    ]);
    expect(list).toHaveLength(2);
    expect(list[0]?.lastProbe?.phases).toEqual({ connect: 0.01 });
    expect(list[0]?.uptime).toEqual({ '24h': 1, '7d': 0.99, '30d': null });
    expect(list[1]).toMatchObject({ reason: 'connection refused', lastProbe: null, uptime: { '24h': null, '7d': null, '30d': null } });
    expect(parseProbeList({ data: [] })).toEqual([]);
  });
  it('filters by job and status, worst first', () => {
    const list = parseProbeList([entry({ instance: 'u' }), entry({ instance: 'd', status: 'down' }), entry({ job: 'dns', instance: 's', status: 'slow' })]);
    expect(filterProbes(list, { job: '', status: '' }).map((p) => p.instance)).toEqual(['d', 's', 'u']);
    expect(filterProbes(list, { job: 'web', status: '' }).map((p) => p.instance)).toEqual(['d', 'u']);
    expect(filterProbes(list, { job: '', status: 'slow' }).map((p) => p.instance)).toEqual(['s']);
  });
  it('keeps incidents with a start and a duration only', () => {
    expect(parseIncidents([{ id: 1, instance: 'a', start: '2026-01-01T00:00:00Z', durationSeconds: 3, end: null, open: true }, { instance: 'b' }, 7])).toHaveLength(1);
    expect(parseIncidents(undefined)).toEqual([]);
  });
});

describe('certificates', () => {
  it('counts days left and grades them orange under 14 days, red under 7 or expired', () => {
    expect(certDaysLeft('2026-01-25T00:00:00Z', NOW)).toBe(15);
    expect(certDaysLeft(null, NOW)).toBeUndefined();
    expect(certDaysLeft('garbage', NOW)).toBeUndefined();
    expect([30, 14, 13.9, 7, 6.9, 0, -2].map(certHealth)).toEqual(['ok', 'ok', 'warn', 'warn', 'crit', 'crit', 'crit']);
    expect(formatCertDays(13.9)).toBe('13 d');
    expect(formatCertDays(-2.5)).toBe('expired 3 d ago');
  });
});

describe('URL state and queries', () => {
  it('reads and writes the filters and the open target', () => {
    const s = probesStateFromParams(new URLSearchParams('job=web&status=down&probe=web&target=http%3A%2F%2Fx%2Fa%3Fb%3D1&range=6h'));
    expect(s).toEqual({ job: 'web', status: 'down', detail: { job: 'web', instance: 'http://x/a?b=1' } });
    expect(probesStateFromParams(new URLSearchParams('status=bogus&target=x')).status).toBe('');
    expect(probesStateFromParams(new URLSearchParams('target=x')).detail).toBeUndefined();
    const p = new URLSearchParams('range=6h&status=up');
    probesStateToParams({ job: '', status: '', detail: { job: 'j', instance: 'i' } }, p);
    expect(p.toString()).toBe('range=6h&probe=j&target=i');
  });
  it('quotes label values in the latency queries', () => {
    const q = latencyQueries('web', 'https://x/"q"');
    expect(q.phases).toBe('sum by (phase) (probe_http_duration_seconds{job="web",instance="https://x/\\"q\\""})');
    expect(q.total).toBe('probe_duration_seconds{job="web",instance="https://x/\\"q\\""}');
    expect(['transfer', 'odd', 'resolve'].sort((a, b) => phaseRank(a) - phaseRank(b))).toEqual(['resolve', 'transfer', 'odd']);
  });
  it('asks the incidents of one target over the range', () => {
    expect(incidentsPath('web', 'http://a', 1_000_500, 2_000_000)).toBe('/api/v1/probes/incidents?job=web&instance=http%3A%2F%2Fa&since=1000&until=2000&limit=200');
  });
});
