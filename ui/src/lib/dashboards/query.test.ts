import { describe, expect, it } from 'vitest';
import type { VarValue } from './interpolate';
import type { Panel } from './model';
import { planQueries } from './query';

const scope = new Map<string, VarValue>([['node', { values: ['h:9100'], texts: ['h:9100'], multiOrAll: false }]]);
const H = 3_600_000;

describe('planQueries', () => {
  it('interpolates, picks instant or range and the step', () => {
    const p: Panel = {
      type: 'gauge',
      gridPos: { x: 0, y: 0, w: 3, h: 4 },
      targets: [
        { refId: 'A', expr: 'rate(x{instance="$node"}[$__rate_interval])', instant: true, range: false, legendFormat: '{{mode}} $node' },
        { refId: 'B', expr: 'y', hide: true },
        { refId: 'C', expr: '  ' },
        { expr: 'avg_over_time(z[$__interval])' },
      ],
    };
    const plan = planQueries(p, 0, H, [scope]);
    expect(plan.intervalMs).toBe(15_000);
    expect(plan.queries).toEqual([
      { refId: 'A', expr: 'rate(x{instance="h:9100"}[1m])', legendFormat: '{{mode}} h:9100', instant: true },
      { refId: 'D', expr: 'avg_over_time(z[15s])', legendFormat: undefined, instant: false },
    ]);
  });
  it('honours maxDataPoints and the interval fields', () => {
    const base: Panel = { type: 'timeseries', gridPos: { x: 0, y: 0, w: 3, h: 4 }, targets: [{ expr: 'up', instant: true }] };
    expect(planQueries({ ...base, maxDataPoints: 60 }, 0, H, []).intervalMs).toBe(60_000);
    expect(planQueries({ ...base, interval: '>=2m' }, 0, H, []).intervalMs).toBe(120_000);
    expect(planQueries({ ...base, targets: [{ expr: 'up', interval: '5m' }] }, 0, H, []).intervalMs).toBe(300_000);
    expect(planQueries(base, 0, H, []).queries[0]?.instant).toBe(false);
    expect(planQueries({ ...base, type: 'table' }, 0, H, []).queries[0]?.instant).toBe(true);
    expect(planQueries({ ...base, targets: undefined as never }, 0, H, []).queries).toEqual([]);
  });
});
