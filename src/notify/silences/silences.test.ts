import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../common/index.js';
import { openStateDb } from '../../state/index.js';
import { SilenceError, Silences, silenceState } from './silences.js';

const T0 = Date.UTC(2026, 2, 1);
const H = 3600_000;
const eq = (name: string, value: string) => ({ name, value, isRegex: false, isEqual: true });

test('states pending, active, expired; mutes only while active; regexps are anchored', () => {
  const clock = new ManualClock(T0);
  const s = new Silences({ db: openStateDb(':memory:'), clock });
  const id = s.set({ matchers: [{ name: 'instance', value: 'web-.*', isRegex: true, isEqual: true }], startsAt: T0 + H, endsAt: T0 + 2 * H, createdBy: 'ops', comment: 'deploy' });
  assert.equal(silenceState(s.get(id)!, clock.now()), 'pending');
  assert.deepEqual(s.mutedBy({ instance: 'web-1' }), []);
  clock.advance(H);
  assert.deepEqual(s.mutedBy({ instance: 'web-1' }), [id]);
  assert.deepEqual(s.mutedBy({ instance: 'xweb-1' }), [], 'regexp is anchored');
  clock.advance(H);
  assert.equal(silenceState(s.get(id)!, clock.now()), 'expired');
  assert.deepEqual(s.mutedBy({ instance: 'web-1' }), []);
});

test('refuses silences Alertmanager refuses, with the reason', () => {
  const clock = new ManualClock(T0);
  const s = new Silences({ db: openStateDb(':memory:'), clock });
  const base = { startsAt: T0, endsAt: T0 + H, createdBy: 'a', comment: 'c' };
  assert.throws(() => s.set({ ...base, matchers: [] }), /at least one matcher/);
  assert.throws(() => s.set({ ...base, matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] }), /must not match the empty string/);
  assert.throws(() => s.set({ ...base, matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }] }), SilenceError);
  assert.throws(() => s.set({ ...base, matchers: [eq('a', 'b')], endsAt: T0 - 1 }), /end time/);
  assert.throws(() => s.set({ ...base, matchers: [eq('a', 'b')], startsAt: T0 - 2 * H, endsAt: T0 - H }), /in the past/);
  assert.throws(() => s.set({ ...base, matchers: [eq('1bad', 'b')] }), /invalid label name/);
  assert.throws(() => s.set({ ...base, id: 'nope', matchers: [eq('a', 'b')] }), (e: unknown) => e instanceof SilenceError && e.notFound);
});

test('update: same matchers updates in place; new matchers expire the active silence and create another', () => {
  const clock = new ManualClock(T0);
  const s = new Silences({ db: openStateDb(':memory:'), clock });
  const id = s.set({ matchers: [eq('a', 'b')], startsAt: T0, endsAt: T0 + H, createdBy: 'x', comment: 'one' });
  clock.advance(60_000);
  assert.equal(s.set({ id, matchers: [eq('a', 'b')], startsAt: T0, endsAt: T0 + 2 * H, createdBy: 'x', comment: 'longer' }), id);
  assert.equal(s.get(id)!.endsAt, T0 + 2 * H);
  const id2 = s.set({ id, matchers: [eq('a', 'c')], startsAt: T0, endsAt: T0 + 2 * H, createdBy: 'x', comment: 'other' });
  assert.notEqual(id2, id);
  assert.equal(silenceState(s.get(id)!, clock.now()), 'expired');
  assert.equal(s.get(id2)!.startsAt, clock.now(), 'a start in the past becomes now');
  s.expire(id2);
  assert.throws(() => s.expire(id2), /already expired/);
});

test('silences survive a restart (SQLite) and expired ones are purged after the retention', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-silences-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new ManualClock(T0);
  const path = join(dir, 'vigie.db');
  let db = openStateDb(path);
  const s1 = new Silences({ db, clock, retention: 5 * 24 * H });
  const id = s1.set({ matchers: [eq('alertname', 'X'), { name: 'env', value: 'dev', isRegex: false, isEqual: false }], startsAt: T0, endsAt: T0 + H, createdBy: 'me', comment: 'persist' });
  db.close();
  db = openStateDb(path);
  t.after(() => db.close());
  const s2 = new Silences({ db, clock, retention: 5 * 24 * H });
  assert.deepEqual(s2.get(id), s1.get(id));
  assert.deepEqual(s2.mutedBy({ alertname: 'X', env: 'prod' }), [id]);
  assert.deepEqual(s2.mutedBy({ alertname: 'X', env: 'dev' }), []);
  clock.advance(H + 5 * 24 * H - 1);
  assert.equal(s2.purge(), 0);
  clock.advance(1);
  assert.equal(s2.purge(), 1);
  assert.equal(new Silences({ db, clock }).list().length, 0);
});
