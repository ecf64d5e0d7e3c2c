import { type Clock, type Logger } from '../common/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import { type Engine } from '../promql/index.js';
import { expandAlertTemplate } from '../template/index.js';
import type { RuleFile } from './types.js';
import type { AlertTransition, QueryFunc, SendAlerts } from './contracts.js';
import type { ExpandFunc } from './alerting-rule.js';
import { type GroupDeps, RuleGroupRunner, groupKey, sameGroup } from './group.js';
import { engineQueryFunc } from './query.js';

/** Global settings a config reload may change (undefined: unchanged). */
export interface RuleSettings {
  /** global.evaluation_interval, ms. */
  readonly evaluationIntervalMs?: number | undefined;
  /** global.external_labels. */
  readonly externalLabels?: Readonly<Record<string, string>> | undefined;
}

/** Construction options of a `RuleManager`. Durations and times in ms. */
export interface RuleManagerOptions {
  readonly engine: Engine;
  /** What rule expressions read (the TSDB, or a remote store). */
  readonly queryable: Queryable;
  /** Where recording rules and `ALERTS*` are written. */
  readonly appendable: Appendable;
  readonly sendAlerts: SendAlerts;
  /** global.evaluation_interval: the interval of groups that set none. */
  readonly evaluationIntervalMs: number;
  readonly externalLabels?: Readonly<Record<string, string>> | undefined;
  /** Base URL of this Vigie (e.g. `http://host:9090`), for generatorURL and templates. */
  readonly externalURL?: string | undefined;
  /** Default 1 min, as Prometheus' --rules.alert.resend-delay. */
  readonly resendDelayMs?: number | undefined;
  /** Restore `for` state from `ALERTS_FOR_STATE` at start (default true). */
  readonly restoreForState?: boolean | undefined;
  /** Default 1 h (--rules.alert.for-outage-tolerance). */
  readonly outageToleranceMs?: number | undefined;
  /** Default 10 min (--rules.alert.for-grace-period). */
  readonly forGracePeriodMs?: number | undefined;
  /** Template `query` and rule evaluation time limit per template (default 10 s). */
  readonly templateTimeoutMs?: number | undefined;
  /** Called with every alert state change (the alert history stores them). */
  readonly onTransitions?: ((ts: readonly AlertTransition[]) => void) | undefined;
  /** Hears each completed group evaluation (self-monitoring). */
  readonly onEvaluated?: GroupDeps['onEvaluated'];
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Runs the rule groups of the loaded rule files: each on its own timer at a stable slot within
 * its interval, plus an extra evaluation at the instant a pending alert's `for` expires (so the
 * alert fires then, not an interval later). `update` swaps the rule set keeping the state of
 * unchanged rules. Start with `start()`, stop with `stop()` (awaits running evaluations).
 */
export class RuleManager {
  private runners = new Map<string, RuleGroupRunner>();
  private readonly schedulers = new Map<RuleGroupRunner, GroupScheduler>();
  private running = false;
  private deps: GroupDeps;
  private evaluationIntervalMs: number;
  private readonly query: QueryFunc;

  constructor(private readonly opts: RuleManagerOptions) {
    this.query = engineQueryFunc(opts.engine, opts.queryable);
    this.evaluationIntervalMs = opts.evaluationIntervalMs;
    this.deps = this.groupDeps(opts.externalLabels ?? {});
  }

  private groupDeps(externalLabels: Readonly<Record<string, string>>): GroupDeps {
    const opts = this.opts;
    const externalURL = (opts.externalURL ?? '').replace(/\/+$/, '');
    const timeoutMs = opts.templateTimeoutMs ?? 10_000;
    const query = this.query;
    return {
      query,
      appendable: opts.appendable,
      sendAlerts: opts.sendAlerts,
      expander: (ruleName, ts): ExpandFunc => templateExpander(ruleName, ts, query, externalLabels, externalURL, timeoutMs),
      externalLabels,
      externalURL,
      resendDelayMs: opts.resendDelayMs ?? 60_000,
      restore:
        opts.restoreForState === false
          ? undefined
          : { queryable: opts.queryable, outageToleranceMs: opts.outageToleranceMs ?? 3_600_000, forGracePeriodMs: opts.forGracePeriodMs ?? 600_000 },
      onTransitions: opts.onTransitions,
      onEvaluated: opts.onEvaluated,
      clock: opts.clock,
      logger: opts.logger,
    };
  }

  /** The groups in file order, then group order. */
  groups(): RuleGroupRunner[] {
    return [...this.runners.values()];
  }

