/**
 * Test helper for crash.test.ts, run as a separate process: `node crash-child.js <dir>`.
 * Replays the WAL in <dir> (repairing it), then appends records 0, 1, 2, … continuing
 * after the last one found, printing each sequence number on stdout once `log` returned
 * for it, until killed. Record n = 4-byte little-endian n, then n % 300 filler bytes.
 */
import { writeSync } from 'node:fs';
import { pino } from 'pino';
import { Wal, replayWal } from './index.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child.js <dir>');
/** Writes a line to stdout synchronously; the pipe is non-blocking, so wait out EAGAIN. */
const pause = new Int32Array(new SharedArrayBuffer(4));
function say(line: string): void {
  const b = Buffer.from(line + '\n');
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(1, b, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const logger = pino({ level: 'silent' });
let next = 0;
await replayWal(dir, 0, (r) => {
  const n = new DataView(r.buffer, r.byteOffset, r.byteLength).getUint32(0, true);
  if (n !== next) throw new Error(`record ${n} where ${next} was expected`);
  next++;
}, logger);
const wal = await Wal.open(dir, { segmentSize: 64 * 1024, logger });
say(`start ${next}`);
for (let n = next; ; n++) {
  const r = new Uint8Array(4 + (n % 300)).fill(n & 0xff);
  new DataView(r.buffer).setUint32(0, n, true);
  wal.log([r]);
  say(String(n));
}
