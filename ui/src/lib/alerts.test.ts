import { describe, expect, it } from 'vitest';
import { groupAlerts, joinAlerts, parseAmAlerts, parseAttempts, parseRuleAlerts, sinceSeconds, tabFromParams } from './alerts';
import { buildTimelines, parseHistory, spanBox } from './alerts-history';

const rule = parseRuleAlerts({
  alerts: [
    { labels: { alertname: 'Load', instance: 'a', severity: 'warning' }, annotations: { summary: 's' }, state: 'pending', activeAt: '2026-01-01T00:00:05Z', value: '1e+00' },
    { labels: { alertname: 'Down', instance: 'b', severity: 'critical' }, annotations: {}, state: 'firing', activeAt: '2026-01-01T00:00:00Z', value: '0e+00' },
    { labels: { alertname: 'Load', instance: 'c', severity: 'warning' }, annotations: {}, state: 'firing', activeAt: '0001-01-01T00:00:00Z' },
    'junk',
  ],
});

describe('alerts', () => {
  it('parses the rule alerts, skipping junk', () => {
    expect(rule).toHaveLength(3);
    expect(rule[2]?.activeAt).toBeNull();
    expect(parseRuleAlerts(null)).toEqual([]);
  });
  it('joins Alertmanager status by labels (exact, else a superset with external labels)', () => {
    const am = parseAmAlerts([
      { fingerprint: 'f1', labels: { alertname: 'Down', instance: 'b', severity: 'critical' }, status: { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] }, receivers: [{ name: 'hook' }] },
      { fingerprint: 'f2', labels: { alertname: 'Load', instance: 'c', severity: 'warning', cluster: 'eu' }, status: { state: 'active', silencedBy: [], inhibitedBy: ['x'] }, receivers: [] },
      { nonsense: true },
    ]);
    const j = joinAlerts(rule, am);
    expect(j[0]).toMatchObject({ fingerprint: undefined, silencedBy: [], receivers: [] });
    expect(j[1]).toMatchObject({ fingerprint: 'f1', silencedBy: ['s1'], receivers: ['hook'] });
    expect(j[2]).toMatchObject({ fingerprint: 'f2', inhibitedBy: ['x'] });
  });
  it('groups by alertname, firing and critical first', () => {
    const g = groupAlerts(joinAlerts(rule, []));
    expect(g.map((x) => [x.alertname, x.firing, x.pending, x.severity])).toEqual([
      ['Down', 1, 0, 'critical'],
      ['Load', 1, 1, 'warning'],
    ]);
    expect(g[1]?.alerts.map((a) => a.labels['instance'])).toEqual(['c', 'a']);
  });
  it('reads the tab from the URL and durations since a time', () => {
    expect(tabFromParams(new URLSearchParams('tab=silences'))).toBe('silences');
    expect(tabFromParams(new URLSearchParams('tab=<script>'))).toBe('alerts');
    expect(sinceSeconds('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:01:00Z'))).toBe(60);
    expect(sinceSeconds(null, 0)).toBeUndefined();
    expect(sinceSeconds('nope', 0)).toBeUndefined();
  });
  it('keeps well-formed notification attempts', () => {
    expect(parseAttempts([{ time: 't', receiver: 'r', integration: 'webhook[0]', status: 'ok' }, { time: 1 }, null])).toHaveLength(1);
  });
});

describe('alert history timelines', () => {
  const S = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(S + s * 1000).toISOString();
  const e = (s: number, state: string, from: string, instance = 'a') => ({ time: at(s), alertname: 'Down', state, from, labels: { alertname: 'Down', instance } });
  it('turns transitions into pending and firing spans, clipped to the range', () => {
    const entries = parseHistory([e(60, 'resolved', 'firing'), e(20, 'firing', 'pending'), e(10, 'pending', 'inactive'), e(30, 'firing', 'pending', 'b'), { time: 'bad', alertname: 'x', state: 'firing', labels: {} }]);
    expect(entries).toHaveLength(4);
    const tl = buildTimelines(entries, S, S + 100_000);
    expect(tl).toHaveLength(2);
    expect(tl[0]?.spans).toEqual([
      { state: 'pending', startMs: S + 10_000, endMs: S + 20_000, open: false },
      { state: 'firing', startMs: S + 20_000, endMs: S + 60_000, open: false },
    ]);
    // b was pending before the range's first transition, and is still firing at its end.
    expect(tl[1]?.spans).toEqual([
      { state: 'pending', startMs: S, endMs: S + 30_000, open: false },
      { state: 'firing', startMs: S + 30_000, endMs: S + 100_000, open: true },
    ]);
  });
  it('places spans in percent of the range', () => {
    expect(spanBox({ state: 'firing', startMs: 25, endMs: 75, open: false }, 0, 100)).toEqual({ left: 25, width: 50 });
    expect(spanBox({ state: 'firing', startMs: 99.99, endMs: 100, open: false }, 0, 100).width).toBeGreaterThan(0);
    expect(parseHistory('x')).toEqual([]);
  });
});
