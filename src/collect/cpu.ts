import { type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { failOnBadLines, parseNumber, readText } from './read.js';

/** Linux reports /proc/stat CPU times in USER_HZ ticks, 100 per second on every architecture. */
export const USER_HZ = 100;

/** One `cpuN` line of /proc/stat, in seconds. Fields an old kernel lacks are 0. */
export interface CpuTimes {
  readonly cpu: string;
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
  readonly guest: number;
  readonly guestNice: number;
}

/**
 * Parses the per-CPU lines (`cpu0 ...`; the aggregate `cpu` line is skipped, as node_exporter
 * does) of /proc/stat. Pure; never throws: a `cpuN` line with fewer than 4 numbers or a
 * non-number is returned in `bad`.
 */
export function parseCpuTimes(text: string): { cpus: CpuTimes[]; bad: string[] } {
  const cpus: CpuTimes[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s/.exec(line);
    if (m === null) continue;
    const f = line.trim().split(/\s+/).slice(1);
    const v = f.map(parseNumber);
    if (v.length < 4 || v.some((x) => x === undefined || x < 0)) {
      bad.push(line);
      continue;
    }
    const s = (i: number): number => (v[i] ?? 0) / USER_HZ;
    cpus.push({ cpu: m[1]!, user: s(0), nice: s(1), system: s(2), idle: s(3), iowait: s(4), irq: s(5), softirq: s(6), steal: s(7), guest: s(8), guestNice: s(9) });
  }
  return { cpus, bad };
}

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/**
 * `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total{cpu,mode=user|nice}`
 * (guest time is also included in user/nice, as the kernel reports it).
 */
export function cpuCollector(paths: HostPaths): Collector {
  return {
    name: 'cpu',
    async collect(emit, signal) {
      const path = procFile(paths, 'stat');
      const { cpus, bad } = parseCpuTimes(await readText('cpu', path, signal));
      for (const c of cpus) {
        for (const mode of MODES) {
          emit({ name: 'node_cpu_seconds_total', labels: [['cpu', c.cpu], ['mode', mode]], value: c[mode], type: 'counter', help: 'Seconds the CPUs spent in each mode.' });
        }
        const help = 'Seconds the CPUs spent in guests (VMs) for each mode.';
        emit({ name: 'node_cpu_guest_seconds_total', labels: [['cpu', c.cpu], ['mode', 'user']], value: c.guest, type: 'counter', help });
        emit({ name: 'node_cpu_guest_seconds_total', labels: [['cpu', c.cpu], ['mode', 'nice']], value: c.guestNice, type: 'counter', help });
      }
      failOnBadLines('cpu', path, bad);
    },
  };
}
