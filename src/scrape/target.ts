import { labelsFromPairs, labelsKey, labelValue, type Labels } from '../model/index.js';
import { formatDuration, parseDuration, type ScrapeConfig } from '../config/index.js';
import { LABEL_NAME_RE, relabel } from '../relabel/index.js';

/** A target group as static_configs and service discovery (file, http, dns) produce it. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Where it came from, e.g. `static/0` or a file path; used in messages. */
  readonly source: string;
}

/** `s` quoted for a message, cut to 60 characters (hostile input may be huge). */
function quoted(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/**
 * Target groups from decoded JSON or YAML in Prometheus' targetgroup shape (file_sd, http_sd):
 * a list (null: none) of maps with only `targets` (strings) and `labels` (valid names, string
 * values); a null target or label value reads as '', as in Go. `meta` is added to every
 * group's labels, `source(i)` names group i. Throws an Error saying which group is wrong and how.
 */
export function parseTargetGroups(data: unknown, meta: Readonly<Record<string, string>>, source: (i: number) => string): TargetGroup[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new Error('expected a list of target groups');
  return data.map((g: unknown, i): TargetGroup => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) throw new Error(`group ${i}: expected a map with targets and labels`);
    const { targets, labels, ...rest } = g as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new Error(`group ${i}: unknown key ${quoted(extra[0]!)}`);
    if (targets !== null && targets !== undefined && !Array.isArray(targets)) throw new Error(`group ${i}: targets must be a list of strings`);
    const ts: string[] = [];
    for (const t of (targets ?? []) as unknown[]) {
      if (t !== null && typeof t !== 'string') throw new Error(`group ${i}: targets must be a list of strings`);
      ts.push(t ?? '');
    }
    // No prototype: a label named __proto__ is a label like any other.
    const ls = Object.create(null) as Record<string, string>;
    if (labels !== undefined && labels !== null) {
      if (typeof labels !== 'object' || Array.isArray(labels)) throw new Error(`group ${i}: labels must be a map`);
      for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
        if (!LABEL_NAME_RE.test(k)) throw new Error(`group ${i}: invalid label name ${quoted(k)}`);
        if (v !== null && typeof v !== 'string') throw new Error(`group ${i}: the value of label ${quoted(k)} must be a string`);
        ls[k] = v ?? '';
      }
    }
    Object.assign(ls, meta);
    return { targets: ts, labels: ls, source: source(i) };
  });
}

/** Health of a target as the targets API shows it. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/**
 * One scrape target after relabeling. `labels` are the final target labels (no `__`
 * labels, `instance` set); `allLabels` still has the `__` ones (address, scheme, params…).
 */
export class Target {
  /** Stable identity: equal for the same labels and URL across reloads. */
  readonly key: string;
  lastScrape = 0;
  lastScrapeDuration = 0;
  lastError = '';
  health: TargetHealth = 'unknown';

  constructor(
    readonly labels: Labels,
    readonly allLabels: Labels,
    readonly discoveredLabels: Labels,
    readonly url: string,
    /** ms */
    readonly interval: number,
    /** ms */
    readonly timeout: number,
  ) {
    this.key = labelsKey(allLabels) + '\u0002' + url;
  }

  /**
   * Delay in ms until this target's first scrape so that its scrapes fall on a fixed,
   * hash-derived phase of the interval (Prometheus' Target.offset): targets of a job are
   * spread evenly, and one target keeps its phase across restarts.
   */
  offset(now: number, seed: number): number {
    const iv = this.interval;
    const base = iv - (now % iv);
    const off = ((fnv1a32(this.key) ^ seed) >>> 0) % iv;
    let next = base + off;
    if (next > iv) next -= iv;
    return next;
  }
}

/** The outcome of relabeling the discovered targets of one job. */
export interface PopulatedTargets {
  readonly active: Target[];
  /** Discovered labels of targets that relabeling dropped. */
  readonly dropped: Labels[];
  /** Targets that could not be built (bad address, bad interval label…). */
  readonly errors: string[];
}

