// What the scraper keeps in memory per series: N scrape loops (the real ScrapeLoop, HTTP
// client and TSDB) scrape ../shared/bench/scrape-targets.mjs as fast as they can for R
// rounds, each round 15 s later on a simulated clock, then the heap is measured after a
// full GC. With --snapshot FILE, a heap snapshot is written and summarised by object kind
// (use a small --hosts for that: a snapshot of 500k series is gigabytes).
// Usage: node --expose-gc dist/bench/scrape-heap.js [--hosts 1000] [--rounds 10] [--snapshot /tmp/s.heapsnapshot]
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '../src/config/index.js';
import { Db } from '../src/tsdb/index.js';
import { createLogger, type Clock } from '../src/common/index.js';
import { KeyPool, LabelInterner, ScrapeClient, ScrapeLoop, Target, defaultParser } from '../src/scrape/index.js';
import { labelsFromPairs } from '../src/model/index.js';
import { rssBytes } from './proc-stats.js';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '10' },
    port: { type: 'string', default: '19510' },
    snapshot: { type: 'string' },
  },
});
const hosts = Number(args.hosts), rounds = Number(args.rounds);
const gc = (globalThis as { gc?: () => void }).gc;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'vigie-scrape-heap-'));
  const cfgFile = join(work, 'scrape.yml');
  const shared = resolve('../shared/bench');
  const server = spawn(process.execPath, [join(shared, 'scrape-targets.mjs'), '--template', join(shared, 'node-template.prom'), '--port', args.port, '--hosts', String(hosts), '--out', cfgFile], { stdio: 'inherit' });
  try {
    await sleep(1500);
    const { config } = await loadConfig(cfgFile);
    const cfg = config.scrape_configs[0]!;
    let now = Date.now();
    const clock: Clock = { now: () => now };
    const logger = createLogger({ level: 'warn', format: 'json' });
    const db = await Db.open({ dir: join(work, 'db'), logger, clock, ...(gc ? { releaseMemory: gc } : {}) });
    const client = await ScrapeClient.create(cfg);
    const deps = { appendable: db, parse: defaultParser, acceptHeader: 'text/plain;version=0.0.4', clock, logger, offsetSeed: 0, interner: new LabelInterner(), keys: new KeyPool() };
    const loops: ScrapeLoop[] = [];
    for (let h = 0; h < hosts; h++) {
      const labels = labelsFromPairs([['instance', `127.0.0.1:${args.port}`], ['job', 'node'], ['host', `h${h}`]]);
      const url = `http://127.0.0.1:${args.port}/metrics?host=${h}`;
      loops.push(new ScrapeLoop(new Target(labels, labels, labels, url, 15_000, 10_000), cfg, client, deps));
    }
    gc?.();
    const base = process.memoryUsage();
    const signal = new AbortController().signal;
    const t0 = performance.now();
    const roundSeconds: number[] = [];
    /** CPU time of this process (user + system), without the targets' server. */
    const roundCpuSeconds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const r0 = performance.now();
      const c0 = process.cpuUsage();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < loops.length) await loops[next++]!.scrapeAndReport(signal);
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      now += 15_000;
      const c = process.cpuUsage(c0);
      roundSeconds.push(Math.round(performance.now() - r0) / 1000);
      roundCpuSeconds.push(Math.round((c.user + c.system) / 1000) / 1000);
    }
    const secs = (performance.now() - t0) / 1000;
    for (let i = 0; i < 3; i++) gc?.();
    await sleep(300);
    const m = process.memoryUsage();
    const series = db.head.numSeries();
    const MiB = 2 ** 20;
    console.log(JSON.stringify({
      hosts, rounds, series, samples: db.head.stats.samplesAppended, seconds: secs, roundSeconds, roundCpuSeconds,
      rssMiB: rssBytes(process.pid) / MiB, heapUsedMiB: m.heapUsed / MiB, heapTotalMiB: m.heapTotal / MiB,
      arrayBuffersMiB: m.arrayBuffers / MiB,
      heapBytesPerSeries: (m.heapUsed - base.heapUsed) / series,
      arrayBufferBytesPerSeries: (m.arrayBuffers - base.arrayBuffers) / series,
    }));
    if (args.snapshot !== undefined) {
      writeHeapSnapshot(args.snapshot);
      await summarise(args.snapshot, series);
    }
    client.close();
    await db.close();
  } finally {
    server.kill();
    await rm(work, { recursive: true, force: true });
  }
}

/** Self sizes in a heap snapshot grouped by node type and name, largest first, per series. */
async function summarise(file: string, series: number): Promise<void> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const nf = f.length, iType = f.indexOf('type'), iName = f.indexOf('name'), iSize = f.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { n: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += nf) {
    const type = types[snap.nodes[i + iType]!]!;
    let name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : snap.strings[snap.nodes[i + iName]!]!;
    if (name.length > 40) name = name.slice(0, 40);
    const k = `${type} ${name}`;
    const e = by.get(k) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += snap.nodes[i + iSize]!;
    by.set(k, e);
  }
  const rows = [...by].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 30);
  for (const [k, e] of rows) console.log(`${(e.bytes / series).toFixed(1).padStart(8)} B/series ${(e.n / series).toFixed(2).padStart(7)} obj/series  ${k}`);
}

await main();
