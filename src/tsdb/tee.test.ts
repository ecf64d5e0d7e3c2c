import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/index.js';
import { formatLabels, labelsFromRecord } from '../model/index.js';
import { SampleRejectedError, teeAppendable, type TeeSample } from '../storage/index.js';
import { Db } from './index.js';

test('teeAppendable over the Db: by-ref appends are passed on with their labels, refused and rolled-back samples are not, and nothing is recorded while inactive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-tee-'));
  const db = await Db.open({ dir, logger: createLogger({ level: 'error', format: 'json' }), clock: { now: () => 0 } });
  try {
    const got: TeeSample[] = [];
    let active = true;
    const tee = teeAppendable(db, (s) => got.push(...s), () => active);
    const a = labelsFromRecord({ __name__: 'a', x: '1' });
    const b = labelsFromRecord({ __name__: 'b' });

    let app = tee.appender();
    const ra = app.append(0, a, 1000, 1);
    const rb = app.append(0, b, 1000, 2);
    await app.commit();
    app = tee.appender();
    assert.equal(app.appendRef!(ra, 2000, 3), true);
    assert.equal(app.appendRef!(rb + 1000, 2000, 9), false, 'an unknown ref adds nothing');
    assert.throws(() => app.appendRef!(rb, 500, 4), SampleRejectedError);
    assert.equal(app.appendRef!(rb, 2000, 5), true);
    await app.commit();
    app = tee.appender();
    app.appendRef!(ra, 3000, 6);
    app.rollback();
    assert.equal(got[2]!.labels.length, 2);
    for (let t = 5000; t < 5000 + 20_000; t += 1) {
      // Many batches later (generations rotated), a by-ref series still hands over one object.
      app = tee.appender();
      app.appendRef!(rb, t, 1);
      await app.commit();
    }
    const bs = got.slice(4).map((s) => s.labels);
    assert.ok(bs.every((l) => formatLabels(l) === 'b'));
    assert.equal(new Set(bs).size, 1, "by-ref samples of one series share their Labels object");
    got.length = 4;
    assert.deepEqual(
      got.map((s) => `${formatLabels(s.labels)} ${s.t} ${s.v}`),
      ['a{x="1"} 1000 1', 'b 1000 2', 'a{x="1"} 2000 3', 'b 2000 5'],
    );

    active = false;
    app = tee.appender();
    assert.equal(app.appendRef!(ra, 4000, 7), true);
    await app.commit();
    assert.equal(got.length, 4, 'inactive: stored, not passed on');
    assert.equal(db.head.series.lastValue[db.head.seriesByLabels(a)], 7);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