/** 32-bit FNV-1a over the UTF-16 code units of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Builds the targets of a job, as Prometheus' PopulateLabels: group labels, then the
 * target's address, then defaults for job, __scheme__, __metrics_path__,
 * __scrape_interval__, __scrape_timeout__ and __param_*; relabel_configs; then
 * `__`-prefixed labels are removed and `instance` defaults to `__address__`.
 */
export function populateTargets(groups: readonly TargetGroup[], cfg: ScrapeConfig): PopulatedTargets {
  const active: Target[] = [];
  const dropped: Labels[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const addr of g.targets) {
      const m = new Map<string, string>(Object.entries(g.labels));
      m.set('__address__', addr);
      const defaults: [string, string][] = [
        ['job', cfg.job_name],
        ['__scrape_interval__', formatDuration(cfg.scrape_interval)],
        ['__scrape_timeout__', formatDuration(cfg.scrape_timeout)],
        ['__metrics_path__', cfg.metrics_path],
        ['__scheme__', cfg.scheme],
      ];
      for (const [k, v] of Object.entries(cfg.params)) if (v[0] !== undefined) defaults.push([`__param_${k}`, v[0]]);
      for (const [k, v] of defaults) if ((m.get(k) ?? '') === '') m.set(k, v);
      let discovered: Labels;
      try {
        discovered = labelsFromPairs(m);
      } catch (err) {
        errors.push(`${g.source}: ${(err as Error).message}`);
        continue;
      }
      const after = relabel(discovered, cfg.relabel_configs);
      if (after === undefined) {
        dropped.push(discovered);
        continue;
      }
      const t = buildTarget(after, discovered, cfg);
      if (typeof t === 'string') {
        errors.push(`${g.source}: target ${JSON.stringify(addr)}: ${t}`);
        continue;
      }
      if (seen.has(t.key)) continue; // duplicates after relabeling are scraped once
      seen.add(t.key);
      active.push(t);
    }
  }
  return { active, dropped, errors };
}

function buildTarget(all: Labels, discovered: Labels, cfg: ScrapeConfig): Target | string {
  const addr = labelValue(all, '__address__');
  if (addr === '') return 'no address';
  if (addr.includes('/')) return `${JSON.stringify(addr)} is not a valid hostname`;
  let interval: number, timeout: number;
  try {
    interval = parseDuration(labelValue(all, '__scrape_interval__'));
    timeout = parseDuration(labelValue(all, '__scrape_timeout__'));
  } catch (err) {
    return `invalid __scrape_interval__/__scrape_timeout__: ${(err as Error).message}`;
  }
  if (interval <= 0) return 'scrape interval cannot be 0';
  if (timeout <= 0) return 'scrape timeout cannot be 0';
  if (timeout > interval) return `scrape timeout ${formatDuration(timeout)} greater than scrape interval ${formatDuration(interval)}`;
  const scheme = labelValue(all, '__scheme__') || cfg.scheme;
  const path = labelValue(all, '__metrics_path__') || cfg.metrics_path;
  const params = new URLSearchParams();
  const values = new Map<string, string[]>(Object.entries(cfg.params).map(([k, v]) => [k, [...v]]));
  for (const l of all) {
    if (!l.name.startsWith('__param_')) continue;
    const k = l.name.slice('__param_'.length);
    const vs = values.get(k);
    if (vs !== undefined && vs.length > 0) vs[0] = l.value;
    else values.set(k, [l.value]);
  }
  for (const [k, vs] of values) for (const v of vs) params.append(k, v);
  const q = params.toString();
  const url = `${scheme}://${addr}${path.startsWith('/') ? '' : '/'}${path}${q === '' ? '' : `${path.includes('?') ? '&' : '?'}${q}`}`;
  try {
    new URL(url);
  } catch {
    return `invalid scrape URL ${JSON.stringify(url)}`;
  }
  const out: [string, string][] = [];
  for (const l of all) if (!l.name.startsWith('__')) out.push([l.name, l.value]);
  if (labelValue(all, 'instance') === '') out.push(['instance', addr]);
  return new Target(labelsFromPairs(out), all, discovered, url, interval, timeout);
}
