import { createHash } from 'node:crypto';
import { type Clock, type Logger } from '../common/index.js';
import { type Labels, labelsKey, staleNaN } from '../model/index.js';
import { type Appendable, SampleRejectedError } from '../storage/index.js';
import type { RuleGroup } from './types.js';
import { AlertingRuleState, type ExpandFunc } from './alerting-rule.js';
import { RecordingRuleState } from './recording-rule.js';
import type { AlertTransition, QueryFunc, RuleAlert, SendAlerts } from './contracts.js';
import { type RestoreOptions, restoreForState } from './restore.js';

export type RuleState = RecordingRuleState | AlertingRuleState;

/** What every group of a manager shares. Durations in ms. */
export interface GroupDeps {
  readonly query: QueryFunc;
  readonly appendable: Appendable;
  readonly sendAlerts: SendAlerts;
  /** Builds the template expander for one alerting rule evaluated at `ts` (ms). */
  readonly expander: (ruleName: string, ts: number) => ExpandFunc;
  readonly externalLabels: Readonly<Record<string, string>>;
  /** Base URL of this Vigie, for alerts' generatorURL (no trailing slash). */
  readonly externalURL: string;
  /** Firing alerts are re-sent at least this often (Prometheus: 1 min). */
  readonly resendDelayMs: number;
  /** Undefined: `for` state is not restored (rules are marked restored at once). */
  readonly restore?: RestoreOptions | undefined;
  readonly onTransitions?: ((ts: readonly AlertTransition[]) => void) | undefined;
  /** Hears each completed group evaluation (self-monitoring); must not throw. */
  readonly onEvaluated?: ((e: GroupEvaluation) => void) | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One completed evaluation of a group, as `GroupDeps.onEvaluated` hears it. */
export interface GroupEvaluation {
  /** `file;name`, Prometheus' `rule_group` label. */
  readonly group: string;
  readonly durationSeconds: number;
  /** Rules evaluated, and how many of them failed. */
  readonly rules: number;
  readonly failures: number;
}

/** The identity of a group across reloads: its file and name. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/**
 * Evaluates one rule group: every rule in order, each committed before the next (a rule may
 * read what an earlier one recorded). Writes recording rules' output and `ALERTS`/
 * `ALERTS_FOR_STATE`, stale markers for series that disappeared, and sends alerts. Scheduling
 * (when to call `evaluate`) is `GroupScheduler`'s job; tests call `evaluate` directly.
 */
export class RuleGroupRunner {
  readonly rules: RuleState[];
  readonly intervalMs: number;
  readonly queryOffsetMs: number;
  /** ms; 0 = never evaluated. */
  lastEvaluation = 0;
  /** ms the last evaluation of the whole group took. */
  evaluationMs = 0;
  /** Slots skipped because an evaluation ran past them (counted by the scheduler). */
  missedIterations = 0;
  /** Per rule: the series written at the last evaluation (key → labels), for stale markers. */
  private previous: Map<string, Labels>[];
  private restorePending: boolean;

  constructor(
    readonly file: string,
    readonly group: RuleGroup,
    defaultIntervalMs: number,
    private readonly deps: GroupDeps,
  ) {
    this.intervalMs = group.intervalMs ?? defaultIntervalMs;
    this.queryOffsetMs = group.queryOffsetMs ?? 0;
    this.restorePending = deps.restore !== undefined;
    this.rules = group.rules.map((r) => {
      const labels = { ...group.labels, ...r.labels };
      return r.kind === 'recording' ? new RecordingRuleState({ ...r, labels }) : new AlertingRuleState({ ...r, labels }, deps.restore === undefined);
    });
    this.previous = this.rules.map(() => new Map<string, Labels>());
  }

  get name(): string {
    return this.group.name;
  }

  get key(): string {
    return groupKey(this.file, this.group.name);
  }

  /**
   * The group's slot within its interval, as Prometheus: evaluations happen at
   * k × interval + offset, offset derived from a hash of (file, name), so groups spread out.
   */
  offsetMs(): number {
    const h = createHash('sha256').update(this.key).digest();
    return Number(h.readBigUInt64BE(0) % BigInt(this.intervalMs));
  }

  /** The first slot strictly after `t` (ms). */
  nextSlotAfter(t: number): number {
    const off = this.offsetMs();
    const base = Math.floor((t - off) / this.intervalMs) * this.intervalMs + off;
    return base + this.intervalMs;
  }

  /** The earliest pending `for` expiry (ms), if any: an extra evaluation is due then. */
  nextForExpiry(): number | undefined {
    let next: number | undefined;
    for (const r of this.rules) {
      if (!(r instanceof AlertingRuleState)) continue;
      const e = r.nextForExpiry();
      if (e !== undefined && (next === undefined || e < next)) next = e;
    }
    return next;
  }

  /** Evaluates every rule at `ts` (ms); never throws (errors go to each rule's health). */
  async evaluate(ts: number, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const queryTs = ts - this.queryOffsetMs;
    let failures = 0;
    for (const [i, state] of this.rules.entries()) {
      if (signal?.aborted) return;
      const t0 = performance.now();
      try {
        const vector = await this.deps.query(state.rule.expr, queryTs, signal);
        let series: { labels: Labels; v: number }[];
        if (state instanceof RecordingRuleState) {
          series = state.output(vector, this.group.limit);
        } else {
          const out = await state.evaluate(vector, ts, this.group.limit, this.deps.expander(state.name, ts));
          series = out.series;
          if (out.transitions.length > 0) this.deps.onTransitions?.(out.transitions);
          this.send(state, ts);
        }
        await this.write(i, series, queryTs);
        state.health = 'ok';
        state.lastError = undefined;
      } catch (e) {
        if (signal?.aborted) return;
        failures++;
        state.health = 'err';
        state.lastError = e instanceof Error ? e.message : String(e);
        this.deps.logger.warn({ group: this.name, rule: state.name, err: state.lastError }, 'rule evaluation failed');
      } finally {
        state.lastEvaluation = ts;
        state.evaluationMs = performance.now() - t0;
      }
    }
    this.lastEvaluation = ts;
    this.evaluationMs = performance.now() - started;
    this.deps.onEvaluated?.({ group: this.key, durationSeconds: this.evaluationMs / 1000, rules: this.rules.length, failures });
    if (this.restorePending && this.deps.restore !== undefined) {
      this.restorePending = false;
      this.restore(this.deps.restore);
    }
  }

