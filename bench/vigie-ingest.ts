// Loads the benchmark fleet into Vigie's storage engine through the Appender, in the
// same order as fleet-write.mjs sends it (batches of 20 steps, host by host; one commit
// per host batch = one remote-write request), then persists all complete block ranges.
// Prints one JSON line with what it measured. Run by storage-bench.ts in its own process.
// Usage: node --expose-gc dist/bench/vigie-ingest.js DATA_DIR TEMPLATE HOSTS HOURS END_MS
import { labelsFromPairs, type Labels } from '../src/model/index.js';
import { Db } from '../src/tsdb/index.js';
import { createLogger, systemClock } from '../src/common/index.js';
import { generateFleet } from './fleet-data.js';
import { rssBytes } from './proc-stats.js';

const [dir, template, hostsArg, hoursArg, endArg] = process.argv.slice(2);
const hosts = Number(hostsArg), hours = Number(hoursArg), end = Number(endArg);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  let fleet: ReturnType<typeof generateFleet> | undefined = generateFleet({ template: template!, hosts, hours, end });
  const perHost = fleet.length / hosts;
  const labels: Labels[] = fleet.map((s) => labelsFromPairs(s.labels));
  const steps = fleet[0]!.ts.length;
  const logger = createLogger({ level: 'warn', format: 'json' });
  const db = await Db.open({ dir: dir!, logger, clock: systemClock });
  const refs = new Array<number>(fleet.length).fill(0);
  gc?.();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let samples = 0;
  for (let sf = 0; sf < steps; sf += 20) {
    const st = Math.min(steps, sf + 20);
    for (let h = 0; h < hosts; h++) {
      const app = db.appender();
      for (let i = h * perHost; i < (h + 1) * perHost; i++) {
        const s = fleet[i]!;
        let ref = refs[i]!;
        for (let k = sf; k < st; k++) ref = app.append(ref, labels[i]!, s.ts[k]!, s.vs[k]!);
        refs[i] = ref;
        samples += st - sf;
      }
      await app.commit();
    }
  }
  const ingestWall = (performance.now() - wall0) / 1000;
  await db.compactNow(); // what the background loop would do next: persist complete ranges
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  fleet = undefined;
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
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      ingestWallSeconds: ingestWall,
      wallSeconds: wall,
      rssBytes: rss,
      heapUsedBytes: heap.heapUsed,
      headSeries: st.headSeries,
      blocks: st.blocks,
      blockBytes: st.blockBytes,
      blockSamples,
      walBytes: st.walBytes,
    }),
  );
  await db.close();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