  /**
   * Replaces the rule set. A group (file + name) identical to a running one keeps running
   * untouched; a changed group takes over the state of its unchanged rules (same name, expr
   * and labels); removed groups stop and their series get stale markers. `settings` applies a
   * new evaluation interval or external labels (every group is then rebuilt, state kept).
   */
  async update(files: readonly RuleFile[], settings: RuleSettings = {}): Promise<void> {
    // New global settings (a config reload) rebuild every group, keeping the rules' state.
    const interval = settings.evaluationIntervalMs ?? this.evaluationIntervalMs;
    const labels = settings.externalLabels ?? this.deps.externalLabels;
    const settingsChanged = interval !== this.evaluationIntervalMs || JSON.stringify(labels) !== JSON.stringify(this.deps.externalLabels);
    if (settingsChanged) {
      this.evaluationIntervalMs = interval;
      this.deps = this.groupDeps(labels);
    }
    const next = new Map<string, RuleGroupRunner>();
    const stopped: RuleGroupRunner[] = [];
    for (const f of files) {
      for (const g of f.groups) {
        const key = groupKey(f.path, g.name);
        const old = this.runners.get(key);
        if (old !== undefined && !settingsChanged && sameGroup(old.group, g, interval, interval)) {
          next.set(key, old);
          continue;
        }
        const runner = new RuleGroupRunner(f.path, g, interval, this.deps);
        if (old !== undefined) {
          await this.stopGroup(old);
          runner.copyStateFrom(old);
        }
        next.set(key, runner);
      }
    }
    for (const [key, old] of this.runners) {
      if (next.has(key)) continue;
      await this.stopGroup(old);
      stopped.push(old);
    }
    this.runners = next;
    const now = this.opts.clock.now();
    for (const old of stopped) await old.markStale(now);
    if (this.running) for (const r of next.values()) if (!this.schedulers.has(r)) this.startGroup(r);
    this.opts.logger.info({ groups: next.size, rules: [...next.values()].reduce((n, r) => n + r.rules.length, 0) }, 'rules loaded');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const r of this.runners.values()) this.startGroup(r);
  }

  /** Stops every group's timer and waits for running evaluations. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.runners.values()].map((r) => this.stopGroup(r)));
  }

  private startGroup(r: RuleGroupRunner): void {
    const s = new GroupScheduler(r, this.opts.clock);
    this.schedulers.set(r, s);
    s.start();
  }

  private async stopGroup(r: RuleGroupRunner): Promise<void> {
    const s = this.schedulers.get(r);
    if (s === undefined) return;
    this.schedulers.delete(r);
    await s.stop();
  }
}

/**
 * Calls a group's `evaluate` at its slots (k × interval + offset) and at pending alerts' `for`
 * expiries. Uses real timers, delays computed from `clock`. A slot missed because an
 * evaluation ran long is skipped, as Prometheus does.
 */
export class GroupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly runner: RuleGroupRunner,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.schedule(this.runner.nextSlotAfter(this.clock.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.abort.abort();
    await this.inFlight;
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, at - this.clock.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.run(at);
    }, delay);
    this.timer.unref?.();
  }

  private async run(at: number): Promise<void> {
    try {
      await this.runner.evaluate(at, this.abort.signal);
    } finally {
      const now = this.clock.now();
      const slot = this.runner.nextSlotAfter(Math.max(now, at));
      this.runner.missedIterations += Math.max(0, Math.round((slot - this.runner.nextSlotAfter(at)) / this.runner.intervalMs));
      const expiry = this.runner.nextForExpiry();
      // A `for` expiring before the next slot gets its own evaluation at that instant (never at
      // or before `at`: a restored clock may already have run out).
      this.schedule(expiry !== undefined && expiry < slot ? Math.max(expiry, at + 1) : slot);
    }
  }
}

/** Expands rule label/annotation templates; a failing template yields Prometheus' `<error expanding template: …>`. */
function templateExpander(
  ruleName: string,
  ts: number,
  query: QueryFunc,
  externalLabels: Readonly<Record<string, string>>,
  externalURL: string,
  timeoutMs: number,
): ExpandFunc {
  const templateQuery = async (expr: string): Promise<{ labels: Record<string, string>; value: number }[]> => {
    const v = await query(expr, ts);
    return v.map((s) => ({ labels: Object.fromEntries(s.metric.map((l) => [l.name, l.value])), value: s.v }));
  };
  return async (text, labels, value) => {
    try {
      return await expandAlertTemplate(`__alert_${ruleName}`, text, { labels, externalLabels, externalURL, value }, { query: templateQuery, externalURL, timeoutMs });
    } catch (e) {
      return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
    }
  };
}
