import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AuthConflictError, AuthError } from './errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { TEST_SCRYPT, cookieOf, startHarness } from './testutil.js';

const ENV = 'env-token-users-test-0123456789';
const bearer = { authorization: `Bearer ${ENV}` };
const json = { 'content-type': 'application/json', ...bearer };

describe('users, first start and the state file', () => {
  it('creates admin once on first start, with a password announced once and stored hashed', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-auth-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'vigie.db');
    const banners: string[] = [];
    let h = await startHarness({ dbPath, announce: (s) => void banners.push(s) });
    assert.equal(banners.length, 1);
    const password = /password: (\S+)/.exec(banners[0] ?? '')?.[1] ?? '';
    assert.ok(password.length >= 16, banners[0]);
    assert.equal((await h.auth.users.verify('admin', password))?.role, 'admin');
    await h.auth.users.add('carol', 'viewer', 'correct horse battery staple');
    const { token } = h.auth.tokens.create({ name: 'grafana', role: 'viewer', createdBy: 'admin' });
    await h.close();
    h = await startHarness({ dbPath, announce: (s) => void banners.push(s) });
    assert.equal(banners.length, 1, 'not announced again');
    assert.deepEqual(h.auth.users.list().map((u) => u.name), ['admin', 'carol']);
    await h.close();
    // Neither passwords nor tokens are in the database files, only their hashes.
    for (const f of await readdir(dir)) {
      const bytes = await readFile(join(dir, f));
      for (const secret of [password, 'correct horse battery staple', token]) assert.equal(bytes.indexOf(secret), -1, `${secret} found in ${f}`);
    }
  });

  it('hashes with scrypt and a per-user salt, and rejects malformed stored hashes', async () => {
    const a = await hashPassword('same password', TEST_SCRYPT);
    const b = await hashPassword('same password', TEST_SCRYPT);
    assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password', a), true);
    assert.equal(await verifyPassword('same passwore', a), false);
    for (const bad of ['', 'plain', 'scrypt$x$8$1$a$b', 'bcrypt$1024$8$1$a$b', 'scrypt$1024$8$1$a', 'scrypt$99999999999$8$1$a$b']) {
      await assert.rejects(verifyPassword('x', bad), (e: unknown) => e instanceof Error, bad);
    }
  });

  it('refuses bad names and passwords, duplicates, and removing the last admin', async () => {
    const h = await startHarness();
    try {
      const users = h.auth.users;
      for (const name of ['', ' bob', '../x', 'a'.repeat(65), 'bob\n', '-x']) await assert.rejects(users.add(name, 'viewer', 'long enough pw'), AuthError, JSON.stringify(name));
      await assert.rejects(users.add('bob', 'viewer', 'short'), /at least 8/);
      await users.add('bob', 'viewer', 'long enough pw');
      await assert.rejects(users.add('bob', 'viewer', 'long enough pw'), AuthConflictError);
      assert.throws(() => users.delete('admin'), /last admin/);
      assert.throws(() => users.update('admin', { role: 'viewer' }), /last admin/);
      assert.throws(() => users.update('admin', { disabled: true }), /last admin/);
      users.update('bob', { role: 'admin' });
      users.delete('admin');
      assert.deepEqual(users.list().map((u) => [u.name, u.role]), [['bob', 'admin']]);
    } finally {
      await h.close();
    }
  });

  it('manages users and tokens over the admin API, audited', async () => {
    const h = await startHarness({ envToken: ENV });
    try {
      const app = h.server.app;
      let r = await app.inject({ method: 'POST', url: '/api/v1/users', headers: json, payload: { name: 'dana', role: 'editor' } });
      assert.equal(r.statusCode, 201, r.body);
      const created = r.json<{ user: { name: string; role: string }; password: string }>();
      assert.equal(created.user.role, 'editor');
      r = await app.inject({ method: 'POST', url: '/api/v1/login', headers: { 'content-type': 'application/json' }, payload: { username: 'dana', password: created.password } });
      assert.equal(r.statusCode, 200);
      const cookie = cookieOf(r.headers['set-cookie']);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json<{ role: string }>().role, 'editor');
      // Disabling ends the sessions at once.
      r = await app.inject({ method: 'PUT', url: '/api/v1/users/dana', headers: json, payload: { disabled: true } });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 401);
      assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/users/dana', headers: json, payload: { role: 'god' } })).statusCode, 400);
      assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/users/nobody', headers: json, payload: { role: 'viewer' } })).statusCode, 404);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/users', headers: json, payload: { name: 'dana' } })).statusCode, 409);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/users', headers: json, payload: '[1]' })).statusCode, 400);
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/users/admin', headers: bearer })).statusCode, 409);
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/users/dana', headers: bearer })).statusCode, 200);
      // Tokens: the value only in the creation answer.
      r = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: json, payload: { name: 'agent', role: 'writer', expiresIn: '30d' } });
      assert.equal(r.statusCode, 201, r.body);
      const tok = r.json<{ token: string; id: string; write: boolean; expiresAt: number }>();
      assert.match(tok.token, /^vigie_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual([tok.write, tok.expiresAt], [true, h.clock.now() + 30 * 86_400_000]);
      const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
      assert.ok(!list.body.includes(tok.token));
      assert.equal(list.json<{ tokens: unknown[] }>().tokens.length, 1);
      for (const bad of [{ name: '', role: 'viewer' }, { name: 'x', role: 'root' }, { name: 'x', expiresIn: 'soon' }, { name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, { name: 'x', write: 'yes' }]) {
        assert.equal((await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: json, payload: bad })).statusCode, 400, JSON.stringify(bad));
      }
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${tok.id}`, headers: bearer })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/query', headers: { authorization: `Bearer ${tok.token}` } })).statusCode, 401);
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${tok.id}`, headers: bearer })).statusCode, 404);
      const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit?limit=50', headers: bearer })).json<{ entries: { actor: string; action: string; target: string; detail: { status?: number } }[] }>().entries.reverse();
      assert.deepEqual(audit.filter((e) => !e.action.includes(' ')).map((e) => e.action), ['user.add', 'user.add', 'login.ok', 'user.update', 'user.delete', 'token.create', 'token.delete']);
      // Refused changes are audited with their status.
      assert.deepEqual(audit.filter((e) => e.action.includes(' ')).map((e) => `${e.action} ${e.target} ${String(e.detail.status)}`).slice(0, 5), [
        'PUT /api/v1/users/:name /api/v1/users/dana 400',
        'PUT /api/v1/users/:name /api/v1/users/nobody 404',
        'POST /api/v1/users /api/v1/users 409',
        'POST /api/v1/users /api/v1/users 400',
        'DELETE /api/v1/users/:name /api/v1/users/admin 409',
      ]);
      assert.deepEqual([audit[0]?.actor, audit[1]?.actor], ['system', 'token:VIGIE_API_TOKEN']);
    } finally {
      await h.close();
    }
  });
});
