// The overview's data: host facts from a few instant queries, probe tiles from /api/v1/probes.
import type { VectorSample } from './prom';
import { type HostFacts, type Verdict, hostHealth } from './status';

const IGNORED_FS = 'tmpfs|devtmpfs|overlay|squashfs|nsfs|ramfs|autofs|proc|sysfs|cgroup2?|fuse\\\\..*';

/** The instant queries behind the host tiles (all hosts of job="node" at once). */
export const OVERVIEW_QUERIES = {
  up: 'up{job="node"}',
  lastSeen: 'last_over_time(node_time_seconds{job="node"}[1h])',
  cpu: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[2m])))',
  mem: '100 * (1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"})',
  disk: `max by (instance) (100 * (1 - node_filesystem_avail_bytes{job="node",fstype!~"${IGNORED_FS}"} / node_filesystem_size_bytes{job="node",fstype!~"${IGNORED_FS}"}))`,
  uptime: 'time() - node_boot_time_seconds{job="node"}',
} as const;

export type OverviewKey = keyof typeof OVERVIEW_QUERIES;

export interface HostTile {
  readonly instance: string;
  readonly facts: HostFacts;
  readonly uptimeSeconds: number | undefined;
  readonly verdict: Verdict;
}

function num(s: VectorSample): number | undefined {
  const v = Number(s.value[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** One tile per instance seen in any result, sorted by instance; missing facts stay undefined. */
export function hostTiles(results: Partial<Record<OverviewKey, readonly VectorSample[]>>, alerts: readonly PromAlert[] = []): HostTile[] {
  const firing = firingByInstance(alerts);
  const by = new Map<string, { up?: number; silent?: number; cpu?: number; mem?: number; disk?: number; uptime?: number }>();
  const put = (key: OverviewKey, f: (s: VectorSample) => number | undefined): void => {
    for (const s of results[key] ?? []) {
      const inst = s.metric['instance'];
      if (inst === undefined) continue;
      const e = by.get(inst) ?? {};
      const v = f(s);
      if (v !== undefined) {
        if (key === 'lastSeen') e.silent = v;
        else e[key] = v;
      }
      by.set(inst, e);
    }
  };
  put('up', num);
  // node_time_seconds holds the host's clock when collected: the evaluation time minus it is the silence.
  put('lastSeen', (s) => { const v = num(s); return v === undefined ? undefined : Math.max(0, s.value[0] - v); });
  put('cpu', num);
  put('mem', num);
  put('disk', num);
  put('uptime', num);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([instance, e]) => {
      const facts: HostFacts = { up: e.up, silentSeconds: e.silent, cpuPercent: e.cpu, memPercent: e.mem, diskPercent: e.disk };
      const withAlerts = { ...facts, firing: firing.get(instance) };
      return { instance, facts: withAlerts, uptimeSeconds: e.uptime, verdict: hostHealth(withAlerts) };
    });
}

/** Availability windows of the host tiles. */
export const AVAILABILITY_WINDOWS = ['24h', '7d'] as const;
export type AvailabilityWindow = (typeof AVAILABILITY_WINDOWS)[number];
const WINDOW_MS: Readonly<Record<AvailabilityWindow, number>> = { '24h': 86_400_000, '7d': 7 * 86_400_000 };
/** The resolution of the presence ratio: a host is counted present in a 1-minute slot with a sample in it. */
export const PRESENCE_SLOT_MS = 60_000;

/**
 * Host availability queries per window. A host scraped from a node_exporter has `up`: its
 * availability is avg_over_time(up) (as Prometheus users compute it). The built-in collector
 * writes no `up` (src/host: it never fails to "scrape" while Vigie runs), so for it the
 * availability is the share of 1-minute slots holding a sample (`slots`), counted from the
 * host's first sample in the window (`first`, Unix seconds) so that a host added an hour ago
 * is not shown at 4 % (and a host is shown without a figure during its first minute). A host silent from before the window's start up to some time in it
 * therefore counts from its return: the figure says how complete its data is since then.
 */
export function availabilityQueries(w: AvailabilityWindow): { up: string; slots: string; first: string } {
  const sel = 'node_time_seconds{job="node"}';
  return {
    up: `avg by (instance) (avg_over_time(up{job="node"}[${w}]))`,
    slots: `sum by (instance) (sum_over_time(clamp_max(count_over_time(${sel}[1m]), 1)[${w}:1m]))`,
    first: `min by (instance) (min_over_time(timestamp(${sel})[${w}:1m]))`,
  };
}

export type AvailabilityResults = Partial<Record<AvailabilityWindow, { up?: readonly VectorSample[]; slots?: readonly VectorSample[]; first?: readonly VectorSample[] }>>;

/**
 * Per instance, availability ratios (0..1) per window from the answers of
 * availabilityQueries (evaluated at their samples' time, else `nowMs`): `up`'s average when the host has one, else present slots
 * over the slots since its first sample (at most the window's), capped at 1.
 */
export function hostAvailability(results: AvailabilityResults, nowMs: number): Map<string, Partial<Record<AvailabilityWindow, number>>> {
  const out = new Map<string, Partial<Record<AvailabilityWindow, number>>>();
  const set = (inst: string, w: AvailabilityWindow, v: number): void => {
    const e = out.get(inst) ?? {};
    e[w] = v;
    out.set(inst, e);
  };
  for (const w of AVAILABILITY_WINDOWS) {
    const r = results[w];
    if (r === undefined) continue;
    const withUp = new Set<string>();
    for (const s of r.up ?? []) {
      const inst = s.metric['instance'];
      const v = num(s);
      if (inst === undefined || v === undefined) continue;
      withUp.add(inst);
      set(inst, w, v);
    }
    const first = new Map<string, number>();
    for (const s of r.first ?? []) {
      const inst = s.metric['instance'];
      const v = num(s);
      if (inst !== undefined && v !== undefined) first.set(inst, v * 1000);
    }
    const windowSlots = WINDOW_MS[w] / PRESENCE_SLOT_MS;
    for (const s of r.slots ?? []) {
      const inst = s.metric['instance'];
      const present = num(s);
      if (inst === undefined || present === undefined || withUp.has(inst)) continue;
      const firstMs = first.get(inst);
      // Subquery steps sit on multiples of 1 min; the first slot holding a sample is the first step at or after it.
      const evalMs = s.value[0] * 1000 || nowMs;
      const since = firstMs === undefined ? windowSlots : Math.floor(evalMs / PRESENCE_SLOT_MS) - Math.ceil(firstMs / PRESENCE_SLOT_MS) + 1;
      const expected = Math.max(1, Math.min(windowSlots, since));
      set(inst, w, Math.min(1, present / expected));
    }
  }
  return out;
}

/** One probe target as GET /api/v1/probes sends it (other fields are ignored). */
export interface ProbeTarget {
  readonly job: string;
  readonly instance: string;
  readonly module?: string;
  readonly status: string;
  readonly reason?: string;
  readonly uptime?: Partial<Record<'24h' | '7d' | '30d', number>>;
}

/** Keeps the well-formed entries of a /api/v1/probes answer (anything else is skipped, not fatal). */
export function parseProbes(data: unknown): ProbeTarget[] {
  if (!Array.isArray(data)) return [];
  return data.filter((p): p is ProbeTarget => typeof p === 'object' && p !== null && typeof (p as ProbeTarget).instance === 'string' && typeof (p as ProbeTarget).status === 'string' && typeof (p as ProbeTarget).job === 'string');
}

/** Uptime as a percentage with sensible precision; the API may send a ratio (0..1) or a percentage. */
export function formatUptime(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const pct = v <= 1 ? v * 100 : v;
  return `${pct >= 99.995 ? '100' : pct.toFixed(2)}%`;
}

/** Prometheus' alert shape (GET /api/v1/alerts). */
export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly state: string;
  readonly activeAt?: string;
  readonly value?: string;
}

export function firingCount(alerts: readonly PromAlert[]): { firing: number; critical: number; pending: number } {
  let firing = 0;
  let critical = 0;
  let pending = 0;
  for (const a of alerts) {
    if (a.state === 'firing') {
      firing++;
      if (a.labels['severity'] === 'critical') critical++;
    } else if (a.state === 'pending') pending++;
  }
  return { firing, critical, pending };
}

/** Firing alerts by their `instance` label (alerts without one belong to no host tile). */
export function firingByInstance(alerts: readonly PromAlert[]): Map<string, { name: string; severity: string | undefined }[]> {
  const out = new Map<string, { name: string; severity: string | undefined }[]>();
  for (const a of alerts) {
    const inst = a.labels['instance'];
    if (a.state !== 'firing' || inst === undefined) continue;
    const list = out.get(inst) ?? [];
    list.push({ name: a.labels['alertname'] ?? '(unnamed)', severity: a.labels['severity'] });
    out.set(inst, list);
  }
  return out;
}
