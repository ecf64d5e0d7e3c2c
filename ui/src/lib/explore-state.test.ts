import { describe, expect, it } from 'vitest';
import { MAX_EXPR_LENGTH, exploreFromSearch, exploreToSearch } from './explore-state';

describe('Explore URL state', () => {
  it('round-trips a full state', () => {
    const s = { expr: 'sum by (mode) (rate(node_cpu_seconds_total{job="node"}[5m])) > 0.5 & x', range: { kind: 'relative' as const, durationMs: 86_400_000 }, view: 'table' as const, stacked: true, stepMs: 60_000 };
    const search = exploreToSearch(s);
    expect(search.startsWith('?q=')).toBe(true);
    expect(exploreFromSearch(search)).toEqual(s);
  });
  it('leaves defaults out of the link', () => {
    expect(exploreToSearch({ expr: 'up', range: { kind: 'relative', durationMs: 3_600_000 }, view: 'graph', stacked: false })).toBe('?q=up&range=1h');
    expect(exploreToSearch({ expr: 'up', range: { kind: 'relative', durationMs: 3_600_000 }, view: 'graph', stacked: false, stepMs: 300_000 })).toBe('?q=up&range=1h&step=5m');
  });
  it('survives hostile parameters', () => {
    const s = exploreFromSearch(`?q=${'a'.repeat(MAX_EXPR_LENGTH + 50)}&view=<script>&stacked=yes&range=-5h&from=1&to=x`);
    expect(s.expr.length).toBe(MAX_EXPR_LENGTH);
    expect(s.view).toBe('graph');
    expect(s.stacked).toBe(false);
    expect(s.range).toEqual({ kind: 'relative', durationMs: 3_600_000 });
    expect(exploreFromSearch('?q=up&step=0s').stepMs).toBeUndefined();
    expect(exploreFromSearch('?q=up&step=500ms').stepMs).toBeUndefined();
    expect(exploreFromSearch('?q=up&step=abc').stepMs).toBeUndefined();
    expect(typeof exploreFromSearch('?q=%E0%A4%A&range=%%').expr).toBe('string');
  });
});
