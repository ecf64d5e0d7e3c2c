import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile, readFile, appendFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Matcher, labelsFromRecord, labelsKey, staleNaN, isStaleNaN } from '../model/index.js';
import { SampleRejectedError, collectSamples } from '../storage/index.js';
import { HOUR } from './options.js';
import { Reference, bitsEqual, dump, openTestDb, tempDir, testLabels } from './testutil.js';
import type { Db } from './db.js';

const T0 = Date.UTC(2026, 0, 1);

/** Appends `steps` samples every `stepMs` for each series, in batches of one step. */
async function load(db: Db, ref: Reference, labels: ReturnType<typeof testLabels>, from: number, steps: number, stepMs = 15_000): Promise<void> {
  const refs = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < steps; k++) {
    const app = db.appender();
    const t = from + k * stepMs;
    for (let i = 0; i < labels.length; i++) {
      const v = i % 4 === 0 ? 42 : Math.round((k * (i + 1) + Math.sin(k + i) * 10) * 100) / 100;
      refs[i] = app.append(refs[i]!, labels[i]!, t, v);
      ref.add(labels[i]!, t, v);
    }
    await app.commit();
  }
}

function assertSame(db: Db, ref: Reference, mint = -Infinity, maxt = Infinity): void {
  const q = db.querier(mint, maxt);
  try {
    const got = dump(q);
    let expectedSeries = 0;
    for (const [k, s] of ref.series) {
      const keep: [number, number][] = [];
      s.t.forEach((t, i) => { if (t >= mint && t <= maxt) keep.push([t, i]); });
      if (keep.length === 0) continue;
      expectedSeries++;
      const g = got.get(k);
      assert.ok(g, `series ${k} missing`);
      assert.equal(g.t.length, keep.length, `sample count for ${k}`);
      for (let i = 0; i < keep.length; i++) {
        assert.equal(g.t[i], keep[i]![0]);
        assert.ok(bitsEqual(g.v[i]!, s.v[keep[i]![1]]!), `value at ${g.t[i]} of ${k}: ${g.v[i]} vs ${s.v[keep[i]![1]]}`);
      }
    }
    assert.equal(got.size, expectedSeries);
  } finally {
    q.close();
  }
}

test('appended samples are returned by range and by matcher', async () => {
  const { dir, cleanup } = await tempDir();
  const db = await openTestDb(dir);
  try {
    const ref = new Reference();
    const labels = testLabels(20);
    await load(db, ref, labels, T0, 100);
    assertSame(db, ref);
    assertSame(db, ref, T0 + 15_000 * 10, T0 + 15_000 * 20);
    const q = db.querier(T0, T0 + HOUR);
    const set = q.select([new Matcher('=', 'kind', 'a'), new Matcher('=~', 'host', 'h1.*')]);
    const hosts: string[] = [];
    while (set.next()) hosts.push(set.at().labels.find((l) => l.name === 'host')!.value);
    assert.deepEqual(hosts, ['h12', 'h15', 'h18']);
    assert.deepEqual(await q.labelNames(), ['__name__', 'host', 'kind']);
    assert.deepEqual(await q.labelValues('kind'), ['a', 'b']);
    q.close();
  } finally {
    await db.close();
    await cleanup();
  }
});

test('out-of-order and conflicting duplicates are rejected and counted; exact duplicates are ignored', async () => {
  const { dir, cleanup } = await tempDir();
  const db = await openTestDb(dir);
  try {
    const l = labelsFromRecord({ __name__: 'x' });
    let app = db.appender();
    app.append(0, l, T0 + 1000, 1);
    await app.commit();
    app = db.appender();
    assert.throws(() => app.append(0, l, T0, 2), (e: unknown) => e instanceof SampleRejectedError && e.reason === 'out_of_order');
    assert.throws(() => app.append(0, l, T0 + 1000, 2), (e: unknown) => e instanceof SampleRejectedError && e.reason === 'duplicate');
    app.append(0, l, T0 + 1000, 1); // same value: ignored
    app.append(0, l, T0 + 2000, 3);
    assert.throws(() => app.append(0, l, T0 + 1500, 3), /out of order/);
    await app.commit();
    assert.deepEqual(db.stats().rejected, { out_of_order: 2, duplicate: 1, too_old: 0, invalid: 0 });
    const q = db.querier(T0, T0 + 10_000);
    const set = q.select([new Matcher('=', '__name__', 'x')]);
    assert.ok(set.next());
    assert.deepEqual(collectSamples(set.at().iterator()), { t: [T0 + 1000, T0 + 2000], v: Float64Array.of(1, 3) });
    q.close();
  } finally {
    await db.close();
    await cleanup();
  }
});

