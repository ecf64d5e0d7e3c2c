// Loads the benchmark fleet into Vigie's storage engine through the Appender, in the
// same order as fleet-write.mjs sends it (batches of 20 steps, host by host; one commit
// per host batch = one remote-write request), then persists all complete block ranges.
// Prints one JSON line with what it measured. Run by storage-bench.ts in its own process.
// Usage: node <bin/vigie's node flags> dist/bench/vigie-ingest.js DATA_DIR TEMPLATE HOSTS HOURS END_MS
import { labelsFromPairs, type Labels } from '../src/model/index.js';
import { Db } from '../src/tsdb/index.js';
import { createLogger, systemClock } from '../src/common/index.js';
import { createFleetSim } from './fleet-data.js';
import { rssBytes } from './proc-stats.js';
import { getHeapStatistics } from 'node:v8';

const [dir, template, hostsArg, hoursArg, endArg] = process.argv.slice(2);
const hosts = Number(hostsArg), hours = Number(hoursArg), end = Number(endArg);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const sim = createFleetSim({ template: template!, hosts, hours, end });
  const perHost = sim.perHost;
  const labels: Labels[] = sim.labels.map((l) => labelsFromPairs(l));
  const logger = createLogger({ level: 'warn', format: 'json' });
  // storage-bench.ts runs this with bin/vigie's node flags (--expose-gc gives releaseMemory).
  const db = await Db.open({ dir: dir!, logger, clock: systemClock, ...(gc ? { releaseMemory: gc } : {}) });
  const refs = new Array<number>(labels.length).fill(0);
  const values = new Float64Array(perHost * 20);
  const stepMs = sim.stepS * 1000;
  gc?.();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let samples = 0;
  let genCpu = 0;
  let maxHeadSpan = 0;
  for (;;) {
    const g0 = process.cpuUsage();
    const b = sim.next(values);
    genCpu += cpuDelta(g0);
    if (!b) break;
    const width = b.toStep - b.fromStep;
    const app = db.appender();
    for (let j = 0; j < perHost; j++) {
      const i = b.host * perHost + j;
      let ref = refs[i]!;
      for (let k = 0; k < width; k++) ref = app.append(ref, labels[i]!, sim.start + (b.fromStep + k) * stepMs, values[j * width + k]!);
      refs[i] = ref;
    }
    samples += perHost * width;
    const span = db.head.maxTime - db.head.minTime;
    if (span > maxHeadSpan) maxHeadSpan = span;
    await app.commit();
    // A server receives each batch as a separate request from the event loop: yield
    // between batches so the background maintenance (head persistence) runs as it would.
    await new Promise((r) => setImmediate(r));
  }
  const ingestWall = (performance.now() - wall0) / 1000;
  await db.compactNow(); // what the background loop would do next: persist complete ranges
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  for (let i = 0; i < 3; i++) gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const rss = rssBytes(process.pid);
  const st = db.stats();
  const blockSamples = db.blocks().reduce((n, b) => n + b.meta.stats.numSamples, 0);
  const heap = process.memoryUsage();
  console.log(
    JSON.stringify({
      samples,
      series: labels.length,
      steps: sim.steps,
      maxHeadSpanHours: maxHeadSpan / 3_600_000,
      // CPU of the storage engine only: the data generator's share is measured and taken out.
      cpuSeconds: (cpu.user + cpu.system) / 1e6 - genCpu,
      generatorCpuSeconds: genCpu,
      ingestWallSeconds: ingestWall,
      wallSeconds: wall,
      rssBytes: rss,
      heapUsedBytes: heap.heapUsed,
      heapTotalBytes: heap.heapTotal,
      externalBytes: heap.external,
      arrayBuffersBytes: heap.arrayBuffers,
      v8MallocedBytes: getHeapStatistics().malloced_memory,
      v8PeakMallocedBytes: getHeapStatistics().peak_malloced_memory,
      headSeries: st.headSeries,
      blocks: st.blocks,
      blockBytes: st.blockBytes,
      blockSamples,
      walBytes: st.walBytes,
    }),
  );
  if (process.env['VIGIE_BENCH_PAUSE']) await new Promise((r) => setTimeout(r, Number(process.env['VIGIE_BENCH_PAUSE'])));
  await db.close();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

function cpuDelta(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}
