import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Wal, lastCheckpoint, replayCheckpoint, replayWal, segmentName, writeCheckpoint, type ReplayStats } from './index.js';
import { CorruptionError } from '../../common/index.js';

/** A logger that keeps warnings so tests can check what was said. */
function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-wal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Record i: 4-byte index then (i % 97) bytes of a pattern, so sizes vary and content is checkable. */
function rec(i: number): Uint8Array {
  const r = new Uint8Array(4 + (i % 97));
  new DataView(r.buffer).setUint32(0, i, true);
  for (let k = 4; k < r.length; k++) r[k] = (i + k) & 0xff;
  return r;
}
function check(r: Uint8Array): number {
  const i = new DataView(r.buffer, r.byteOffset, r.byteLength).getUint32(0, true);
  assert.ok(Buffer.from(r.buffer, r.byteOffset, r.byteLength).equals(rec(i)), `record ${i} content`);
  return i;
}

async function replayAll(dir: string, logger: Logger, from = 0): Promise<{ ids: number[]; stats: ReplayStats }> {
  const ids: number[] = [];
  const stats = await replayWal(dir, from, (r) => ids.push(check(r)), logger);
  return { ids, stats };
}

async function writeMany(dir: string, n: number, segmentSize = 1024): Promise<Wal> {
  const wal = await Wal.open(dir, { segmentSize, logger: pino({ level: 'silent' }) });
  for (let i = 0; i < n; i += 3) wal.log([rec(i), rec(i + 1), rec(i + 2)].slice(0, Math.min(3, n - i)));
  return wal;
}

const segs = (dir: string): string[] => readdirSync(dir).filter((n) => /^\d{8}$/.test(n)).sort();
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('records across many segments replay in order after reopen; open starts a new segment', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 600);
  assert.ok(wal.segmentRange().last > 10, `only ${wal.segmentRange().last} segments`);
  for (const name of segs(dir).slice(0, -1)) assert.ok(statSync(join(dir, name)).size <= 1024 + 3 * 108);
  const size = wal.sizeBytes();
  await wal.close();
  assert.equal(size, segs(dir).reduce((s, n) => s + statSync(join(dir, n)).size, 0));
  const { logger, lines } = recordingLogger();
  const { ids, stats } = await replayAll(dir, logger);
  assert.deepEqual(ids, range(600));
  assert.equal(stats.records, 600);
  assert.equal(stats.corruption, undefined);
  assert.equal(lines.length, 0);
  const before = segs(dir);
  const wal2 = await Wal.open(dir, { segmentSize: 1024, logger });
  assert.equal(wal2.segmentRange().last, Number(before.at(-1)) + 1);
  assert.equal(wal2.segmentRange().first, 1);
  wal2.log([rec(600)]);
  await wal2.sync();
  await wal2.close();
  assert.deepEqual((await replayAll(dir, logger)).ids, range(601));
});

test('a batch bigger than a segment gets its own segment; empty records and batches are fine', async (t) => {
  const dir = tmp(t);
  const wal = await Wal.open(dir, { segmentSize: 64, logger: pino({ level: 'silent' }) });
  wal.log([]);
  wal.log([new Uint8Array(0)]);
  wal.log([new Uint8Array(500).fill(7), new Uint8Array(10)]);
  wal.log([new Uint8Array(1)]);
  await wal.close();
  const got: number[] = [];
  await replayWal(dir, 0, (r) => got.push(r.length), pino({ level: 'silent' }));
  assert.deepEqual(got, [0, 500, 10, 1]);
  assert.equal(segs(dir).length, 3);
});

test('torn tail: replay keeps the good prefix, warns with file and offset, and a second open works', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 100, 1 << 20);
  await wal.close();
  const file = join(dir, segmentName(1));
  const full = statSync(file).size;
  truncateSync(file, full - 3); // mid-way through the last record (14 bytes framed)
  const { logger, lines } = recordingLogger();
  const { ids, stats } = await replayAll(dir, logger);
  assert.deepEqual(ids, range(99));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.file, file);
  assert.equal(lines[0]!.offset, stats.corruption!.offset);
  assert.match(String(lines[0]!.msg), /torn write/);
  assert.equal(statSync(file).size, stats.corruption!.offset);
  // Repaired: a second replay is clean, and writing continues in a new segment.
  const again = await replayAll(dir, logger);
  assert.deepEqual(again.ids, range(99));
  assert.equal(lines.length, 1);
  const wal2 = await Wal.open(dir, { logger });
  wal2.log([rec(99)]);
  await wal2.close();
  assert.deepEqual((await replayAll(dir, logger)).ids, range(100));
});

test('a flipped byte mid-segment stops replay there and deletes later segments', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 300);
  await wal.close();
  const names = segs(dir);
  assert.ok(names.length > 5);
  const victim = join(dir, names[2]!);
  const bytes = readFileSync(victim);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
  writeFileSync(victim, bytes);
  const { logger, lines } = recordingLogger();
  const { ids, stats } = await replayAll(dir, logger);
  assert.deepEqual(ids, range(ids.length));
  assert.ok(ids.length > 0 && ids.length < 300);
  assert.match(String(lines[0]!.msg), /checksum mismatch/);
  assert.equal(stats.corruption!.file, victim);
  assert.deepEqual(segs(dir), names.slice(0, 3));
  assert.deepEqual(stats.deletedSegments, names.slice(3).map(Number));
  assert.deepEqual((await replayAll(dir, logger)).ids, ids);
});

