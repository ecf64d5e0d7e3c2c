import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../common/index.js';
import { openStateDb } from '../state/index.js';
import { DashboardInvalidError, DashboardNotFoundError, DashboardTitleConflictError, DashboardVersionMismatchError } from './errors.js';
import { type DashboardStore, openDashboardStore } from './store.js';

const T0 = Date.UTC(2024, 0, 15);
const fresh = (): { store: DashboardStore; clock: ManualClock } => {
  const clock = new ManualClock(T0);
  return { store: openDashboardStore(openStateDb(':memory:'), clock), clock };
};

describe('DashboardStore', () => {
  it('creates with a generated uid and version 1, and reads it back', () => {
    const { store } = fresh();
    const r = store.save({ dashboard: { title: ' Hosts ', tags: ['linux'], panels: [{ id: 1, type: 'stat' }], id: 42, custom: { kept: true } }, by: 'eddie' });
    assert.equal(r.created, true);
    assert.match(r.meta.uid, /^[A-Za-z0-9_-]{9,}$/);
    assert.equal(r.meta.version, 1);
    const got = store.get(r.meta.uid);
    assert.ok(got);
    assert.deepEqual([got.title, got.tags, got.version, got.updatedAt, got.updatedBy], ['Hosts', ['linux'], 1, T0, 'eddie']);
    assert.deepEqual(got.dashboard, { title: 'Hosts', tags: ['linux'], panels: [{ id: 1, type: 'stat' }], custom: { kept: true }, uid: r.meta.uid, version: 1 });
    assert.equal(store.get('nope'), undefined);
  });

  it('updates: the version increments, a stale version is refused unless overwrite', () => {
    const { store, clock } = fresh();
    const { meta } = store.save({ dashboard: { uid: 'abc', title: 'A' }, by: 'a' });
    clock.advance(1000);
    const r2 = store.save({ dashboard: { uid: 'abc', title: 'A2', version: 1 }, by: 'b' });
    assert.deepEqual([r2.created, r2.meta.version, r2.meta.uid, r2.meta.updatedAt, r2.meta.updatedBy], [false, 2, meta.uid, T0 + 1000, 'b']);
    assert.throws(() => store.save({ dashboard: { uid: 'abc', title: 'A3', version: 1 }, by: 'c' }), (e: unknown) => e instanceof DashboardVersionMismatchError && e.status === 412 && /version is 2/.test(e.message));
    assert.equal(store.get('abc')?.title, 'A2');
    assert.equal(store.save({ dashboard: { uid: 'abc', title: 'A3', version: 1 }, overwrite: true, by: 'c' }).meta.version, 3);
    assert.equal(store.save({ dashboard: { uid: 'abc', title: 'A4' }, by: 'c' }).meta.version, 4, 'no version given: saved');
    assert.equal(store.get('abc')?.dashboard['version'], 4);
  });

  it('keeps titles unique (case-insensitive) unless overwrite replaces the other one', () => {
    const { store } = fresh();
    store.save({ dashboard: { uid: 'one', title: 'Node' }, by: 'a' });
    assert.throws(() => store.save({ dashboard: { title: 'node' }, by: 'a' }), (e: unknown) => e instanceof DashboardTitleConflictError && e.status === 409 && /uid one/.test(e.message));
    store.save({ dashboard: { uid: 'one', title: 'NODE' }, by: 'a' });
    const r = store.save({ dashboard: { uid: 'two', title: 'Node' }, overwrite: true, by: 'a' });
    assert.equal(r.replacedUid, 'one');
    assert.deepEqual(store.list().map((m) => m.uid), ['two']);
  });

  it('lists by title with query and tag filters', () => {
    const { store } = fresh();
    store.save({ dashboard: { title: 'zeta', tags: ['a', 'b'] }, by: 'x' });
    store.save({ dashboard: { title: 'Alpha', tags: ['b'] }, by: 'x' });
    store.save({ dashboard: { title: 'beta 50%', tags: [] }, by: 'x' });
    assert.deepEqual(store.list().map((m) => m.title), ['Alpha', 'beta 50%', 'zeta']);
    assert.deepEqual(store.list({ query: 'ET' }).map((m) => m.title), ['beta 50%', 'zeta']);
    assert.deepEqual(store.list({ query: '%' }).map((m) => m.title), ['beta 50%']);
    assert.deepEqual(store.list({ tags: ['b'] }).map((m) => m.title), ['Alpha', 'zeta']);
    assert.deepEqual(store.list({ tags: ['a', 'b'] }).map((m) => m.title), ['zeta']);
    assert.deepEqual(store.list({ tags: ['c'] }), []);
  });

  it('deletes, and says when there is nothing to delete', () => {
    const { store } = fresh();
    store.save({ dashboard: { uid: 'gone', title: 'G' }, by: 'x' });
    assert.equal(store.delete('gone').title, 'G');
    assert.throws(() => store.delete('gone'), DashboardNotFoundError);
    assert.equal(store.get('gone'), undefined);
  });

  it('refuses bad dashboards and bad uids with the JSON path', () => {
    const { store } = fresh();
    const bad: [unknown, RegExp][] = [
      [[], /^dashboard: expected a JSON object/],
      [{ title: 3 }, /^dashboard\.title: expected a string/],
      [{ title: '  ' }, /^dashboard\.title: must not be empty/],
      [{ title: 't', uid: 'has space' }, /^dashboard\.uid: "has space" is not a valid uid/],
      [{ title: 't', uid: 'x'.repeat(41) }, /not a valid uid/],
      [{ title: 't', panels: [{}, {}, {}, { gridPos: { x: 0, y: 0, w: '4', h: 1 } }] }, /^dashboard\.panels\[3\]\.gridPos\.w: expected a number$/],
    ];
    for (const [d, re] of bad) assert.throws(() => store.save({ dashboard: d, by: 'x' }), (e: unknown) => e instanceof DashboardInvalidError && re.test(e.message), JSON.stringify(d));
    assert.deepEqual(store.list(), []);
  });

  it('survives closing and reopening the database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-dash-'));
    try {
      const path = join(dir, 'vigie.db');
      const db1 = openStateDb(path);
      const s1 = openDashboardStore(db1, new ManualClock(T0));
      s1.save({ dashboard: { uid: 'keep', title: 'Kept', panels: [{ type: 'text', id: 1 }] }, by: 'x' });
      s1.save({ dashboard: { uid: 'keep', title: 'Kept', version: 1 }, by: 'y' });
      db1.close();
      const db2 = openStateDb(path);
      try {
        const s2 = openDashboardStore(db2, new ManualClock(T0));
        const got = s2.get('keep');
        assert.deepEqual([got?.title, got?.version, got?.updatedBy], ['Kept', 2, 'y']);
        assert.equal(s2.save({ dashboard: { uid: 'keep', title: 'Kept', version: 2 }, by: 'z' }).meta.version, 3);
      } finally {
        db2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
