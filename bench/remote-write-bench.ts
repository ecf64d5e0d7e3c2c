// Remote-write ingest benchmark: the shared fleet-write.mjs sends the same synthetic fleet
// (protobuf + snappy) to Vigie's receiver (POST /api/v1/write on a real Db, in a child
// process), Prometheus and VictoriaMetrics, in one run; each server's CPU seconds per
// million samples (from /proc) and the load's throughput are compared.
// Usage: node dist/bench/remote-write-bench.js [--hosts 10] [--hours 6] [--out bench/results]
// (internal: --serve DIR PORT runs the Vigie receiver)
// Needs: apt-get install -y prometheus victoria-metrics.
// TODO: waitHttp/start duplicate storage-bench.ts's; move both to bench/peers.ts once that file settles.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, systemClock } from '../src/common/index.js';
import { parseConfig } from '../src/config/index.js';
import { createHttpServer, createMetricsRegistry, remoteWriteRoute } from '../src/server/index.js';
import { Db } from '../src/tsdb/index.js';
import { cpuSeconds, rssBytes } from './proc-stats.js';

const { values: args, positionals } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10' },
    hours: { type: 'string', default: '6' },
    out: { type: 'string', default: 'bench/results' },
    serve: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

/** Child mode: a Db and the remote-write route on 127.0.0.1:PORT; prints "ready" when listening. */
async function serve(dir: string, port: number): Promise<void> {
  const logger = createLogger({ level: 'warn', format: 'json' });
  const db = await Db.open({ dir, logger, clock: systemClock });
  const http = createHttpServer(
    { logger, registry: createMetricsRegistry('bench'), isReady: () => true, reload: () => Promise.resolve(), config: () => parseConfig('', 'bench').config, version: 'bench' },
    [remoteWriteRoute({ appendable: db, logger })],
  );
  await http.listen('127.0.0.1', port);
  console.log('ready');
  process.on('SIGTERM', () => {
    void http.close().then(() => db.close()).then(() => process.exit(0));
  });
}

async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function start(cmd: string, argv: string[]): ChildProcess {
  const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  p.on('exit', (code) => {
    if (code) console.error(`${cmd} exited ${code}: ${err}`);
  });
  return p;
}

async function main(): Promise<void> {
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const shared = resolve(root, '../shared/bench');
  const hosts = Number(args.hosts), hours = Number(args.hours);
  const end = Math.floor(Date.now() / 60000) * 60000;
  const work = mkdtempSync(join(tmpdir(), 'vigie-rwbench-'));
  console.error(`fleet: ${hosts} hosts x ${hours} h, end ${end}; scratch ${work}`);
  const tool = join(work, 'tool');
  cpSync(shared, tool, { recursive: true });
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund'], { cwd: tool, stdio: 'inherit' });
  mkdirSync(join(work, 'prom'));
  writeFileSync(join(work, 'empty.yml'), 'scrape_configs: []\n');
  const vigie = start(process.execPath, [new URL(import.meta.url).pathname, '--serve', join(work, 'vigie'), '19401']);
  const prom = start('prometheus', [`--config.file=${join(work, 'empty.yml')}`, `--storage.tsdb.path=${join(work, 'prom')}`, '--web.listen-address=127.0.0.1:19090',
    '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=30d']);
  const vm = start('victoria-metrics', [`-storageDataPath=${join(work, 'vm')}`, '-httpListenAddr=127.0.0.1:18428', '-retentionPeriod=1']);
  const procs = { vigie, prometheus: prom, victoriametrics: vm };
  try {
    await waitHttp('http://127.0.0.1:19401/-/healthy');
    await waitHttp('http://127.0.0.1:19090/-/ready');
    await waitHttp('http://127.0.0.1:18428/health');
    await sleep(2000);
    // One URL at a time, so each system's throughput is measured alone on the same data.
    const result: Record<string, Record<string, number>> = {};
    for (const [name, url] of [['vigie', 'http://127.0.0.1:19401/api/v1/write'], ['prometheus', 'http://127.0.0.1:19090/api/v1/write'], ['victoriametrics', 'http://127.0.0.1:18428/api/v1/write']] as const) {
      const c0 = cpuSeconds(procs[name].pid!);
      const out = execFileSync(process.execPath, [join(tool, 'fleet-write.mjs'), '--template', join(shared, 'node-template.prom'), '--url', url,
        '--hosts', String(hosts), '--hours', String(hours), '--end', String(end)], { encoding: 'utf8' });
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

const run = args.serve ? serve(resolve(positionals[0] ?? 'data'), Number(positionals[1] ?? 19401)) : main();
run.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
