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
export function hostTiles(results: Partial<Record<OverviewKey, readonly VectorSample[]>>): HostTile[] {
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
      return { instance, facts, uptimeSeconds: e.uptime, verdict: hostHealth(facts) };
    });
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
