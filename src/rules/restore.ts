import { METRIC_NAME, Matcher, isStaleNaN, labelsKey, labelsFromRecord } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { AlertingRuleState } from './alerting-rule.js';

/** How `for` state is restored after a restart (see `restoreForState`). Durations in ms. */
export interface RestoreOptions {
  /** Where `ALERTS_FOR_STATE` was written before the restart. */
  readonly queryable: Queryable;
  /** Only state written within this window before now is restored (Prometheus: --rules.alert.for-outage-tolerance, 1 h). */
  readonly outageToleranceMs: number;
  /** An alert whose `for` ≥ this never fires sooner than this after the restart (Prometheus: --rules.alert.for-grace-period, 10 min). */
  readonly forGracePeriodMs: number;
}

/**
 * Continues the pending clocks of `rule`'s active alerts from the last `ALERTS_FOR_STATE`
 * sample stored in [now − outage tolerance, now]: the time spent pending before the restart
 * counts, the downtime does not (activeAt moves forward by the downtime). As Prometheus, an
 * alert whose `for` is at least the grace period is given at least the grace period left.
 * Unlike Prometheus, rules with a `for` shorter than the grace period are restored too, so a
 * `for: 1m` alert does not start over after a restart. Alerts that were firing (no time left)
 * keep their stored activeAt. Marks the rule restored. Returns how many alerts were restored.
 */
export function restoreForState(rule: AlertingRuleState, now: number, opts: RestoreOptions): number {
  rule.restored = true;
  const forMs = rule.rule.forMs;
  if (forMs <= 0 || rule.active.size === 0) return 0;
  const matchers = [new Matcher('=', METRIC_NAME, 'ALERTS_FOR_STATE'), new Matcher('=', 'alertname', rule.rule.alert)];
  for (const [k, v] of Object.entries(rule.rule.labels)) if (!v.includes('{{') && k !== 'alertname') matchers.push(new Matcher('=', k, v));
  const stored = new Map<string, { t: number; v: number }>();
  const q = opts.queryable.querier(now - opts.outageToleranceMs, now);
  try {
    const set = q.select(matchers);
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      let last: { t: number; v: number } | undefined;
      while (it.next()) last = { t: it.t, v: it.v };
      if (last === undefined) continue;
      const key = labelsKey(s.labels.filter((l) => l.name !== METRIC_NAME));
      stored.set(key, last);
    }
  } finally {
    q.close();
  }
  let restored = 0;
  for (const a of rule.active.values()) {
    if (a.state === 'inactive') continue;
    const last = stored.get(labelsKey(labelsFromRecord(a.labels)));
    if (last === undefined || isStaleNaN(last.v)) continue;
    const downAt = Math.floor(last.t / 1000) * 1000;
    const storedActiveAt = last.v * 1000;
    const remaining = forMs - (downAt - storedActiveAt);
    let activeAt: number;
    if (remaining <= 0) activeAt = storedActiveAt;
    else if (forMs >= opts.forGracePeriodMs && remaining < opts.forGracePeriodMs) activeAt = now + opts.forGracePeriodMs - forMs;
    else activeAt = storedActiveAt + (now - downAt);
    // Never later than the alert's own first sighting since the restart.
    a.activeAt = Math.min(activeAt, a.activeAt);
    restored++;
  }
  return restored;
}