test('a rolled back batch leaves nothing behind', async () => {
  const { dir, cleanup } = await tempDir();
  const db = await openTestDb(dir);
  try {
    const l = labelsFromRecord({ __name__: 'x' });
    const app = db.appender();
    app.append(0, l, T0, 1);
    app.rollback();
    const app2 = db.appender();
    app2.append(0, l, T0, 5); // accepted: the rolled back sample never counted
    await app2.commit();
    const q = db.querier(T0, T0);
    assert.deepEqual([...dump(q).values()], [{ t: [T0], v: Float64Array.of(5) }]);
    q.close();
  } finally {
    await db.close();
    await cleanup();
  }
});

test('staleness markers and special floats survive head, WAL replay and blocks bit for bit', async () => {
  const { dir, cleanup } = await tempDir();
  // Built in a Float64Array: a plain array literal would already quiet the staleness NaN.
  const specials = Float64Array.of(staleNaN(), NaN, -0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 1e-300, 0.1);
  const l = labelsFromRecord({ __name__: 'special' });
  const ref = new Reference();
  let db = await openTestDb(dir, { blockDuration: HOUR });
  try {
    for (let k = 0; k < 400; k++) {
      const app = db.appender();
      const t = T0 + k * 30_000;
      const v = specials[k % specials.length]!;
      app.append(0, l, t, v);
      ref.add(l, t, v);
      await app.commit();
    }
    assertSame(db, ref);
    await db.close();
    db = await openTestDb(dir, { blockDuration: HOUR });
    assertSame(db, ref);
    await db.compactNow();
    assert.ok(db.blocks().length > 0, 'blocks were written');
    assertSame(db, ref);
    const q = db.querier(T0, T0);
    const s = [...dump(q).values()][0]!;
    assert.ok(isStaleNaN(s.v[0]!), 'the first sample is the exact staleness marker, read from a block');
    q.close();
  } finally {
    await db.close();
    await cleanup();
  }
});

test('restart replays the WAL: every committed sample is back', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(50);
  let db = await openTestDb(dir);
  await load(db, ref, labels, T0, 200);
  await db.close();
  db = await openTestDb(dir);
  try {
    assertSame(db, ref);
    // New samples after the restart continue the same series.
    await load(db, ref, labels, T0 + 200 * 15_000, 10);
    assertSame(db, ref);
  } finally {
    await db.close();
    await cleanup();
  }
});

test('the head is persisted to blocks, compacted, checkpointed, and all reads agree', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(30);
  let db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: 9 * HOUR });
  try {
    await load(db, ref, labels, T0, 12 * 240, 15_000); // 12 h
    await db.compactNow();
    const blocks = db.blocks();
    assert.ok(blocks.length >= 2, `expected blocks, got ${blocks.length}`);
    assert.ok(blocks.some((b) => b.meta.compaction.level > 1), 'some blocks were compacted');
    for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i]!.meta.minTime > blocks[i - 1]!.meta.maxTime, 'blocks do not overlap');
    assert.ok(db.head.minTime >= blocks[blocks.length - 1]!.meta.maxTime, 'head starts after the newest block');
    assertSame(db, ref);
    assertSame(db, ref, T0 + 5 * HOUR - 7_000, T0 + 11 * HOUR + 3);
    const walFiles = await readdir(join(dir, 'wal'));
    assert.ok(walFiles.some((f) => f.startsWith('checkpoint.')), `a checkpoint exists: ${walFiles.join(',')}`);
    await db.close();
    db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: 9 * HOUR });
    assertSame(db, ref);
    await load(db, ref, labels, T0 + 12 * HOUR, 4);
    assertSame(db, ref);
  } finally {
    await db.close();
    await cleanup();
  }
});

