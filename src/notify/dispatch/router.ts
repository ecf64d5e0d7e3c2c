import type { Clock, Logger } from '../../common/index.js';
import type { AlertingConfig } from '../config/index.js';
import type { TimeIntervalConfig } from '../config/index.js';
import type { Silences } from '../silences/index.js';
import type { Alert, NotifiedAlert, Notification, NotifyFunc } from '../types.js';
import { compareBytes, fingerprint, formatLabelSet } from './fingerprint.js';
import { inhibitedBy } from './inhibit.js';
import { type RouteNode, buildRouteTree, matchRoutes } from './route-tree.js';
import { inTimeIntervals } from './time-interval.js';
import { type LogEntry, NotificationLog } from './nflog.js';
import type { StateDb } from '../../state/index.js';

/** An alert held by the router. endsAt is never 0 here: an alert given without one ends resolve_timeout after its last update. */
export interface StoredAlert extends Alert {
  readonly fingerprint: string;
  /** ms of the last put. */
  readonly updatedAt: number;
  /** True when endsAt was derived from resolve_timeout. */
  readonly timeout: boolean;
}

/** An alert with its routing and muting state at a given time (Alertmanager's API view). */
export interface AlertStatusView {
  readonly alert: StoredAlert;
  readonly receivers: readonly string[];
  readonly state: 'active' | 'suppressed' | 'unprocessed';
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
  /** Names of the time intervals muting the alert's routes now. */
  readonly mutedBy: readonly string[];
  readonly resolved: boolean;
}

export interface AlertGroupView {
  readonly groupKey: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receiver: string;
  readonly alerts: readonly AlertStatusView[];
}

export interface AlertRouterOptions {
  readonly config: AlertingConfig;
  readonly clock: Clock;
  /** Receives each notification; never throws (durable delivery). */
  readonly notify: NotifyFunc;
  /** Silences muting alerts; none when absent. */
  readonly silences?: Silences | undefined;
  readonly logger?: Logger | undefined;
  /** Where the notification log is kept across restarts (table notify_nflog); memory only when absent. Not closed by the router. */
  readonly db?: StateDb | undefined;
  /** Base URL for links when config.external_url is '' (a function when only known after listen). */
  readonly externalURL?: string | (() => string) | undefined;
}

interface AggrGroup {
  readonly key: string;
  readonly route: RouteNode;
  readonly labels: Readonly<Record<string, string>>;
  readonly alerts: Map<string, StoredAlert>;
  nextFlushAt: number;
}

const NFLOG_RETENTION_MS = 5 * 86_400_000;
/** Resolved alerts stay listed this long (Alertmanager's alert GC runs every 30 min). */
const RESOLVED_RETENTION_MS = 30 * 60_000;

/**
 * Alertmanager's dispatcher in one class: routes alerts through the route tree into
 * aggregation groups, flushes each group `group_wait` after it was created and then every
 * `group_interval`, notifies when the group's firing set grew, when resolved alerts appear
 * (if a receiver integration has send_resolved), or `repeat_interval` after the last
 * notification; silences, inhibition rules and mute/active time intervals mute as in
 * Alertmanager. Timers run off the Clock: `tick()` does what is due; `start()` calls it.
 */
