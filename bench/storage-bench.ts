// Side-by-side storage benchmark: the synthetic fleet of ../shared/bench loaded into
// Prometheus and VictoriaMetrics (remote write, by the shared fleet-write.mjs) and into
// Vigie's engine (through the Appender, in a child process), in one run.
// Usage: node dist/bench/storage-bench.js [--hosts 10] [--hours 24] [--out bench/results]
// Needs: apt-get install -y prometheus victoria-metrics (make bench does it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, TEMPLATE, sharedTool, sleep, startPrometheus, startVictoriaMetrics, vigieNodeEnv, vigieNodeFlags, waitHttp } from './peers.js';
import { cpuSeconds, duBytes, rssBytes } from './proc-stats.js';

const { values: args } = parseArgs({
  options: { hosts: { type: 'string', default: '10' }, hours: { type: 'string', default: '24' }, out: { type: 'string', default: 'bench/results' } },
});
const root = ROOT;
const template = TEMPLATE;
const hosts = Number(args.hosts), hours = Number(args.hours);
const end = Math.floor(Date.now() / 60000) * 60000;
const work = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
const MiB = 1024 * 1024;
/** The Node flags bin/vigie runs with, so the engine is measured as shipped. */
const VIGIE_NODE_FLAGS = vigieNodeFlags();

/** Prometheus' blocks: bytes and samples from each block's meta.json. */
function promBlocks(dir: string): { bytes: number; samples: number; blocks: number } {
  let bytes = 0, samples = 0, blocks = 0;
  for (const name of readdirSync(dir)) {
    const meta = join(dir, name, 'meta.json');
    if (!existsSync(meta)) continue;
    samples += (JSON.parse(readFileSync(meta, 'utf8')) as { stats: { numSamples: number } }).stats.numSamples;
    bytes += duBytes(join(dir, name));
    blocks++;
  }
  return { bytes, samples, blocks };
}

async function references(): Promise<Record<string, Record<string, number>>> {
  // The shared tool needs snappyjs: install it in a scratch copy, never in ../shared.
  const tool = sharedTool(work);
  const promDir = join(work, 'prom'), vmDir = join(work, 'vm');
  const prom = startPrometheus(work);
  const vm = startVictoriaMetrics(work);
  try {
    await waitHttp('http://127.0.0.1:19090/-/ready');
    await waitHttp('http://127.0.0.1:18428/health');
    const c0 = { prom: cpuSeconds(prom.pid!), vm: cpuSeconds(vm.pid!) };
    const out = execFileSync(process.execPath, [join(tool, 'fleet-write.mjs'), '--template', template, '--url',
      'http://127.0.0.1:19090/api/v1/write,http://127.0.0.1:18428/api/v1/write', '--hosts', String(hosts), '--hours', String(hours), '--end', String(end)], { encoding: 'utf8' });
    const load = JSON.parse(out.trim().split('\n').pop()!) as { samples: number; errors: number };
    if (load.errors > 0) throw new Error(`fleet-write reported ${load.errors} errors`);
    const c1 = { prom: cpuSeconds(prom.pid!), vm: cpuSeconds(vm.pid!) };
    const rss = { prom: rssBytes(prom.pid!), vm: rssBytes(vm.pid!) };
    // Prometheus persists its head on its own schedule (checked every minute): wait until stable.
    let last = -1;
    for (let i = 0; i < 40; i++) {
      await sleep(15_000);
      const s = promBlocks(promDir).samples;
      if (s > 0 && s === last) break;
      last = s;
    }
    const pb = promBlocks(promDir);
    await fetch('http://127.0.0.1:18428/internal/force_flush');
    await sleep(5000);
    // Vigie is measured once its blocks are written: measure the references at that point too.
    const rssFlushed = { prom: rssBytes(prom.pid!), vm: rssBytes(vm.pid!) };
    const vmBytes = duBytes(join(vmDir, 'data'));
    return {
      prometheus: { cpuSecondsPerMillion: ((c1.prom - c0.prom) / load.samples) * 1e6, rssMiBAfterLoad: rss.prom / MiB, rssMiB: rssFlushed.prom / MiB, bytesPerSample: pb.bytes / pb.samples, blockSamples: pb.samples },
      victoriametrics: { cpuSecondsPerMillion: ((c1.vm - c0.vm) / load.samples) * 1e6, rssMiBAfterLoad: rss.vm / MiB, rssMiB: rssFlushed.vm / MiB, bytesPerSample: vmBytes / load.samples, blockSamples: load.samples },
    };
  } finally {
    prom.kill('SIGTERM');
    vm.kill('SIGTERM');
    await sleep(1000);
  }
}

