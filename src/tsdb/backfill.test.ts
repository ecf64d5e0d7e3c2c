import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareLabels, labelsFromRecord, labelsKey, type Labels } from '../model/index.js';
import { SampleRejectedError } from '../storage/index.js';
import { BackfillError, type BackfillSeries } from './backfill.js';
import { HOUR } from './options.js';
import { dump, openTestDb, tempDir } from './testutil.js';

const T0 = Date.UTC(2026, 0, 1);

/** Series `m{i="<i>"}` with a sample every `step` ms in [from, to). */
function series(n: number, from: number, to: number, step: number, value = (t: number, i: number): number => t / 1000 + i): BackfillSeries[] {
  const out: BackfillSeries[] = [];
  for (let i = 0; i < n; i++) {
    const ts: number[] = [];
    for (let t = from; t < to; t += step) ts.push(t);
    out.push({ labels: labelsFromRecord({ __name__: 'm', i: String(i) }), ts: Float64Array.from(ts), vs: Float64Array.from(ts, (t) => value(t, i)) });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

const count = (m: Map<string, { t: number[] }>): number => [...m.values()].reduce((n, s) => n + s.t.length, 0);

test('importSamples into an empty database writes blocks that survive a restart', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    let db = await openTestDb(dir);
    const input = series(3, T0 - 3 * 24 * HOUR, T0, 60_000);
    const r = await db.importSamples(input);
    assert.ok(r.blocks >= 2, `blocks: ${r.blocks}`);
    assert.equal(r.blockSamples, 3 * 3 * 24 * 60);
    assert.equal(r.headSamples, 0);
    assert.equal(count(dump(db.querier(-Infinity, Infinity))), 3 * 3 * 24 * 60);
    // The head now refuses what the blocks cover, as it would after a restart.
    const app = db.appender();
    assert.throws(() => app.append(0, input[0]!.labels, T0 - HOUR, 1), (e: unknown) => e instanceof SampleRejectedError && e.reason === 'too_old');
    app.append(0, input[0]!.labels, T0 + 1000, 1);
    await app.commit();
    await db.close();
    db = await openTestDb(dir);
    const got = dump(db.querier(-Infinity, Infinity));
    assert.equal(count(got), 3 * 3 * 24 * 60 + 1);
    const s1 = got.get(labelsKey(labelsFromRecord({ __name__: 'm', i: '1' })))!;
    assert.equal(s1.t[0], T0 - 3 * 24 * HOUR);
    assert.equal(s1.v[0], (T0 - 3 * 24 * HOUR) / 1000 + 1);
    await db.close();
  } finally {
    await cleanup();
  }
});

test('importSamples next to head data: older samples to blocks, newer to the head, nothing lost on restart', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    let db = await openTestDb(dir);
    const live: Labels = labelsFromRecord({ __name__: 'm', i: '0' });
    const app = db.appender();
    for (let t = T0; t < T0 + 30 * 60_000; t += 60_000) app.append(0, live, t, 7);
    await app.commit();
    // m{i="0"} overlaps the head (its newer samples are refused there), m{i="1"} is new.
    const input = series(2, T0 - HOUR, T0 + HOUR, 60_000);
    const r = await db.importSamples(input);
    assert.equal(r.blockSamples, 2 * 60);
    assert.equal(r.headSamples, 60 + 30); // from T0 on: all of m{i="1"}; m{i="0"} after its head maxTime only
    assert.equal(r.rejected.out_of_order + r.rejected.duplicate, 30);
    const check = (): void => {
      const got = dump(db.querier(-Infinity, Infinity));
      assert.equal(got.get(labelsKey(live))!.t.length, 60 + 30 + 30);
      assert.equal(got.get(labelsKey(input[1]!.labels))!.t.length, 120);
    };
    check();
    await db.close();
    db = await openTestDb(dir);
    check(); // the WAL's head samples were not dropped by the new blocks
    await db.close();
  } finally {
    await cleanup();
  }
});

test('overlapping imports are merged by compaction', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const db = await openTestDb(dir);
    await db.importSamples(series(2, T0, T0 + 10 * HOUR, 60_000));
    await db.importSamples(series(2, T0 + 30_000, T0 + 12 * HOUR, 60_000, () => -1));
    await db.compactNow();
    const metas = db.blocks().map((b) => b.meta);
    for (let i = 1; i < metas.length; i++) assert.ok(metas[i]!.minTime > metas[i - 1]!.maxTime, 'blocks no longer overlap');
    const got = dump(db.querier(-Infinity, Infinity));
    assert.equal(count(got), 2 * (10 * 60 + 12 * 60));
    await db.close();
  } finally {
    await cleanup();
  }
});

test('importSamples refuses input that breaks its contract', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const db = await openTestDb(dir);
    const l = labelsFromRecord({ __name__: 'm' });
    await assert.rejects(db.importSamples([{ labels: l, ts: Float64Array.of(2, 1), vs: Float64Array.of(1, 1) }]), BackfillError);
    await assert.rejects(db.importSamples([{ labels: l, ts: Float64Array.of(1.5), vs: Float64Array.of(1) }]), BackfillError);
    await assert.rejects(db.importSamples([{ labels: l, ts: Float64Array.of(1), vs: Float64Array.of() }]), BackfillError);
    await assert.rejects(db.importSamples([{ labels: l, ts: Float64Array.of(1), vs: Float64Array.of(1) }, { labels: l, ts: Float64Array.of(2), vs: Float64Array.of(1) }]), BackfillError);
    assert.equal(db.blocks().length, 0);
    await db.close();
  } finally {
    await cleanup();
  }
});
