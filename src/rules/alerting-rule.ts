import { type Labels, METRIC_NAME, labelsFromRecord, labelsKey } from '../model/index.js';
import type { AlertingRule } from './types.js';
import { type AlertState, type AlertTransition, type RuleAlert, type RuleHealth, type RuleSample, RuleEvalError } from './contracts.js';

/** How long a resolved alert is kept (and re-sent as resolved), as Prometheus: 15 min. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** One alert instance of an alerting rule (one output label set). Times in ms; 0 = never. */
export interface ActiveAlert {
  /** Labels as sent: series labels minus `__name__`, plus the rule's (expanded) labels and `alertname`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly key: string;
  annotations: Readonly<Record<string, string>>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** Expands one label or annotation template for one sample (errors become `<error expanding template: …>`). */
export type ExpandFunc = (text: string, labels: Readonly<Record<string, string>>, value: number) => Promise<string>;

/** What one evaluation of an alerting rule produced. */
export interface AlertingEvalOutput {
  /** `ALERTS` and `ALERTS_FOR_STATE` samples (value) to write at the query time. */
  readonly series: { readonly labels: Labels; readonly v: number }[];
  readonly transitions: AlertTransition[];
}

/**
 * The state of one alerting rule across evaluations: its active alerts (pending, firing,
 * and resolved ones kept 15 min), health and timings. Follows Prometheus' state machine
 * (rules/alerting.go); `evaluate` is called by the group runner with the vector the
 * expression returned at `ts - query_offset`.
 */
export class AlertingRuleState {
  readonly active = new Map<string, ActiveAlert>();
  health: RuleHealth = 'unknown';
  lastError: string | undefined;
  /** ms; 0 = never evaluated. */
  lastEvaluation = 0;
  /** ms the last evaluation took. */
  evaluationMs = 0;
  /** False until `for` state was restored from storage: `ALERTS*` series are not written before. */
  restored: boolean;

  constructor(
    readonly rule: AlertingRule,
    restored: boolean,
  ) {
    this.restored = restored;
  }

  get name(): string {
    return this.rule.alert;
  }

  /** The highest state among the instances (`firing` > `pending` > `inactive`). */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  /** Pending and firing instances (resolved ones excluded), as the API lists them. */
  activeAlerts(): ActiveAlert[] {
    return [...this.active.values()].filter((a) => a.resolvedAt === 0);
  }

  /**
   * Applies one evaluation result. `ts` is the evaluation time (ms; the returned series are
   * written by the caller at ts − query_offset). Throws `RuleEvalError` for duplicate output label sets
   * and when more than `limit` (> 0) alerts are active (the active set is then cleared).
   */
  async evaluate(vector: readonly RuleSample[], ts: number, limit: number, expand: ExpandFunc): Promise<AlertingEvalOutput> {
    const rule = this.rule;
    const fresh = new Map<string, ActiveAlert>();
    for (const s of vector) {
      const seriesLabels: Record<string, string> = {};
      for (const l of s.metric) seriesLabels[l.name] = l.value;
      const out: Record<string, string> = {};
      for (const l of s.metric) if (l.name !== METRIC_NAME) out[l.name] = l.value;
      for (const [k, text] of Object.entries(rule.labels)) {
        const v = text.includes('{{') ? await expand(text, seriesLabels, s.v) : text;
        if (v === '') delete out[k];
        else out[k] = v;
      }
      out['alertname'] = rule.alert;
      const annotations: Record<string, string> = {};
      for (const [k, text] of Object.entries(rule.annotations)) annotations[k] = text.includes('{{') ? await expand(text, seriesLabels, s.v) : text;
      const labels = sortedRecord(out);
      const key = labelsKey(labelsFromRecord(labels));
      if (fresh.has(key)) throw new RuleEvalError('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(key, { labels, key, annotations, state: 'pending', value: s.v, activeAt: ts, firedAt: 0, resolvedAt: 0, lastSentAt: 0, validUntil: 0, keepFiringSince: 0 });
    }

    const transitions: AlertTransition[] = [];
    const note = (a: ActiveAlert, state: AlertTransition['state'], from: AlertState): void => {
      transitions.push({ alertname: rule.alert, labels: a.labels, annotations: a.annotations, value: a.value, state, from, t: ts });
    };
    const created = new Set<string>();
    for (const [key, a] of fresh) {
      const old = this.active.get(key);
      if (old !== undefined && old.state !== 'inactive') {
        old.value = a.value;
        old.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
      created.add(key);
    }

    const series: { labels: Labels; v: number }[] = [];
    let activeCount = 0;
    for (const [key, a] of [...this.active]) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && rule.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < rule.keepFiringForMs) keepFiring = true;
        }
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          note(a, 'resolved', a.state);
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      activeCount++;
      const isNew = created.has(key);
      if (a.state === 'pending' && ts - a.activeAt >= rule.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
        note(a, 'firing', isNew ? 'inactive' : 'pending');
      } else if (isNew) {
        note(a, 'pending', 'inactive');
      }
      if (a.state === 'firing' && ts - a.activeAt < rule.forMs) {
        // `for` grew on reload: back to pending, as Prometheus.
        a.state = 'pending';
        a.firedAt = 0;
        a.lastSentAt = 0;
        a.keepFiringSince = 0;
      }
      if (this.restored) {
        series.push({ labels: labelsFromRecord({ ...a.labels, [METRIC_NAME]: 'ALERTS', alertstate: a.state }), v: 1 });
        series.push({ labels: labelsFromRecord({ ...a.labels, [METRIC_NAME]: 'ALERTS_FOR_STATE' }), v: Math.floor(a.activeAt / 1000) });
      }
    }
    if (limit > 0 && activeCount > limit) {
      this.active.clear();
      throw new RuleEvalError(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
    return { series, transitions };
  }

  /**
   * The alerts to send now (Prometheus' notifier contract): firing alerts not sent for more than
   * `resendDelayMs`, and alerts resolved since their last send. Firing ones get
   * endsAt = ts + 4 × max(resendDelay, interval); resolved ones endsAt = resolution time.
   */
  alertsToSend(ts: number, resendDelayMs: number, intervalMs: number, generatorURL: string): RuleAlert[] {
    const out: RuleAlert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const resolvedSinceSent = a.resolvedAt !== 0 && a.resolvedAt > a.lastSentAt;
      if (!resolvedSinceSent && !(a.lastSentAt + resendDelayMs < ts)) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({ labels: a.labels, annotations: a.annotations, startsAt: a.firedAt, endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil, generatorURL });
    }
    return out;
  }

  /**
   * The earliest instant (ms) at which a pending alert's `for` expires, or undefined when none
   * is pending. It may be in the past only after `for` state was restored.
   */
  nextForExpiry(): number | undefined {
    let next: number | undefined;
    for (const a of this.active.values()) {
      if (a.state !== 'pending') continue;
      const at = a.activeAt + this.rule.forMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** Takes over the alerts of the same rule from before a reload. */
  copyStateFrom(old: AlertingRuleState): void {
    for (const [k, a] of old.active) this.active.set(k, a);
    this.health = old.health;
    this.lastError = old.lastError;
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationMs = old.evaluationMs;
    this.restored = old.restored;
  }
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}