  /** Restores `for` state after the first evaluation (then the rules write `ALERTS*`). */
  private restore(opts: RestoreOptions): void {
    const now = this.deps.clock.now();
    for (const r of this.rules) {
      if (!(r instanceof AlertingRuleState)) continue;
      try {
        const n = restoreForState(r, now, opts);
        if (n > 0) this.deps.logger.info({ group: this.name, rule: r.name, alerts: n }, "'for' state restored");
      } catch (e) {
        r.restored = true;
        this.deps.logger.warn({ group: this.name, rule: r.name, err: e instanceof Error ? e.message : String(e) }, "cannot restore 'for' state");
      }
    }
  }

  private send(rule: AlertingRuleState, ts: number): void {
    const url = `${this.deps.externalURL}/graph?${new URLSearchParams({ 'g0.expr': rule.rule.expr, 'g0.tab': '1' }).toString()}`;
    const alerts = rule.alertsToSend(ts, this.deps.resendDelayMs, this.intervalMs, url);
    if (alerts.length === 0) return;
    const ext = this.deps.externalLabels;
    const withExternal: RuleAlert[] = Object.keys(ext).length === 0 ? alerts : alerts.map((a) => ({ ...a, labels: { ...ext, ...a.labels } }));
    try {
      this.deps.sendAlerts(withExternal);
    } catch (e) {
      this.deps.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'sending alerts failed');
    }
  }

  /** Appends one rule's output at `t`, and stale markers for what it wrote last time but not now. */
  private async write(ruleIndex: number, series: readonly { labels: Labels; v: number }[], t: number): Promise<void> {
    const prev = this.previous[ruleIndex] ?? new Map<string, Labels>();
    if (series.length === 0 && prev.size === 0) return; // nothing to write: no appender, no commit
    const now = new Map<string, Labels>();
    const app = this.deps.appendable.appender();
    let rejected = 0;
    const append = (labels: Labels, v: number): void => {
      try {
        app.append(0, labels, t, v);
      } catch (e) {
        if (!(e instanceof SampleRejectedError)) throw e;
        rejected++;
      }
    };
    for (const s of series) {
      now.set(labelsKey(s.labels), s.labels);
      append(s.labels, s.v);
    }
    for (const [k, labels] of prev) if (!now.has(k)) append(labels, staleNaN());
    await app.commit();
    this.previous[ruleIndex] = now;
    if (rejected > 0) this.deps.logger.debug({ group: this.name, rejected }, 'rule samples rejected by storage (out of order or duplicate)');
  }

  /** Writes stale markers for every series the group wrote last (the group is going away). */
  async markStale(t: number): Promise<void> {
    for (let i = 0; i < this.rules.length; i++) await this.write(i, [], t);
  }

  /**
   * Takes over the state of `old` (the same group before a reload): a rule keeps its alerts,
   * health and written series when a rule of `old` has the same name, expr and labels.
   */
  copyStateFrom(old: RuleGroupRunner): void {
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationMs = old.evaluationMs;
    this.missedIterations = old.missedIterations;
    this.restorePending = this.restorePending && old.restorePending;
    const byIdentity = new Map<string, number[]>();
    old.rules.forEach((r, i) => {
      const id = ruleIdentity(r);
      byIdentity.set(id, [...(byIdentity.get(id) ?? []), i]);
    });
    const taken = new Set<number>();
    this.rules.forEach((r, i) => {
      const j = byIdentity.get(ruleIdentity(r))?.find((x) => !taken.has(x));
      if (j === undefined) return;
      taken.add(j);
      const o = old.rules[j]!;
      if (r instanceof AlertingRuleState && o instanceof AlertingRuleState) r.copyStateFrom(o);
      else if (r instanceof RecordingRuleState && o instanceof RecordingRuleState) r.copyStateFrom(o);
      this.previous[i] = old.previous[j] ?? new Map<string, Labels>();
    });
    // What the old group wrote for rules that are gone must still get stale markers.
    const orphans = new Map<string, Labels>();
    old.previous.forEach((m, j) => {
      if (!taken.has(j)) for (const [k, l] of m) orphans.set(k, l);
    });
    if (orphans.size > 0 && this.previous.length > 0) {
      const first = this.previous[0]!;
      for (const [k, l] of orphans) if (!first.has(k)) first.set(k, l);
    }
  }
}

function ruleIdentity(r: RuleState): string {
  const name = r instanceof AlertingRuleState ? `alert:${r.rule.alert}` : `record:${r.rule.record}`;
  const labels = Object.entries(r.rule.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([name, r.rule.expr, labels]);
}

/** True when two groups would behave identically (same rules, interval, limit, offset, labels). */
export function sameGroup(a: RuleGroup, b: RuleGroup, aDefaultIntervalMs: number, bDefaultIntervalMs: number): boolean {
  const strip = (g: RuleGroup, d: number): string =>
    JSON.stringify({ ...g, intervalMs: g.intervalMs ?? d, rules: g.rules.map((r) => ({ ...r, line: undefined })) });
  return strip(a, aDefaultIntervalMs) === strip(b, bDefaultIntervalMs);
}
