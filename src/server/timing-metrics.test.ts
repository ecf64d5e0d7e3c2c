import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { type RuleGroupStat, ruleTimingMetrics, scrapeTimingMetrics } from './timing-metrics.js';

const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
};

describe('timing metrics', () => {
  it('scrape durations go into a histogram per job, scrapes counted by result', async () => {
    const registry = new Registry();
    const hook = scrapeTimingMetrics(registry);
    hook({ job: 'api', durationSeconds: 0.003, up: true });
    hook({ job: 'api', durationSeconds: 0.2, up: true });
    hook({ job: 'api', durationSeconds: 12, up: false });
    hook({ job: 'db', durationSeconds: 0.04, up: true });
    const text = await registry.metrics();
    assert.equal(value(text, 'vigie_scrape_duration_seconds_count{job="api"}'), 3);
    assert.ok(Math.abs(value(text, 'vigie_scrape_duration_seconds_sum{job="api"}') - 12.203) < 1e-9);
    assert.equal(value(text, 'vigie_scrape_duration_seconds_bucket{le="0.005",job="api"}'), 1);
    assert.equal(value(text, 'vigie_scrape_duration_seconds_bucket{le="0.25",job="api"}'), 2);
    assert.equal(value(text, 'vigie_scrape_duration_seconds_bucket{le="10",job="api"}'), 2);
    assert.equal(value(text, 'vigie_scrape_duration_seconds_bucket{le="+Inf",job="api"}'), 3);
    assert.equal(value(text, 'vigie_scrape_duration_seconds_count{job="db"}'), 1);
    assert.equal(value(text, 'vigie_scrapes_total{job="api",result="success"}'), 2);
    assert.equal(value(text, 'vigie_scrapes_total{job="api",result="failure"}'), 1);
  });

  it('rule groups: hook-fed histogram and counters, gauges read from the groups at collection', async () => {
    const registry = new Registry();
    const group = (key: string, over: Partial<RuleGroupStat> = {}): RuleGroupStat => ({
      key, intervalMs: 30_000, lastEvaluation: 1_700_000_000_000, evaluationMs: 12, rules: [1, 2, 3], missedIterations: 0, ...over,
    });
    let groups: RuleGroupStat[] = [group('a.yml;cpu', { missedIterations: 2 }), group('b.yml;new', { lastEvaluation: 0, evaluationMs: 0 })];
    const hook = ruleTimingMetrics(registry, () => groups);
    hook({ group: 'a.yml;cpu', durationSeconds: 0.012, rules: 3, failures: 0 });
    hook({ group: 'a.yml;cpu', durationSeconds: 0.5, rules: 3, failures: 1 });
    let text = await registry.metrics();
    const a = '{rule_group="a.yml;cpu"}';
    const b = '{rule_group="b.yml;new"}';
    assert.equal(value(text, `vigie_rule_group_iterations_total${a}`), 2);
    assert.equal(value(text, `vigie_rule_evaluations_total${a}`), 6);
    assert.equal(value(text, `vigie_rule_evaluation_failures_total${a}`), 1);
    assert.equal(value(text, `vigie_rule_group_duration_seconds_count${a}`), 2);
    assert.equal(value(text, 'vigie_rule_group_duration_seconds_bucket{le="0.025",rule_group="a.yml;cpu"}'), 1);
    assert.equal(value(text, `vigie_rule_group_last_duration_seconds${a}`), 0.012);
    assert.equal(value(text, `vigie_rule_group_last_evaluation_timestamp_seconds${a}`), 1_700_000_000);
    assert.equal(value(text, `vigie_rule_group_interval_seconds${a}`), 30);
    assert.equal(value(text, `vigie_rule_group_rules${a}`), 3);
    assert.equal(value(text, `vigie_rule_group_iterations_missed_total${a}`), 2);
    // Never evaluated: no last duration, a zero timestamp.
    assert.ok(Number.isNaN(value(text, `vigie_rule_group_last_duration_seconds${b}`)));
    assert.equal(value(text, `vigie_rule_group_last_evaluation_timestamp_seconds${b}`), 0);
    // A reload removed group b: its gauges go, a's counters stay.
    groups = [group('a.yml;cpu')];
    text = await registry.metrics();
    assert.ok(Number.isNaN(value(text, `vigie_rule_group_rules${b}`)));
    assert.equal(value(text, `vigie_rule_group_iterations_total${a}`), 2);
  });
});
