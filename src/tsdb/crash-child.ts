// Test helper process for crash.test.ts: appends batches forever and prints "ack K"
// after each batch K's commit resolved. The parent kills it with SIGKILL.
import { systemClock, silentLogger } from '../common/index.js';
import { labelsFromRecord } from '../model/index.js';
import { Db } from './db.js';

const [dir, blockHours] = process.argv.slice(2);
const T0 = Date.UTC(2026, 0, 1);
const SERIES = 200;

async function run(): Promise<void> {
  const db = await Db.open({ dir: dir!, logger: silentLogger(), clock: systemClock, blockDuration: Number(blockHours) * 3_600_000 });
  const labels = Array.from({ length: SERIES }, (_, i) => labelsFromRecord({ __name__: 'crash', i: String(i) }));
  const refs = new Array<number>(SERIES).fill(0);
  for (let k = 0; ; k++) {
    const app = db.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, T0 + k * 15_000, k * 1000 + i);
    await app.commit();
    process.stdout.write(`ack ${k}\n`);
    // A server gets its batches from the event loop; yield so background work runs too.
    if (k % 5 === 0) await new Promise((r) => setImmediate(r));
  }
}
run().catch((e: unknown) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
