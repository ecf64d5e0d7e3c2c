import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../model/index.js';
import { collectSamples } from '../storage/index.js';
import { openTestDb, tempDir } from './testutil.js';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const T0 = Date.UTC(2026, 0, 1);

const hasCheckpoint = (dir: string): boolean => {
  try {
    return readdirSync(join(dir, 'wal')).some((f) => f.startsWith('checkpoint.'));
  } catch {
    return false;
  }
};

/**
 * Runs the child until it has acknowledged at least `acks` batches (and, with
 * `needCheckpoint`, has written a WAL checkpoint), then SIGKILLs it. Returns the last ack seen.
 */
function runAndKill(dir: string, acks: number, blockHours: number, needCheckpoint: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(blockHours)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = -1;
    let buf = '';
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('ack ')) last = Number(l.slice(4));
      if (last >= acks && (!needCheckpoint || hasCheckpoint(dir)) && !p.killed) p.kill('SIGKILL');
    });
    // Never let a child that misbehaves hang the suite.
    const guard = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child did not reach ${acks} acks${needCheckpoint ? ' and a checkpoint' : ''} within 60 s (last ack ${last})`));
    }, 60_000);
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

for (const [name, acks, blockHours, needCheckpoint] of [
  ['in the head', 300, 2, false],
  ['after head persistence and a checkpoint', 1000, 1, true], // 1000 x 15 s = 4.2 h: blocks are cut while it runs
] as const) {
  test(`SIGKILL during ingestion loses no acknowledged sample (${name})`, { timeout: 120_000 }, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const lastAck = await runAndKill(dir, acks, blockHours, needCheckpoint);
      assert.ok(lastAck >= acks);
      const db = await openTestDb(dir, { blockDuration: blockHours * 3_600_000 });
      try {
        if (needCheckpoint) assert.ok(db.blocks().length > 0, 'the child had persisted blocks before it was killed');
        const q = db.querier(-Infinity, Infinity);
        const set = q.select([new Matcher('=', '__name__', 'crash')]);
        let series = 0;
        while (set.next()) {
          const s = set.at();
          const i = Number(s.labels.find((l) => l.name === 'i')!.value);
          const { t, v } = collectSamples(s.iterator());
          assert.ok(t.length >= lastAck + 1, `series ${i}: ${t.length} samples, acknowledged ${lastAck + 1}`);
          for (let k = 0; k <= lastAck; k++) {
            assert.equal(t[k], T0 + k * 15_000);
            assert.equal(v[k], k * 1000 + i);
          }
          series++;
        }
        assert.equal(series, 200);
        q.close();
      } finally {
        await db.close();
      }
    } finally {
      await cleanup();
    }
  });
}
