import { type Labels, METRIC_NAME, labelsKey } from '../model/index.js';
import type { RecordingRule } from './types.js';
import { type RuleHealth, type RuleSample, RuleEvalError } from './contracts.js';

/** The state of one recording rule: health and timings (its output lives in storage). */
export class RecordingRuleState {
  health: RuleHealth = 'unknown';
  lastError: string | undefined;
  /** ms; 0 = never evaluated. */
  lastEvaluation = 0;
  evaluationMs = 0;

  constructor(readonly rule: RecordingRule) {}

  get name(): string {
    return this.rule.record;
  }

  /**
   * The series to write for one result: `__name__` = record, then the rule's labels (an empty
   * value removes the label). Throws `RuleEvalError` for duplicate label sets and when more than
   * `limit` (> 0) series come out, with Prometheus' messages.
   */
  output(vector: readonly RuleSample[], limit: number): { labels: Labels; v: number }[] {
    const out: { labels: Labels; v: number }[] = [];
    const seen = new Set<string>();
    for (const s of vector) {
      const m = new Map<string, string>();
      for (const l of s.metric) m.set(l.name, l.value);
      m.set(METRIC_NAME, this.rule.record);
      for (const [k, v] of Object.entries(this.rule.labels)) {
        if (v === '') m.delete(k);
        else m.set(k, v);
      }
      const labels = [...m].filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value }));
      const key = labelsKey(labels);
      if (seen.has(key)) throw new RuleEvalError('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ labels, v: s.v });
    }
    if (limit > 0 && out.length > limit) throw new RuleEvalError(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }

  copyStateFrom(old: RecordingRuleState): void {
    this.health = old.health;
    this.lastError = old.lastError;
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationMs = old.evaluationMs;
  }
}
