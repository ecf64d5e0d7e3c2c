// The system dashboard of one host (USERS.md: CPU, load 1/5/15, RAM and swap, filesystems,
// disk I/O, network, processes, logged-in users), over node_exporter's metric names as the
// built-in collector (job="node") writes them.
import type { Labels } from './prom';
import type { Unit } from './series';

export interface PanelQuery {
  readonly expr: string;
  /** Legend of one result series. */
  readonly legend: (metric: Labels) => string;
}
export interface Panel {
  readonly title: string;
  readonly unit: Unit;
  readonly stacked: boolean;
  readonly queries: readonly PanelQuery[];
}

/** A PromQL string literal (double-quoted, escaped). */
export function promString(s: string): string {
  return JSON.stringify(s);
}

/** The rate() window for a step: four steps, at least one minute (so a 15 s interval gives four samples). */
export function rateWindow(stepMs: number): string {
  return `${Math.max(60, Math.ceil((4 * stepMs) / 1000))}s`;
}

const IGNORED_FS = 'tmpfs|devtmpfs|overlay|squashfs|nsfs|ramfs|autofs|proc|sysfs|cgroup2?|fuse\\..*';

/** Panels of the host page, in order. `instance` is the host's instance label; `job` defaults to node. */
export function hostPanels(instance: string, stepMs: number, job = 'node'): Panel[] {
  const sel = `job=${promString(job)},instance=${promString(instance)}`;
  const w = rateWindow(stepMs);
  const fs = `${sel},fstype!~${promString(IGNORED_FS)}`;
  const dev = (m: Labels): string => m['device'] ?? '';
  return [
    {
      title: 'CPU by mode',
      unit: 'percent',
      stacked: true,
      queries: [{ expr: `100 * avg by (mode) (rate(node_cpu_seconds_total{${sel},mode!="idle"}[${w}]))`, legend: (m) => m['mode'] ?? 'cpu' }],
    },
    {
      title: 'Load average',
      unit: 'none',
      stacked: false,
      queries: [
        { expr: `node_load1{${sel}}`, legend: () => 'load 1m' },
        { expr: `node_load5{${sel}}`, legend: () => 'load 5m' },
        { expr: `node_load15{${sel}}`, legend: () => 'load 15m' },
      ],
    },
    {
      title: 'Memory and swap',
      unit: 'bytes',
      stacked: false,
      queries: [
        { expr: `node_memory_MemTotal_bytes{${sel}} - node_memory_MemAvailable_bytes{${sel}}`, legend: () => 'RAM used' },
        { expr: `node_memory_MemTotal_bytes{${sel}}`, legend: () => 'RAM total' },
        { expr: `node_memory_SwapTotal_bytes{${sel}} - node_memory_SwapFree_bytes{${sel}}`, legend: () => 'swap used' },
        { expr: `node_memory_SwapTotal_bytes{${sel}}`, legend: () => 'swap total' },
      ],
    },
    {
      title: 'Filesystem use',
      unit: 'percent',
      stacked: false,
      queries: [{ expr: `100 * (1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}})`, legend: (m) => m['mountpoint'] ?? dev(m) }],
    },
    {
      title: 'Disk I/O',
      unit: 'bytesPerSec',
      stacked: false,
      queries: [
        { expr: `rate(node_disk_read_bytes_total{${sel}}[${w}])`, legend: (m) => `read ${dev(m)}` },
        { expr: `rate(node_disk_written_bytes_total{${sel}}[${w}])`, legend: (m) => `write ${dev(m)}` },
      ],
    },
    {
      title: 'Network',
      unit: 'bytesPerSec',
      stacked: false,
      queries: [
        { expr: `rate(node_network_receive_bytes_total{${sel},device!="lo"}[${w}])`, legend: (m) => `in ${dev(m)}` },
        { expr: `rate(node_network_transmit_bytes_total{${sel},device!="lo"}[${w}])`, legend: (m) => `out ${dev(m)}` },
      ],
    },
    {
      title: 'Processes',
      unit: 'none',
      stacked: false,
      queries: [
        { expr: `node_procs_running{${sel}}`, legend: () => 'running' },
        { expr: `node_procs_blocked{${sel}}`, legend: () => 'blocked' },
        { expr: `node_processes_pids{${sel}}`, legend: () => 'total' },
      ],
    },
    {
      title: 'Logged-in users',
      unit: 'none',
      stacked: false,
      queries: [{ expr: `node_logged_in_users{${sel}}`, legend: () => 'sessions' }],
    },
  ];
}

/** Instant facts shown above the charts: name → [expr, unit]. */
export function hostFacts(instance: string, job = 'node'): readonly { readonly label: string; readonly expr: string; readonly unit: Unit }[] {
  const sel = `job=${promString(job)},instance=${promString(instance)}`;
  return [
    { label: 'Uptime', expr: `time() - node_boot_time_seconds{${sel}}`, unit: 'seconds' },
    { label: 'CPUs', expr: `count(node_cpu_seconds_total{${sel},mode="idle"})`, unit: 'none' },
    { label: 'Load 1m', expr: `node_load1{${sel}}`, unit: 'none' },
    { label: 'RAM', expr: `node_memory_MemTotal_bytes{${sel}}`, unit: 'bytes' },
    { label: 'Users', expr: `node_logged_in_users{${sel}}`, unit: 'none' },
  ];
}
