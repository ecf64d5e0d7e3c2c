import { Counter, Histogram, type Registry } from 'prom-client';
import { derived } from './self-metrics.js';

// How long scrapes and rule evaluations take, as histograms fed by hooks (the scrape loops
// and rule groups call them), plus per-group gauges read from the rule manager at /metrics
// time. Shapes are structural so that src/server knows no scrape or rules code.

/** Seconds; from a fast loopback scrape or one-rule group to a scrape_timeout-sized one. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the scrape manager's `onScrape` hook hears (only the fields used here). */
export interface ScrapeTiming {
  readonly job: string;
  readonly durationSeconds: number;
  readonly up: boolean;
}

/**
 * `vigie_scrape_duration_seconds{job}` (histogram over every scrape of the job's targets) and
 * `vigie_scrapes_total{job,result="success"|"failure"}`; returns the hook to pass as `onScrape`.
 */
export function scrapeTimingMetrics(registry: Registry): (e: ScrapeTiming) => void {
  const duration = new Histogram({ name: 'vigie_scrape_duration_seconds', help: 'Duration of scrapes, by job.', labelNames: ['job'], buckets: DURATION_BUCKETS, registers: [registry] });
  const scrapes = new Counter({ name: 'vigie_scrapes_total', help: 'Scrapes done, by job and result.', labelNames: ['job', 'result'], registers: [registry] });
  return (e) => {
    duration.observe({ job: e.job }, e.durationSeconds);
    scrapes.inc({ job: e.job, result: e.up ? 'success' : 'failure' });
  };
}

/** What the rule manager's `onEvaluated` hook hears. */
export interface RuleGroupTiming {
  /** `file;name`. */
  readonly group: string;
  readonly durationSeconds: number;
  readonly rules: number;
  readonly failures: number;
}

/** A running rule group as the manager describes it (only the fields used here). */
export interface RuleGroupStat {
  readonly key: string;
  readonly intervalMs: number;
  /** ms; 0 = never evaluated. */
  readonly lastEvaluation: number;
  readonly evaluationMs: number;
  readonly rules: readonly unknown[];
  readonly missedIterations: number;
}

/**
 * Rule metrics named as Prometheus' `prometheus_rule_*`, label `rule_group="file;name"`:
 * hook-fed `vigie_rule_group_duration_seconds` (histogram), `vigie_rule_evaluations_total`,
 * `vigie_rule_evaluation_failures_total`, `vigie_rule_group_iterations_total`; read from
 * `groups()` at collection time: `vigie_rule_group_last_duration_seconds`,
 * `vigie_rule_group_last_evaluation_timestamp_seconds`, `vigie_rule_group_interval_seconds`,
 * `vigie_rule_group_rules`, `vigie_rule_group_iterations_missed_total`. Groups removed by a
 * reload leave the gauges at once; their counters and histogram stay, as counters must.
 * Returns the hook to pass as `onEvaluated`.
 */
export function ruleTimingMetrics(registry: Registry, groups: () => readonly RuleGroupStat[]): (e: RuleGroupTiming) => void {
  const labelNames = ['rule_group'] as const;
  const duration = new Histogram({ name: 'vigie_rule_group_duration_seconds', help: 'Duration of rule group evaluations.', labelNames, buckets: DURATION_BUCKETS, registers: [registry] });
  const evaluations = new Counter({ name: 'vigie_rule_evaluations_total', help: 'Rule evaluations.', labelNames, registers: [registry] });
  const failures = new Counter({ name: 'vigie_rule_evaluation_failures_total', help: 'Rule evaluations that failed.', labelNames, registers: [registry] });
  const iterations = new Counter({ name: 'vigie_rule_group_iterations_total', help: 'Completed evaluations of each rule group.', labelNames, registers: [registry] });
  const perGroup = (kind: 'gauge' | 'counter', name: string, help: string, read: (g: RuleGroupStat) => number | undefined): void =>
    derived(registry, kind, name, help, labelNames, groups, (g, set) => {
      const v = read(g);
      if (v !== undefined) set({ rule_group: g.key }, v);
    });
  const evaluated = (g: RuleGroupStat): boolean => g.lastEvaluation > 0;
  perGroup('gauge', 'vigie_rule_group_last_duration_seconds', 'Duration of the last evaluation of each rule group.', (g) => (evaluated(g) ? g.evaluationMs / 1000 : undefined));
  perGroup('gauge', 'vigie_rule_group_last_evaluation_timestamp_seconds', 'When each rule group was last evaluated (0: never).', (g) => g.lastEvaluation / 1000);
  perGroup('gauge', 'vigie_rule_group_interval_seconds', 'Evaluation interval of each rule group.', (g) => g.intervalMs / 1000);
  perGroup('gauge', 'vigie_rule_group_rules', 'Rules in each rule group.', (g) => g.rules.length);
  perGroup('counter', 'vigie_rule_group_iterations_missed_total', 'Evaluation slots skipped because an evaluation ran past them.', (g) => g.missedIterations);
  return (e) => {
    const l = { rule_group: e.group };
    duration.observe(l, e.durationSeconds);
    iterations.inc(l);
    evaluations.inc(l, e.rules);
    if (e.failures > 0) failures.inc(l, e.failures);
  };
}
