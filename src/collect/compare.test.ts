// Compares Vigie's host collectors with the real node_exporter (Debian's prometheus-node-exporter)
// on this machine, at the same moment: same metric names, same label sets, values within
// tolerances that allow for the few milliseconds between the two reads.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, type MetricSample, collectAll, hostCollectors } from './index.js';
import { freePort } from '../common/index.js';

const CANDIDATES = ['/usr/bin/prometheus-node-exporter', '/usr/local/bin/node_exporter', '/usr/bin/node_exporter'];
const NE_COLLECTORS = ['cpu', 'meminfo', 'loadavg', 'filesystem', 'diskstats', 'netdev', 'netclass', 'stat', 'filefd', 'uname', 'time', 'processes'];

interface Series {
  readonly name: string;
  readonly key: string;
  readonly value: number;
}

/** A deliberately small parser of the text format (node_exporter's output only): `name{k="v",...} value`. */
function parseText(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`cannot parse ${JSON.stringify(line)}`);
    const labels: [string, string][] = [];
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (const l of (m[2] ?? '').matchAll(re)) {
      const v = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      if (v !== '') labels.push([l[1]!, v]);
    }
    const v = m[3]!;
    out.push({ name: m[1]!, key: seriesKey(m[1]!, labels), value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return out;
}

function seriesKey(name: string, labels: readonly (readonly [string, string])[]): string {
  const l = labels.filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : 1));
  return `${name}{${l.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** Allowed |vigie - node_exporter| for one series. */
function tolerance(name: string, ref: number): number {
  const rel = (r: number, abs: number): number => Math.max(Math.abs(ref) * r, abs);
  if (name.startsWith('node_cpu_')) return rel(0.02, 1);
  if (/^node_load/.test(name)) return 0.5;
  if (name === 'node_boot_time_seconds') return 1;
  if (name === 'node_time_seconds') return 5;
  if (name.startsWith('node_memory_HugePages') || name === 'node_memory_MemTotal_bytes' || name.endsWith('Total_bytes') && !name.includes('Vmalloc')) return rel(0.001, 0);
  if (name.startsWith('node_memory_')) return rel(0.05, 64 * 2 ** 20);
  if (name === 'node_filesystem_size_bytes' || name === 'node_filesystem_files') return 0;
  if (name.startsWith('node_filesystem_')) return rel(0.01, 256 * 2 ** 20);
  if (name.startsWith('node_disk_')) return name.endsWith('bytes_total') ? rel(0.1, 512 * 2 ** 20) : name.includes('seconds') ? rel(0.1, 10) : rel(0.1, 20_000);
  if (name.startsWith('node_network_')) return name.includes('bytes') ? rel(0.05, 16 * 2 ** 20) : rel(0.05, 20_000);
  if (name === 'node_context_switches_total' || name === 'node_intr_total') return rel(0.05, 500_000);
  if (name === 'node_forks_total') return rel(0.01, 2000);
  if (name.startsWith('node_procs_')) return 4 * cpus().length + 20;
  if (name === 'node_filefd_allocated') return 2000;
  // processes: the two walks of /proc overlap but are not one instant (each takes some ms), so
  // tasks forked or exited meanwhile, and tasks that changed state (R <-> S <-> D), differ; each
  // scraper also sees the other's own threads come and go (Go's and libuv's pools). A few
  // processes either way, each with up to a few dozen threads (a node or Go program), on top of
  // 2% of the host's count. The limits (pid_max, threads-max) must be equal (fall through to 0).
  if (name === 'node_processes_pids' || name === 'node_processes_state') return rel(0.02, 10);
  if (name === 'node_processes_threads' || name === 'node_processes_threads_state') return rel(0.02, 40);
  return 0;
}


async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

describe('comparison with node_exporter', () => {
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGTERM');
  });

  it('emits the same series as node_exporter, with close values', async (t) => {
    if (platform() !== 'linux') {
      t.skip('SKIPPED LOUDLY: node_exporter comparison needs Linux');
      return;
    }
    const bin = CANDIDATES.find((p) => existsSync(p));
    if (bin === undefined) {
      const why = `SKIPPED LOUDLY: node_exporter not installed (looked for ${CANDIDATES.join(', ')}); run "apt-get install -y prometheus-node-exporter" or make test (TEST_PEERS) to compare Vigie's host metrics with it`;
      console.error(why);
      t.skip(why);
      return;
    }
    // Vigie side: the same exclusions passed explicitly to both (Debian patches node_exporter's defaults).
    const collectors = hostCollectors({ collectors: [...NE_COLLECTORS, 'users'] });
    let base = '';
    let ready = false;
    for (let attempt = 0; attempt < 3 && !ready; attempt++) {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const flags = [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        ...NE_COLLECTORS.map((c) => `--collector.${c}`),
        '--no-collector.netdev.netlink', // read /proc/net/dev as Vigie does
        '--collector.netdev.device-exclude=^$', // Debian's default is ^lo$; upstream excludes nothing
        `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE}`,
        `--collector.filesystem.fs-types-exclude=${DEFAULT_FS_TYPES_EXCLUDE}`,
      ];
      child = spawn(bin, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 50 && child.exitCode === null; i++) {
        try {
          await scrape(`${base}/metrics`);
          ready = true;
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (!ready) {
        child.kill('SIGTERM');
        console.error(`node_exporter did not start on ${base} (attempt ${attempt + 1}): ${stderr.slice(-500)}`);
      }
    }
    assert.ok(ready, 'node_exporter did not answer on its port');

    // Both at the same moment.
    const [neText, vigie] = await Promise.all([scrape(`${base}/metrics`), collectAll(collectors, AbortSignal.timeout(10_000))]);
    const ne = parseText(neText).filter((s) => s.name.startsWith('node_') && !s.name.startsWith('node_exporter_') && s.name !== 'node_scrape_collector_duration_seconds');
    const vigieOnly = new Set(['node_logged_in_users', 'node_scrape_collector_duration_seconds']);
    const mine = vigie.filter((s: MetricSample) => !vigieOnly.has(s.name) && !(s.name === 'node_scrape_collector_success' && s.labels[0]?.[1] === 'users'));
    const neByKey = new Map(ne.map((s) => [s.key, s]));
    const myByKey = new Map(mine.map((s) => [seriesKey(s.name, s.labels), s]));
    const myFamilies = new Set(mine.map((s) => s.name));

    // Families that have a series only for the values seen (node_processes_state{state="D"} exists
    // while some process is in D): a series one side lacks is a 0 there, compared within tolerance.
    const zeroWhenAbsent = new Set(['node_processes_state', 'node_processes_threads_state']);
    const sparse: { key: string; name: string; vigie: number; ne: number }[] = [];
    for (const [key, s] of myByKey) if (zeroWhenAbsent.has(s.name) && !neByKey.has(key)) sparse.push({ key, name: s.name, vigie: s.value, ne: 0 });
    for (const s of neByKey.values()) if (zeroWhenAbsent.has(s.name) && !myByKey.has(s.key)) sparse.push({ key: s.key, name: s.name, vigie: 0, ne: s.value });
    const missingInNe = [...myByKey].filter(([k, s]) => !neByKey.has(k) && !zeroWhenAbsent.has(s.name)).map(([k]) => k);
    const missingInVigie = [...neByKey.values()].filter((s) => myFamilies.has(s.name) && !myByKey.has(s.key) && !zeroWhenAbsent.has(s.name)).map((s) => s.key);
    const neOnlyFamilies = [...new Set(ne.filter((s) => !myFamilies.has(s.name)).map((s) => s.name))].sort();

    const offenders: string[] = [];
    const worst = new Map<string, { n: number; maxAbs: number; maxRel: number }>();
    for (const [key, s] of myByKey) {
      const ref = neByKey.get(key);
      if (ref === undefined) continue;
      const diff = Math.abs(s.value - ref.value);
      const group = s.name.replace(/^(node_[a-z]+)_.*$/, '$1');
      const w = worst.get(group) ?? { n: 0, maxAbs: 0, maxRel: 0 };
      w.n++;
      w.maxAbs = Math.max(w.maxAbs, diff);
      w.maxRel = Math.max(w.maxRel, ref.value === 0 ? (diff === 0 ? 0 : 1) : diff / Math.abs(ref.value));
      worst.set(group, w);
      if (!(diff <= tolerance(s.name, ref.value))) offenders.push(`${key}: vigie ${s.value} vs node_exporter ${ref.value}`);
    }
    for (const x of sparse) {
      if (!(Math.abs(x.vigie - x.ne) <= tolerance(x.name, x.ne))) offenders.push(`${x.key}: vigie ${x.vigie} vs node_exporter ${x.ne} (series absent on one side)`);
    }

    // Cost of one collection (not asserted).
    const runs = 20;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await collectAll(collectors, AbortSignal.timeout(10_000));
    const wallMs = (performance.now() - t0) / runs;
    const cpu = process.cpuUsage(cpu0);
    const neDur = parseText(neText).filter((s) => s.name === 'node_scrape_collector_duration_seconds').reduce((a, s) => a + s.value, 0);

    const report = [
      `node_exporter ${bin}: ${ne.length} series; vigie: ${mine.length} comparable series (${vigie.length} in all)`,
      `compared ${[...worst.values()].reduce((a, w) => a + w.n, 0)} series; per group (n, max abs diff, max rel diff):`,
      ...[...worst].sort().map(([g, w]) => `  ${g.padEnd(20)} ${String(w.n).padStart(4)}  ${w.maxAbs.toPrecision(3).padStart(10)}  ${(w.maxRel * 100).toFixed(3)}%`),
      `node_exporter-only families (not implemented by Vigie): ${neOnlyFamilies.join(' ') || 'none'}`,
      `one collect(): ${wallMs.toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / runs).toFixed(2)} ms CPU (node_exporter's collectors: ${(neDur * 1000).toFixed(2)} ms summed durations)`,
    ];
    console.log(report.join('\n'));
    t.diagnostic(report.join(' | '));

    assert.deepEqual(missingInNe, [], 'series Vigie emits that node_exporter does not');
    assert.deepEqual(missingInVigie, [], 'series node_exporter emits (in families Vigie has) that Vigie lacks');
    assert.deepEqual(offenders, [], 'values out of tolerance');
    // The families dashboards use must all be there.
    for (const f of ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_load1', 'node_network_receive_bytes_total', 'node_boot_time_seconds', 'node_uname_info', 'node_disk_io_time_seconds_total']) {
      if (ne.some((s) => s.name === f)) assert.ok(myFamilies.has(f), f);
    }
    const mustHavePrefixes = ['node_memory_', 'node_filesystem_', 'node_cpu_seconds', 'node_network_receive_', 'node_network_transmit_', 'node_load'];
    assert.deepEqual(neOnlyFamilies.filter((f) => mustHavePrefixes.some((p) => f.startsWith(p)) && !/^node_network_transmit_queue_length$/.test(f)), []);
  });
});
