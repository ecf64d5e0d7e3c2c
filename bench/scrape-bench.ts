// Scraper cost: Vigie (ScrapeManager + its TSDB, through the server's appendable chain) vs
// Prometheus and VictoriaMetrics scraping the same synthetic node_exporter fleet (../shared/bench/scrape-targets.mjs: N targets × 507 series).
// Usage: node dist/bench/scrape-bench.js [--hosts 1000] [--interval 15s] [--warmup 30] [--seconds 120]
//   [--reference no] (Vigie only) [--node-flags '--expose-gc --max-semi-space-size=16'] (default: bin/vigie's)
// Reports CPU share (CPU seconds / wall seconds over the window after warm-up) and RSS at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config/index.js';
import { Db } from '../src/tsdb/index.js';
import { createLogger, systemClock } from '../src/common/index.js';
import { ScrapeManager } from '../src/scrape/index.js';
import { countingAppendable, createMetricsRegistry } from '../src/server/index.js';
import { teeAppendable } from '../src/storage/index.js';
import { cpuSeconds, rssBytes } from './proc-stats.js';
import { vigieNodeEnv, vigieNodeFlags } from './peers.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Child mode: scrape the config into a Vigie TSDB until SIGTERM. */
async function child(configFile: string, dir: string): Promise<void> {
  const logger = createLogger({ level: 'warn', format: 'json' });
  const gc = (globalThis as { gc?: () => void }).gc;
  const db = await Db.open({ dir, logger, clock: systemClock, ...(gc ? { releaseMemory: gc } : {}) });
  const { config } = await loadConfig(configFile);
  // The server's chain (src/main.ts): counted, teed to remote write (none configured), then the Db.
  const appendable = countingAppendable(teeAppendable(db, () => undefined, () => false), createMetricsRegistry('bench'));
  const mgr = new ScrapeManager({ appendable, logger });
  const ac = new AbortController();
  await mgr.applyConfig(config.scrape_configs, config.global);
  await mgr.start(ac.signal);
  await new Promise<void>((r) => process.once('SIGTERM', () => r()));
  const up = mgr.targets().filter((t) => t.health === 'up').length;
  process.stderr.write(`vigie child: ${up}/${mgr.targets().length} targets up\n`);
  ac.abort();
  await mgr.stop();
  await db.close();
}

async function measure(name: string, proc: ChildProcess, warmupS: number, seconds: number): Promise<{ name: string; cpuShare: number; rssMB: number }> {
  await sleep(warmupS * 1000);
  const pid = proc.pid!;
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(pid) - c0;
  const wall = (performance.now() - t0) / 1000;
  const rss = rssBytes(pid);
  return { name, cpuShare: cpu / wall, rssMB: rss / 2 ** 20 };
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([done, sleep(30_000)]);
  if (p.exitCode === null) p.kill('SIGKILL');
}

async function main(): Promise<void> {
  const hosts = arg('hosts', '1000');
  const interval = arg('interval', '15s');
  const warmup = Number(arg('warmup', '30'));
  const seconds = Number(arg('seconds', '120'));
  const port = arg('port', '19500');
  const work = await mkdtemp(join(tmpdir(), 'vigie-scrape-bench-'));
  const cfgFile = join(work, 'scrape.yml');
  const shared = resolve('../shared/bench');
  const targets = spawn(process.execPath, [join(shared, 'scrape-targets.mjs'), '--template', join(shared, 'node-template.prom'), '--port', port, '--hosts', hosts, '--out', cfgFile, '--interval', interval], { stdio: 'inherit' });
  const results: { name: string; cpuShare: number; rssMB: number }[] = [];
  try {
    await sleep(1500);
    const flags = arg('node-flags', '') === '' ? vigieNodeFlags() : arg('node-flags', '').split(' ');
    const vigie = spawn(process.execPath, [...flags, process.argv[1]!, '--child', cfgFile, join(work, 'vigie')], { stdio: 'inherit', env: vigieNodeEnv() });
    results.push(await measure('vigie', vigie, warmup, seconds));
    await stopProc(vigie);
    if (arg('reference', 'yes') === 'no') {
      console.warn('--reference no: Prometheus and VictoriaMetrics not measured (for quick iterations; report only same-run ratios)');
    } else {
      if (spawnSync('sh', ['-c', 'command -v prometheus']).status === 0) {
        await mkdir(join(work, 'prom'));
        const prom = spawn('prometheus', [`--config.file=${cfgFile}`, `--storage.tsdb.path=${join(work, 'prom')}`, '--web.listen-address=127.0.0.1:19091', '--log.level=warn'], { stdio: 'inherit' });
        results.push(await measure('prometheus', prom, warmup, seconds));
        await stopProc(prom);
      } else {
        console.warn('prometheus not installed: no Prometheus reference measured');
      }
      if (spawnSync('sh', ['-c', 'command -v victoria-metrics']).status === 0) {
        // Single-node VictoriaMetrics scraping the same config itself (-promscrape.config).
        const vm = spawn('victoria-metrics', [`-promscrape.config=${cfgFile}`, `-storageDataPath=${join(work, 'vm')}`, '-httpListenAddr=127.0.0.1:18429', '-loggerLevel=WARN'], { stdio: 'inherit' });
        results.push(await measure('victoria-metrics', vm, warmup, seconds));
        await stopProc(vm);
      } else {
        console.warn('victoria-metrics not installed: no VictoriaMetrics reference measured');
      }
    }
  } finally {
    await stopProc(targets);
    await rm(work, { recursive: true, force: true });
  }
  console.log(`scrape: ${hosts} targets × 507 series every ${interval}; window ${seconds}s after ${warmup}s warm-up`);
  for (const r of results) console.log(`${r.name.padEnd(17)} CPU ${(r.cpuShare * 100).toFixed(1).padStart(6)}%  RSS ${r.rssMB.toFixed(0).padStart(6)} MiB`);
  const v = results[0]!;
  for (const r of results.slice(1)) console.log(`ratio vigie/${r.name}: CPU ${(v.cpuShare / r.cpuShare).toFixed(2)}×, RSS ${(v.rssMB / r.rssMB).toFixed(2)}×`);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/scrape-bench.json', JSON.stringify({ hosts: Number(hosts), interval, warmup, seconds, results }, null, 2) + '\n');
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
