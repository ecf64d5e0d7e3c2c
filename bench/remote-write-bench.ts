// Remote-write ingest benchmark: the shared fleet-write.mjs sends the same synthetic fleet
// (protobuf + snappy) to Vigie's receiver (POST /api/v1/write on a real Db, in a child
// process), Prometheus and VictoriaMetrics, in one run; each server's CPU seconds per
// million samples (from /proc) and the load's throughput are compared.
// Usage: node dist/bench/remote-write-bench.js [--hosts 10] [--hours 6] [--out bench/results]
// Needs: apt-get install -y prometheus victoria-metrics.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROM_URL, ROOT, TEMPLATE, VM_URL, sharedTool, sleep, start, startPrometheus, startVictoriaMetrics, toolWithVigieAuth, vigieEnv, waitHttp } from './peers.js';
import { cpuSeconds, rssBytes } from './proc-stats.js';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10' },
    hours: { type: 'string', default: '6' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const root = ROOT;
  const hosts = Number(args.hosts), hours = Number(args.hours);
  const end = Math.floor(Date.now() / 60000) * 60000;
  const work = mkdtempSync(join(tmpdir(), 'vigie-rwbench-'));
  console.error(`fleet: ${hosts} hosts x ${hours} h, end ${end}; scratch ${work}`);
  const tool = sharedTool(work);
  // Vigie as shipped (bin/vigie and its Node flags), monitoring nothing but what it receives.
  writeFileSync(join(work, 'vigie.yml'), 'host:\n  enabled: false\nstorage:\n  retention:\n    time: 30d\n');
  const vigie = start(join(ROOT, 'bin/vigie'), ['server', '--config', join(work, 'vigie.yml'), '--data-dir', join(work, 'vigie'), '--listen', '127.0.0.1:19401', '--log.level', 'warn'], vigieEnv());
  // fleet-write.mjs sends no credentials: a preloaded fetch adds Vigie's token (to Vigie only).
  const withAuth = toolWithVigieAuth('http://127.0.0.1:19401');
  const prom = startPrometheus(work);
  const vm = startVictoriaMetrics(work);
  const procs = { vigie, prometheus: prom, victoriametrics: vm };
  try {
    await waitHttp('http://127.0.0.1:19401/-/ready');
    await waitHttp(`${PROM_URL}/-/ready`);
    await waitHttp(`${VM_URL}/health`);
    await sleep(2000);
    // One URL at a time, so each system's throughput is measured alone on the same data.
    const result: Record<string, Record<string, number>> = {};
    for (const [name, url] of [['vigie', 'http://127.0.0.1:19401/api/v1/write'], ['prometheus', 'http://127.0.0.1:19090/api/v1/write'], ['victoriametrics', 'http://127.0.0.1:18428/api/v1/write']] as const) {
      const c0 = cpuSeconds(procs[name].pid!);
      const out = execFileSync(process.execPath, [...withAuth.nodeArgs, join(tool, 'fleet-write.mjs'), '--template', TEMPLATE, '--url', url,
        '--hosts', String(hosts), '--hours', String(hours), '--end', String(end)], { encoding: 'utf8', env: withAuth.env });
      const load = JSON.parse(out.trim().split('\n').pop()!) as { samples: number; errors: number; seconds: number };
      const c1 = cpuSeconds(procs[name].pid!);
      if (load.errors > 0) throw new Error(`${name}: fleet-write reported ${load.errors} errors`);
      result[name] = { samples: load.samples, cpuSecondsPerMillion: ((c1 - c0) / load.samples) * 1e6, samplesPerSecond: load.samples / load.seconds, rssMiB: rssBytes(procs[name].pid!) / MiB };
      console.error(name, result[name]);
    }
    const v = result['vigie']!, p = result['prometheus']!, m = result['victoriametrics']!;
    const f = (x: number, d = 2) => x.toFixed(d);
    console.log([
      `| remote write, ${v.samples} samples | Vigie | Prometheus | VictoriaMetrics | Vigie / Prometheus | Vigie / VictoriaMetrics |`,
      `|---|---|---|---|---|---|`,
      `| server CPU s per million samples | ${f(v.cpuSecondsPerMillion!, 3)} | ${f(p.cpuSecondsPerMillion!, 3)} | ${f(m.cpuSecondsPerMillion!, 3)} | ${f(v.cpuSecondsPerMillion! / p.cpuSecondsPerMillion!)} | ${f(v.cpuSecondsPerMillion! / m.cpuSecondsPerMillion!)} |`,
      `| samples per second (client-side wall) | ${f(v.samplesPerSecond!, 0)} | ${f(p.samplesPerSecond!, 0)} | ${f(m.samplesPerSecond!, 0)} | ${f(v.samplesPerSecond! / p.samplesPerSecond!)} | ${f(v.samplesPerSecond! / m.samplesPerSecond!)} |`,
      `| RSS after its load (MiB) | ${f(v.rssMiB!, 0)} | ${f(p.rssMiB!, 0)} | ${f(m.rssMiB!, 0)} | ${f(v.rssMiB! / p.rssMiB!)} | ${f(v.rssMiB! / m.rssMiB!)} |`,
    ].join('\n'));
    mkdirSync(resolve(root, args.out), { recursive: true });
    writeFileSync(resolve(root, args.out, `remote-write-${new Date().toISOString().slice(0, 19)}.json`), JSON.stringify({ end, hosts, hours, ...result }, null, 2));
  } finally {
    for (const p of Object.values(procs)) p.kill('SIGTERM');
    await sleep(2000);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