export class AlertRouter {
  private config: AlertingConfig;
  private tree: RouteNode;
  private intervals: Map<string, TimeIntervalConfig>;
  private sendResolvedByReceiver: Map<string, boolean>;
  private readonly clock: Clock;
  private readonly notify: NotifyFunc;
  private readonly silences: Silences | undefined;
  private readonly logger: Logger | undefined;
  private readonly externalURLFallback: () => string;
  private readonly store = new Map<string, StoredAlert>();
  private groupsByKey = new Map<string, AggrGroup>();
  private readonly nflog: NotificationLog;
  private firingCache: { at: number; alerts: StoredAlert[] } | undefined;
  private lastPurgeAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: AlertRouterOptions) {
    this.clock = opts.clock;
    this.notify = opts.notify;
    this.silences = opts.silences;
    this.logger = opts.logger;
    const fallback = opts.externalURL ?? '';
    this.externalURLFallback = typeof fallback === 'string' ? () => fallback : fallback;
    this.config = opts.config;
    this.nflog = new NotificationLog(opts.db);
    this.tree = buildRouteTree(opts.config.route);
    this.intervals = new Map(opts.config.time_intervals.map((t) => [t.name, t]));
    this.sendResolvedByReceiver = sendResolvedMap(opts.config);
  }

  /** Adds or updates alerts (from rules or the API). endsAt 0 = now + global.resolve_timeout. */
  put(alerts: readonly Alert[]): void {
    const now = this.clock.now();
    for (const a of alerts) {
      const fp = fingerprint(a.labels);
      const timeout = a.endsAt === 0;
      let stored: StoredAlert = { labels: { ...a.labels }, annotations: { ...a.annotations }, startsAt: a.startsAt, endsAt: timeout ? now + this.config.global.resolve_timeout : a.endsAt, generatorURL: a.generatorURL, fingerprint: fp, updatedAt: now, timeout };
      const prev = this.store.get(fp);
      if (prev !== undefined) stored = mergeAlert(prev, stored, now);
      this.store.set(fp, stored);
      this.firingCache = undefined;
      this.route(stored, now);
    }
  }

  private route(a: StoredAlert, now: number): void {
    for (const node of matchRoutes(this.tree, a.labels)) {
      const c = node.config;
      const labels: Record<string, string> = {};
      if (c.group_by_all) Object.assign(labels, a.labels);
      else for (const l of c.group_by) if (a.labels[l] !== undefined && a.labels[l] !== '') labels[l] = a.labels[l];
      const key = `${node.key}:${formatLabelSet(labels)}`;
      let g = this.groupsByKey.get(key);
      if (g === undefined) {
        // An alert that started long enough ago is sent at once (Alertmanager's "old alert" rule).
        const due = a.startsAt + c.group_wait < now ? now : now + c.group_wait;
        g = { key, route: node, labels, alerts: new Map(), nextFlushAt: due };
        this.groupsByKey.set(key, g);
      }
      g.alerts.set(a.fingerprint, a);
    }
  }

  /** Replaces the configuration: routes, receivers, inhibition, intervals. Alerts are re-routed; what was already sent is remembered. */
  applyConfig(config: AlertingConfig): void {
    this.config = config;
    this.tree = buildRouteTree(config.route);
    this.intervals = new Map(config.time_intervals.map((t) => [t.name, t]));
    this.sendResolvedByReceiver = sendResolvedMap(config);
    this.groupsByKey = new Map();
    const now = this.clock.now();
    for (const a of this.store.values()) this.route(a, now);
  }

  /** The earliest time (ms) a group is due, or undefined when there is none. */
  nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const g of this.groupsByKey.values()) if (min === undefined || g.nextFlushAt < min) min = g.nextFlushAt;
    return min;
  }

  /** Flushes every group due at the clock's time and drops old state. Called by start()'s timer and by tests. */
  tick(): void {
    const now = this.clock.now();
    for (const g of [...this.groupsByKey.values()]) {
      if (g.nextFlushAt > now) continue;
      this.flush(g, now);
      g.nextFlushAt = now + g.route.config.group_interval;
      if (g.alerts.size === 0) this.groupsByKey.delete(g.key);
    }
    for (const [fp, a] of this.store) if (a.endsAt + RESOLVED_RETENTION_MS <= now) this.store.delete(fp);
    if (now - this.lastPurgeAt >= 60_000) {
      this.lastPurgeAt = now;
      this.nflog.purge(now - NFLOG_RETENTION_MS);
      this.silences?.purge(now);
    }
  }

  private flush(g: AggrGroup, now: number): void {
    const all = [...g.alerts.values()];
    const c = g.route.config;
    const timeMuted = inTimeIntervals(c.mute_time_intervals, this.intervals, now) || (c.active_time_intervals.length > 0 && !inTimeIntervals(c.active_time_intervals, this.intervals, now));
    const sent = timeMuted ? [] : all.filter((a) => !this.isMuted(a, now));
    if (sent.length > 0) {
      const firing = new Set(sent.filter((a) => a.endsAt > now).map((a) => a.fingerprint));
      const resolved = new Set(sent.filter((a) => a.endsAt <= now).map((a) => a.fingerprint));
      const logKey = `${g.key}|${c.receiver}`;
      const prev = this.nflog.get(logKey);
      if (this.needsUpdate(prev, firing, resolved, c.receiver, c.repeat_interval, now)) {
        this.nflog.set(logKey, { firing, resolved, at: now });
        this.notify(this.notification(g, sent, now));
      }
    }
    // Resolved alerts that took part in this flush leave the group (unless updated meanwhile).
    for (const a of all) if (a.endsAt <= now && g.alerts.get(a.fingerprint) === a) g.alerts.delete(a.fingerprint);
  }

  private needsUpdate(prev: LogEntry | undefined, firing: ReadonlySet<string>, resolved: ReadonlySet<string>, receiver: string, repeat: number, now: number): boolean {
    if (prev === undefined) return firing.size > 0;
    for (const f of firing) if (!prev.firing.has(f)) return true;
    if (firing.size === 0) return prev.firing.size > 0;
    if (this.sendResolvedByReceiver.get(receiver) === true) for (const r of resolved) if (!prev.resolved.has(r)) return true;
    return prev.at + repeat <= now;
  }

  private isMuted(a: StoredAlert, now: number): boolean {
    if (this.silences !== undefined && this.silences.mutedBy(a.labels, now).length > 0) return true;
    return this.inhibitors(a, now).length > 0;
  }

  private inhibitors(a: StoredAlert, now: number): string[] {
    if (this.config.inhibit_rules.length === 0) return [];
    // One list of firing alerts per instant (flushes and API views ask for many targets at once).
    if (this.firingCache?.at !== now) this.firingCache = { at: now, alerts: [...this.store.values()].filter((s) => s.endsAt > now) };
    return inhibitedBy(this.config.inhibit_rules, a, this.firingCache.alerts);
  }

  private notification(g: AggrGroup, alerts: StoredAlert[], now: number): Notification {
    const sorted = [...alerts].sort((x, y) => compareBytes(formatLabelSet(x.labels), formatLabelSet(y.labels)));
    const notified: NotifiedAlert[] = sorted.map((a) => ({
      status: a.endsAt > now ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt > now ? 0 : a.endsAt,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    }));
    return {
      receiver: g.route.config.receiver,
      status: notified.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      alerts: notified,
      groupLabels: g.labels,
      commonLabels: common(sorted.map((a) => a.labels)),
      commonAnnotations: common(sorted.map((a) => a.annotations)),
      externalURL: this.config.external_url !== '' ? this.config.external_url : this.externalURLFallback(),
      groupKey: g.key,
      truncatedAlerts: 0,
    };
  }

  private view(a: StoredAlert, now: number): AlertStatusView {
    const nodes = matchRoutes(this.tree, a.labels);
    const resolved = a.endsAt <= now;
    const silencedBy = this.silences?.mutedBy(a.labels, now) ?? [];
    const inhibitedByFps = resolved ? [] : this.inhibitors(a, now);
    const mutedBy = new Set<string>();
    for (const n of nodes) {
      for (const name of n.config.mute_time_intervals) if (inTimeIntervals([name], this.intervals, now)) mutedBy.add(name);
    }
    const receivers = [...new Set(nodes.map((n) => n.config.receiver))];
    const state = silencedBy.length > 0 || inhibitedByFps.length > 0 || mutedBy.size > 0 ? 'suppressed' : 'active';
    return { alert: a, receivers, state, silencedBy, inhibitedBy: inhibitedByFps, mutedBy: [...mutedBy].sort(), resolved };
  }

  /** Every alert held (resolved ones until they are dropped), with its state now. */
  alerts(): AlertStatusView[] {
    const now = this.clock.now();
    return [...this.store.values()].map((a) => this.view(a, now));
  }

  /** The aggregation groups with their alerts' state now. */
  groups(): AlertGroupView[] {
    const now = this.clock.now();
    return [...this.groupsByKey.values()]
      .filter((g) => g.alerts.size > 0)
      .map((g) => ({ groupKey: g.key, labels: g.labels, receiver: g.route.config.receiver, alerts: [...g.alerts.values()].map((a) => this.view(this.store.get(a.fingerprint) ?? a, now)) }));
  }

  /** The current configuration (for the status API). */
  currentConfig(): AlertingConfig {
    return this.config;
  }

  /** Runs tick() on a timer until `signal` aborts or stop() is called. */
  start(signal: AbortSignal): void {
    if (this.timer !== undefined) return;
    const loop = (): void => {
      if (signal.aborted) return this.stop();
      try {
        this.tick();
      } catch (err) {
        this.logger?.error({ err }, 'alert router tick failed');
      }
      const due = this.nextDueAt();
      const delay = Math.max(10, Math.min(1000, due === undefined ? 1000 : due - this.clock.now()));
      this.timer = setTimeout(loop, delay);
      this.timer.unref();
    };
    signal.addEventListener('abort', () => this.stop(), { once: true });
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Alertmanager's merge of an update into the alert it overlaps: the earliest start wins; a
 * still-firing update cannot shorten an explicit (non-timeout) end; between two resolutions
 * the later end wins. Updates that do not overlap the previous alert replace it.
 */
function mergeAlert(prev: StoredAlert, next: StoredAlert, now: number): StoredAlert {
  const overlaps = (next.endsAt > prev.startsAt && next.endsAt < prev.endsAt) || (next.startsAt > prev.startsAt && next.startsAt < prev.endsAt);
  if (!overlaps) return next;
  let { startsAt, endsAt, timeout } = next;
  if (prev.startsAt < startsAt) startsAt = prev.startsAt;
  const prevResolved = prev.endsAt <= now;
  if (next.endsAt <= now) {
    if (prevResolved && prev.endsAt > next.endsAt) endsAt = prev.endsAt;
  } else if (prev.endsAt > next.endsAt && !prev.timeout) {
    endsAt = prev.endsAt;
    timeout = false;
  }
  return { ...next, startsAt, endsAt, timeout };
}

function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const first = sets[0];
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (sets.every((s) => s[k] === v)) out[k] = v;
  return out;
}

function sendResolvedMap(config: AlertingConfig): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (const r of config.receivers) {
    let any = false;
    for (const [k, v] of Object.entries(r)) {
      if (k.endsWith('_configs') && Array.isArray(v)) for (const e of v as { send_resolved?: boolean }[]) if (e.send_resolved === true) any = true;
    }
    m.set(r.name, any);
  }
  return m;
}