test('a zero-filled tail (preallocated space) is cut off', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 50, 1 << 20);
  await wal.close();
  const file = join(dir, segmentName(1));
  const good = statSync(file).size;
  appendFileSync(file, new Uint8Array(4096));
  const { logger, lines } = recordingLogger();
  const { ids, stats } = await replayAll(dir, logger);
  assert.deepEqual(ids, range(50));
  assert.match(String(lines[0]!.reason), /zero-filled tail of 4096 bytes/);
  assert.equal(stats.corruption!.offset, good);
  assert.equal(statSync(file).size, good);
});

test('a segment that is only a partial header is deleted', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 30, 1 << 20);
  await wal.close();
  writeFileSync(join(dir, segmentName(2)), Uint8Array.of(0x56, 0x57, 0x41));
  const { logger, lines } = recordingLogger();
  const { ids, stats } = await replayAll(dir, logger);
  assert.deepEqual(ids, range(30));
  assert.match(String(lines[0]!.reason), /partial file header \(3 of 8 bytes\)/);
  assert.deepEqual(stats.deletedSegments, [2]);
  assert.deepEqual(segs(dir), [segmentName(1)]);
  const wal2 = await Wal.open(dir, { logger });
  assert.equal(wal2.segmentRange().last, 2);
  await wal2.close();
});

test('a gap in the segment sequence ends replay; segments after it are deleted', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 200);
  await wal.close();
  const names = segs(dir);
  rmSync(join(dir, names[3]!));
  const { logger, lines } = recordingLogger();
  const { stats } = await replayAll(dir, logger);
  assert.match(String(lines[0]!.reason), /missing/);
  assert.deepEqual(segs(dir), names.slice(0, 3));
  assert.equal(stats.segments, 3);
});

test('random bytes as a segment: no throw, bounded result, then clean', async (t) => {
  const dir = tmp(t);
  let seed = 99;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const { logger } = recordingLogger();
  for (let round = 0; round < 200; round++) {
    const len = Math.floor(rnd() * 300);
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = Math.floor(rnd() * 256);
    // Half the time a valid header, so the frame parser is exercised too.
    if (round % 2 === 0 && len >= 8) bytes.set([0x56, 0x57, 0x41, 0x4c, 1, 0, 0, 0]);
    writeFileSync(join(dir, segmentName(1)), bytes);
    let n = 0;
    const stats = await replayWal(dir, 0, () => n++, logger);
    assert.ok(n <= len / 8 && stats.records === n);
    const second = await replayWal(dir, 0, () => {}, logger);
    assert.equal(second.corruption, undefined);
    assert.equal(second.records, n);
    rmSync(join(dir, segmentName(1)), { force: true });
  }
});

test('checkpoint: write, find, replay, then replay segments from it', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 90);
  const seg = wal.cut();
  wal.log([rec(1000)]);
  assert.equal(await lastCheckpoint(dir), undefined);
  await writeCheckpoint(dir, seg - 1, [rec(1)]);
  const path = await writeCheckpoint(dir, seg, (function* () {
    for (let i = 0; i < 90; i++) yield rec(i);
    yield new Uint8Array(3 << 20); // bigger than the write buffer
  })());
  assert.deepEqual(await lastCheckpoint(dir), { segment: seg, path });
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('checkpoint')), [`checkpoint.${segmentName(seg)}`]);
  await wal.truncateBefore(seg);
  assert.deepEqual(wal.segmentRange(), { first: seg, last: seg });
  assert.deepEqual(segs(dir), [segmentName(seg)]);
  await wal.close();
  const ids: number[] = [];
  const n = await replayCheckpoint(path, (r) => void (r.length === 3 << 20 ? ids.push(-1) : ids.push(check(r))));
  assert.equal(n, 91);
  const { ids: walIds } = await replayAll(dir, pino({ level: 'silent' }), seg);
  assert.deepEqual([...ids, ...walIds], [...range(90), -1, 1000]);
  // A damaged checkpoint is reported, not silently shortened.
  const b = readFileSync(path);
  b[100]! ^= 1;
  writeFileSync(path, b);
  await assert.rejects(replayCheckpoint(path, () => {}), CorruptionError);
});

test('truncateBefore never deletes the current segment; sizeBytes follows', async (t) => {
  const dir = tmp(t);
  const wal = await writeMany(dir, 300);
  const { last } = wal.segmentRange();
  await wal.truncateBefore(last + 10);
  assert.deepEqual(wal.segmentRange(), { first: last, last });
  assert.deepEqual(segs(dir), [segmentName(last)]);
  assert.equal(wal.sizeBytes(), statSync(join(dir, segmentName(last))).size);
  await wal.close();
  await wal.close();
  assert.throws(() => wal.log([rec(1)]), /closed/);
});

test('syncIntervalMs 0 fsyncs in log; the periodic timer does not keep the process alive', async (t) => {
  const dir = tmp(t);
  const wal = await Wal.open(dir, { logger: pino({ level: 'silent' }), syncIntervalMs: 0 });
  wal.log([rec(1)]);
  await wal.close();
  const wal2 = await Wal.open(dir, { logger: pino({ level: 'silent' }), syncIntervalMs: 5 });
  wal2.log([rec(2)]);
  await new Promise((r) => setTimeout(r, 30));
  await wal2.close();
  assert.deepEqual((await replayAll(dir, pino({ level: 'silent' }))).ids, [1, 2]);
});
