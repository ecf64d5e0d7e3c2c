import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateDbError, migrate, openStateDb } from './index.js';

test('migrate applies only the steps past the stored version, and survives a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-state-'));
  try {
    const path = join(dir, 'vigie.db');
    let db = openStateDb(path);
    migrate(db, 'a', ['CREATE TABLE a1 (x INTEGER)']);
    db.prepare('INSERT INTO a1 (x) VALUES (?)').run(7);
    db.close();
    db = openStateDb(path);
    migrate(db, 'a', ['CREATE TABLE a1 (x INTEGER)', 'ALTER TABLE a1 ADD COLUMN y TEXT']);
    migrate(db, 'b', ['CREATE TABLE b1 (z INTEGER)']);
    assert.deepEqual(db.prepare('SELECT x, y FROM a1').all(), [{ x: 7, y: null }]);
    assert.throws(() => migrate(db, 'a', ['CREATE TABLE a1 (x INTEGER)']), StateDbError);
    db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing step rolls back and leaves the version unchanged', () => {
  const db = openStateDb(':memory:');
  assert.throws(() => migrate(db, 'c', ['CREATE TABLE c1 (x INTEGER); CREATE TABLE c1 (x INTEGER)']));
  assert.deepEqual(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c1'").get(), { n: 0 });
  assert.deepEqual(db.prepare("SELECT version FROM schema_versions WHERE owner = 'c'").get(), undefined);
  db.close();
});

test('an unopenable path gives a StateDbError naming it', () => {
  assert.throws(() => openStateDb('/nonexistent-dir/x/vigie.db'), (e: unknown) => e instanceof StateDbError && /nonexistent-dir/.test(e.message));
});
