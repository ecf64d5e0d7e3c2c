// Probe scheduler cost: Vigie (bin/vigie server probing N HTTP targets, storing the results)
// vs Debian's blackbox_exporter probing the same targets for a Prometheus that scrapes it.
// Usage: node dist/bench/probe-bench.js [--targets 1000] [--interval 15] [--warmup 25] [--seconds 150]
// Targets are paths of one HTTP server run in its own process (its CPU is not counted); it
// records when each path is requested, which gives both systems' schedule jitter the same way:
// |gap between two consecutive probes of a target − interval|.
// Reports CPU share (CPU seconds / wall seconds over the window after warm-up; Prometheus and
// blackbox_exporter also summed), RSS at the end, and the jitter percentiles.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSeconds, rssBytes } from './proc-stats.js';
import { start, vigieNodeEnv, vigieNodeFlags, waitHttp } from './peers.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const TARGET_PORT = Number(arg('target-port', '19610'));
const VIGIE_PORT = 19611;
const BLACKBOX_PORT = 19612;
const PROM_PORT = 19613;

/** Child mode: the HTTP targets. GET /t/N answers 200; /_jitter?interval=S reports and resets the arrival log. */
function targetsChild(): void {
  let arrivals = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/_jitter')) {
      const iv = Number(new URL(url, 'http://x').searchParams.get('interval')) * 1000;
      const dev: number[] = [];
      let probes = 0;
      for (const times of arrivals.values()) {
        probes += times.length;
        for (let i = 1; i < times.length; i++) dev.push(Math.abs(times[i]! - times[i - 1]! - iv));
      }
      dev.sort((a, b) => a - b);
      const q = (p: number): number => dev[Math.min(dev.length - 1, Math.floor(p * dev.length))] ?? NaN;
      arrivals = new Map();
      res.end(JSON.stringify({ probes, gaps: dev.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: dev[dev.length - 1] ?? NaN }));
      return;
    }
    if (url.startsWith('/_reset')) {
      arrivals = new Map();
      res.end('ok');
      return;
    }
    const t = performance.now();
    let a = arrivals.get(url);
    if (a === undefined) arrivals.set(url, (a = []));
    a.push(t);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  server.keepAliveTimeout = 60_000;
  server.listen(TARGET_PORT, '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

interface Jitter {
  probes: number;
  gaps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface Measured {
  name: string;
  cpuShare: number;
  rssMiB: number;
}

async function measure(procs: { name: string; proc: ChildProcess }[], warmupS: number, seconds: number, interval: number): Promise<{ results: Measured[]; jitter: Jitter }> {
  await sleep(warmupS * 1000);
  await fetch(`http://127.0.0.1:${TARGET_PORT}/_reset`);
  const c0 = procs.map((p) => cpuSeconds(p.proc.pid!));
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const wall = (performance.now() - t0) / 1000;
  const results = procs.map((p, i) => ({ name: p.name, cpuShare: (cpuSeconds(p.proc.pid!) - c0[i]!) / wall, rssMiB: rssBytes(p.proc.pid!) / 2 ** 20 }));
  const jitter = (await (await fetch(`http://127.0.0.1:${TARGET_PORT}/_jitter?interval=${interval}`)).json()) as Jitter;
  return { results, jitter };
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  const done = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([done, sleep(30_000)]);
  if (p.exitCode === null) p.kill('SIGKILL');
}

const targetUrls = (n: number): string[] => Array.from({ length: n }, (_, i) => `http://127.0.0.1:${TARGET_PORT}/t/${i}`);

async function runVigie(work: string, n: number, interval: number, warmup: number, seconds: number): Promise<{ results: Measured[]; jitter: Jitter; lag: string }> {
  const cfg = join(work, 'vigie.yml');
  const targets = targetUrls(n).map((t) => `      - ${t}\n`).join('');
  await writeFile(cfg, `host:\n  enabled: false\nprobes:\n  - job_name: web\n    module: http_2xx\n    interval: ${interval}s\n    targets:\n${targets}`);
  const token = 'probe-bench';
  const vigie = start(process.execPath, [...vigieNodeFlags(), join(ROOT, 'bin', 'vigie'), 'server', '--config', cfg, '--data-dir', join(work, 'vigie-data'), '--listen', `127.0.0.1:${VIGIE_PORT}`, '--log.level', 'warn'], {
    ...vigieNodeEnv(),
    VIGIE_API_TOKEN: token,
  });
  try {
    await waitHttp(`http://127.0.0.1:${VIGIE_PORT}/-/ready`);
    const m = await measure([{ name: 'vigie', proc: vigie }], warmup, seconds, interval);
    const metrics = await (await fetch(`http://127.0.0.1:${VIGIE_PORT}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
    const lag = metrics
      .split('\n')
      .filter((l) => /^vigie_probe_schedule_lag_seconds_(bucket|sum|count)|^vigie_probes_total|^vigie_probes_skipped_total/.test(l))
      .join('\n');
    return { ...m, lag };
  } finally {
    await stopProc(vigie);
  }
}

async function runBlackbox(work: string, n: number, interval: number, warmup: number, seconds: number): Promise<{ results: Measured[]; jitter: Jitter }> {
  const bb = join(work, 'blackbox.yml');
  await writeFile(bb, 'modules:\n  http_2xx:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n');
  const prom = join(work, 'prometheus.yml');
  const targets = targetUrls(n).map((t) => `          - ${t}\n`).join('');
  await writeFile(
    prom,
    `global:\n  scrape_interval: ${interval}s\n  scrape_timeout: ${Math.round(Math.min(10, interval * 0.9) * 1000)}ms\nscrape_configs:\n  - job_name: web\n    metrics_path: /probe\n    params:\n      module: [http_2xx]\n    static_configs:\n      - targets:\n${targets}    relabel_configs:\n      - source_labels: [__address__]\n        target_label: __param_target\n      - source_labels: [__param_target]\n        target_label: instance\n      - target_label: __address__\n        replacement: 127.0.0.1:${BLACKBOX_PORT}\n`,
  );
  await mkdir(join(work, 'prom-data'));
  const blackbox = start('/usr/bin/prometheus-blackbox-exporter', [`--config.file=${bb}`, `--web.listen-address=127.0.0.1:${BLACKBOX_PORT}`, '--log.level=warn']);
  const prometheus = start('prometheus', [`--config.file=${prom}`, `--storage.tsdb.path=${join(work, 'prom-data')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`, '--log.level=warn']);
  try {
    await waitHttp(`http://127.0.0.1:${BLACKBOX_PORT}/-/healthy`);
    await waitHttp(`http://127.0.0.1:${PROM_PORT}/-/ready`);
    return await measure(
      [
        { name: 'blackbox_exporter', proc: blackbox },
        { name: 'prometheus', proc: prometheus },
      ],
      warmup,
      seconds,
      interval,
    );
  } finally {
    await stopProc(prometheus);
    await stopProc(blackbox);
  }
}

async function main(): Promise<void> {
  const n = Number(arg('targets', '1000'));
  const interval = Number(arg('interval', '15'));
  const warmup = Number(arg('warmup', '25'));
  const seconds = Number(arg('seconds', '150'));
  const work = await mkdtemp(join(tmpdir(), 'vigie-probe-bench-'));
  const targets = spawn(process.execPath, [process.argv[1]!, '--targets-child', '--target-port', String(TARGET_PORT)], { stdio: 'inherit' });
  const out: Record<string, unknown> = { targets: n, intervalSeconds: interval, warmup, seconds };
  try {
    await sleep(1000);
    const v = await runVigie(work, n, interval, warmup, seconds);
    out['vigie'] = v;
    if (spawnSync('sh', ['-c', 'command -v prometheus && test -x /usr/bin/prometheus-blackbox-exporter']).status === 0) {
      out['blackbox'] = await runBlackbox(work, n, interval, warmup, seconds);
    } else {
      console.warn('prometheus or prometheus-blackbox-exporter not installed: no reference measured');
    }
  } finally {
    await stopProc(targets);
    await rm(work, { recursive: true, force: true });
  }
  console.log(`probes: ${n} HTTP targets every ${interval}s; window ${seconds}s after ${warmup}s warm-up`);
  const line = (r: Measured): string => `${r.name.padEnd(18)} CPU ${(r.cpuShare * 100).toFixed(1).padStart(6)}%  RSS ${r.rssMiB.toFixed(0).padStart(6)} MiB`;
  const jit = (j: Jitter): string => `jitter |gap − interval| over ${j.gaps} gaps (${j.probes} probes): p50 ${j.p50.toFixed(1)} ms, p90 ${j.p90.toFixed(1)} ms, p99 ${j.p99.toFixed(1)} ms, max ${j.max.toFixed(1)} ms`;
  const v = out['vigie'] as { results: Measured[]; jitter: Jitter; lag: string };
  for (const r of v.results) console.log(line(r));
  console.log(`  ${jit(v.jitter)}`);
  console.log(v.lag);
  const b = out['blackbox'] as { results: Measured[]; jitter: Jitter } | undefined;
  if (b !== undefined) {
    for (const r of b.results) console.log(line(r));
    console.log(`  ${jit(b.jitter)}`);
    const both = b.results.reduce((s, r) => s + r.cpuShare, 0);
    const bbOnly = b.results[0]!.cpuShare;
    const vc = v.results[0]!.cpuShare;
    console.log(`ratio vigie / (blackbox_exporter + prometheus): CPU ${(vc / both).toFixed(2)}×; vigie / blackbox_exporter alone: CPU ${(vc / bbOnly).toFixed(2)}×`);
  }
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(join(ROOT, 'bench/results/probe-bench.json'), JSON.stringify(out, null, 2) + '\n');
}

if (process.argv.includes('--targets-child')) targetsChild();
else await main();