function vigie(): Record<string, number> {
  const dir = join(work, 'vigie');
  const out = execFileSync(process.execPath, [...VIGIE_NODE_FLAGS, join(root, 'dist/bench/vigie-ingest.js'), dir, template, String(hosts), String(hours), String(end)], {
    encoding: 'utf8', maxBuffer: 1 << 24, env: vigieNodeEnv(),
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  return {
    cpuSecondsPerMillion: (r['cpuSeconds']! / r['samples']!) * 1e6,
    rssMiB: r['rssBytes']! / MiB,
    bytesPerSample: r['blockBytes']! / r['blockSamples']!,
    blockSamples: r['blockSamples']!,
    bytesPerSeriesHeap: r['heapUsedBytes']! / r['series']!,
    ingestSamplesPerSecond: r['samples']! / r['ingestWallSeconds']!,
  };
}

async function main(): Promise<void> {
  console.error(`fleet: ${hosts} hosts x ${hours} h, end ${end}; scratch ${work}`);
  const v = vigie();
  console.error('vigie', v);
  const refs = await references();
  const all = { vigie: v, ...refs };
  const p = refs['prometheus']!, m = refs['victoriametrics']!;
  const f = (x: number, d = 2) => x.toFixed(d);
  const table = [
    `| figure | Vigie | Prometheus | VictoriaMetrics | Vigie / Prometheus | Vigie / VictoriaMetrics |`,
    `|---|---|---|---|---|---|`,
    `| bytes on disk per sample (blocks) | ${f(v['bytesPerSample']!, 3)} | ${f(p['bytesPerSample']!, 3)} | ${f(m['bytesPerSample']!, 3)} | ${f(v['bytesPerSample']! / p['bytesPerSample']!)} | ${f(v['bytesPerSample']! / m['bytesPerSample']!)} |`,
    `| CPU s per million samples ingested | ${f(v['cpuSecondsPerMillion']!, 3)} | ${f(p['cpuSecondsPerMillion']!, 3)} | ${f(m['cpuSecondsPerMillion']!, 3)} | ${f(v['cpuSecondsPerMillion']! / p['cpuSecondsPerMillion']!)} | ${f(v['cpuSecondsPerMillion']! / m['cpuSecondsPerMillion']!)} |`,
    `| RSS once blocks are written (MiB) | ${f(v['rssMiB']!, 0)} | ${f(p['rssMiB']!, 0)} | ${f(m['rssMiB']!, 0)} | ${f(v['rssMiB']! / p['rssMiB']!)} | ${f(v['rssMiB']! / m['rssMiB']!)} |`,
    `| RSS right after the load (MiB) | — | ${f(p['rssMiBAfterLoad']!, 0)} | ${f(m['rssMiBAfterLoad']!, 0)} | | |`,
  ].join('\n');
  console.log(table);
  mkdirSync(resolve(root, args.out), { recursive: true });
  writeFileSync(resolve(root, args.out, `storage-${new Date().toISOString().slice(0, 19)}.json`), JSON.stringify({ end, hosts, hours, ...all }, null, 2));
  rmSync(work, { recursive: true, force: true });
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
