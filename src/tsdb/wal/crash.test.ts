import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { replayWal } from './index.js';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

/** Runs the child until it has acknowledged `acks` more records (or 1.5 s), SIGKILLs it, returns the last ack. */
function runAndKill(dir: string, acks: number): Promise<{ start: number; lastAck: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let start = -1;
    let lastAck = -1;
    let rest = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) p.kill('SIGKILL');
      killed = true;
    };
    const timer = setTimeout(kill, 1500);
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        if (l.startsWith('start ')) start = Number(l.slice(6));
        else lastAck = Number(l);
      }
      if (start >= 0 && lastAck - start >= acks) kill();
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code ?? signal ?? '?'} before being killed`));
      else resolve({ start, lastAck });
    });
  });
}

test('SIGKILL mid-write loses no acknowledged record, over several crashes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-wal-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let acked = -1;
  for (let round = 0; round < 3; round++) {
    const { start, lastAck } = await runAndKill(dir, 3000);
    assert.ok(start > acked, `round ${round}: restarted at ${start}, but ${acked} was acknowledged`);
    assert.ok(lastAck > start, `round ${round}: nothing acknowledged`);
    acked = lastAck;
  }
  let next = 0;
  const stats = await replayWal(dir, 0, (r) => {
    const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
    assert.equal(dv.getUint32(0, true), next);
    assert.equal(r.length, 4 + (next % 300));
    next++;
  }, pino({ level: 'silent' }));
  assert.ok(next > acked, `replayed ${next} records, ${acked + 1} were acknowledged`);
  assert.ok(stats.segments > 3);
});
