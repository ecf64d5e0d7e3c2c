import { CollectError, type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { failOnBadLines, fieldLines, parseNumber, readText } from './read.js';

/** The non-CPU counters of /proc/stat; a field the file lacks is undefined. */
export interface KernelStats {
  /** Total interrupts serviced (first number of `intr`). */
  intr?: number;
  /** Context switches (`ctxt`). */
  ctxt?: number;
  /** Boot time, Unix seconds (`btime`). */
  btime?: number;
  /** Forks since boot (`processes`). */
  processes?: number;
  procsRunning?: number;
  procsBlocked?: number;
}

const KEYS: Readonly<Record<string, keyof KernelStats>> = {
  intr: 'intr',
  ctxt: 'ctxt',
  btime: 'btime',
  processes: 'processes',
  procs_running: 'procsRunning',
  procs_blocked: 'procsBlocked',
};

/** Parses /proc/stat (pure, never throws); a known key with a non-number value lands in `bad`. */
export function parseKernelStats(text: string): { stats: KernelStats; bad: string[] } {
  const stats: KernelStats = {};
  const bad: string[] = [];
  for (const f of fieldLines(text)) {
    const key = KEYS[f[0]!];
    if (key === undefined) continue;
    const v = parseNumber(f[1]);
    if (v === undefined || v < 0) bad.push(f.join(' '));
    else stats[key] = v;
  }
  return { stats, bad };
}

/**
 * node_exporter's `stat` collector: `node_intr_total`, `node_context_switches_total`,
 * `node_boot_time_seconds`, `node_forks_total`, `node_procs_running`, `node_procs_blocked`.
 * Fails when one of them is missing or garbled (the others are still emitted).
 */
export function statCollector(paths: HostPaths): Collector {
  return {
    name: 'stat',
    async collect(emit, signal) {
      const path = procFile(paths, 'stat');
      const { stats, bad } = parseKernelStats(await readText('stat', path, signal));
      const out: [keyof KernelStats, string, 'counter' | 'gauge', string][] = [
        ['intr', 'node_intr_total', 'counter', 'Total number of interrupts serviced.'],
        ['ctxt', 'node_context_switches_total', 'counter', 'Total number of context switches.'],
        ['btime', 'node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.'],
        ['processes', 'node_forks_total', 'counter', 'Total number of forks.'],
        ['procsRunning', 'node_procs_running', 'gauge', 'Number of processes in runnable state.'],
        ['procsBlocked', 'node_procs_blocked', 'gauge', 'Number of processes blocked waiting for I/O to complete.'],
      ];
      const missing: string[] = [];
      for (const [key, name, type, help] of out) {
        const value = stats[key];
        if (value === undefined) missing.push(key);
        else emit({ name, labels: [], value, type, help });
      }
      failOnBadLines('stat', path, bad);
      if (missing.length > 0) throw new CollectError('stat', `${path} lacks ${missing.join(', ')}`);
    },
  };
}