test('retention deletes blocks older than retention.time and beyond retention.size', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(10);
  let db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: HOUR, retentionTime: 4 * HOUR });
  try {
    await load(db, ref, labels, T0, 10 * 240);
    await db.compactNow();
    const oldest = db.blocks()[0]!.meta.minTime;
    assert.ok(oldest >= T0 + 10 * HOUR - 15_000 - 5 * HOUR, `oldest block starts at +${(oldest - T0) / HOUR} h`);
    assert.ok(db.stats().retentionDeletions > 0);
    const onDisk = (await readdir(join(dir, 'blocks'))).filter((n) => !n.includes('.'));
    assert.equal(onDisk.length, db.blocks().length, 'deleted blocks are gone from disk');
    await db.close();
    const size = (await Promise.all(onDisk.map((n) => dirBytes(join(dir, 'blocks', n))))).reduce((a, b) => a + b, 0);
    db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: HOUR, retentionTime: 100 * HOUR, retentionSize: Math.floor(size / 2) });
    await db.compactNow();
    assert.ok(db.blocks().length < onDisk.length, 'size retention removed blocks');
  } finally {
    await db.close();
    await cleanup();
  }
});

async function dirBytes(d: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(d)) n += (await stat(join(d, f))).size;
  return n;
}

test('an online snapshot opens as a database holding the same data', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(20);
  const db = await openTestDb(dir, { blockDuration: HOUR });
  try {
    await load(db, ref, labels, T0, 4 * 240);
    await db.compactNow();
    const snap = join(dir, 'snapshots', 's1');
    const during = load(db, new Reference(), labels, T0 + 4 * HOUR, 5); // ingestion goes on
    await db.snapshot(snap);
    await during;
    const copy = await openTestDb(snap);
    try {
      assertSame(copy, ref, -Infinity, T0 + 4 * HOUR - 1);
    } finally {
      await copy.close();
    }
  } finally {
    await db.close();
    await cleanup();
  }
});

test('a torn or corrupt WAL tail is truncated and the database starts', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(5);
  let db = await openTestDb(dir);
  await load(db, ref, labels, T0, 50);
  await db.close();
  const segs = (await readdir(join(dir, 'wal'))).filter((f) => /^\d+$/.test(f)).sort();
  const last = join(dir, 'wal', segs[segs.length - 1]!);
  const bytes = await readFile(last);
  // Tear the last record in half, then add garbage.
  await writeFile(last, bytes.subarray(0, bytes.length - 7));
  await appendFile(last, Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
  db = await openTestDb(dir);
  try {
    const q = db.querier(-Infinity, Infinity);
    const got = dump(q);
    q.close();
    assert.equal(got.size, 5);
    // Everything but (at most) the torn last batch is there.
    for (const [k, s] of ref.series) assert.ok(got.get(k)!.t.length >= s.t.length - 1, `series ${k}`);
    await load(db, new Reference(), labels, T0 + 100 * 15_000, 2); // and it accepts new data
  } finally {
    await db.close();
    await cleanup();
  }
});

test('a second process cannot open the same directory while the first runs', async () => {
  const { dir, cleanup } = await tempDir();
  const db = await openTestDb(dir);
  try {
    await writeFile(join(dir, 'lock'), '1'); // pid 1 is alive in any container
    await assert.rejects(openTestDb(dir), /in use by process 1/);
  } finally {
    await db.close();
    await cleanup();
  }
});

test('a damaged block is moved aside and the rest is served', async () => {
  const { dir, cleanup } = await tempDir();
  const ref = new Reference();
  const labels = testLabels(5);
  let db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: HOUR });
  await load(db, ref, labels, T0, 4 * 240);
  await db.compactNow();
  assert.ok(db.blocks().length >= 2);
  const victim = db.blocks()[0]!.dir;
  const victim2 = db.blocks()[1]!.dir;
  await db.close();
  await writeFile(join(victim, 'index'), 'garbage');
  await writeFile(join(victim2, 'meta.json'), '{"ulid": 12, "minTime": "yesterday"}');
  db = await openTestDb(dir, { blockDuration: HOUR, maxBlockDuration: HOUR });
  try {
    assert.equal((await readdir(join(dir, 'blocks'))).filter((n) => n.endsWith('.corrupt')).length, 2);
    const q = db.querier(-Infinity, Infinity);
    assert.equal(dump(q).size, 5);
    q.close();
    void labelsKey;
  } finally {
    await db.close();
    await cleanup();
  }
});
