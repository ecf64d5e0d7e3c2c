import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { startServer } from '../main.js';
import { UsageError, parseCommandLine } from './args.js';
import { type CliIO, main } from './index.js';

function io(stdin = ''): CliIO & { out: string; err: string } {
  const c = { out: '', err: '', stdout: (t: string) => void (c.out += t), stderr: (t: string) => void (c.err += t), readStdin: () => Promise.resolve(stdin) };
  return c;
}

describe('vigie user', () => {
  it('parses its actions and refuses bad ones', () => {
    assert.deepEqual(parseCommandLine(['user', 'add', 'bob', '--role', 'editor', '--password-stdin', '--data-dir', '/d']), {
      kind: 'user',
      flags: { action: 'add', name: 'bob', role: 'editor', passwordStdin: true, dataDir: '/d' },
    });
    assert.deepEqual(parseCommandLine(['user', 'list']), { kind: 'user', flags: { action: 'list', name: '', role: 'viewer', passwordStdin: false, dataDir: './data' } });
    assert.deepEqual(parseCommandLine(['user', '--help']), { kind: 'help', topic: 'user' });
    for (const bad of [['user'], ['user', 'add'], ['user', 'nuke', 'x'], ['user', 'list', 'x'], ['user', 'add', 'a', 'b'], ['user', 'add', 'x', '--role', 'root'], ['user', 'del', 'x', '--role', 'admin'], ['user', 'del', 'x', '--password-stdin']]) {
      assert.throws(() => parseCommandLine(bad), UsageError, bad.join(' '));
    }
  });

  it('adds, lists, changes and deletes users; the new password logs in over HTTP', { timeout: 60_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-user-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    let c = io('first-password-1\n');
    assert.equal(await main(['user', 'add', 'root', '--role', 'admin', '--password-stdin', '--data-dir', dataDir], c), 0, c.err);
    assert.equal(c.out, 'added user root (admin)\n');
    c = io();
    assert.equal(await main(['user', 'add', 'bob', '--data-dir', dataDir], c), 0, c.err);
    const generated = /password: (\S+)/.exec(c.out)?.[1] ?? '';
    assert.ok(generated.length >= 16, c.out);
    c = io();
    assert.equal(await main(['user', 'add', 'bob', '--data-dir', dataDir], c), 1);
    assert.match(c.err, /already exists/);
    c = io('short\n');
    assert.equal(await main(['user', 'passwd', 'bob', '--password-stdin', '--data-dir', dataDir], c), 1);
    assert.match(c.err, /at least 8 characters/);
    c = io('bobs-new-password\nignored second line\n');
    assert.equal(await main(['user', 'passwd', 'bob', '--password-stdin', '--data-dir', dataDir], c), 0, c.err);
    c = io();
    assert.equal(await main(['user', 'del', 'root', '--data-dir', dataDir], c), 1);
    assert.match(c.err, /last admin/);
    c = io();
    assert.equal(await main(['user', 'del', 'nobody', '--data-dir', dataDir], c), 1);
    assert.match(c.err, /no user "nobody"/);
    c = io();
    assert.equal(await main(['user', 'list', '--data-dir', dataDir], c), 0);
    assert.match(c.out, /^NAME +ROLE +STATUS +CREATED\nbob +viewer +enabled +\d{4}-.*\nroot +admin +enabled +\d{4}-/);

    // The server uses the same file: no generated admin (root exists), and bob's new password works.
    let banner = '';
    const config = parseConfig('host:\n  enabled: false\n', 'test.yml').config;
    const stderrWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = (s: string | Uint8Array) => ((banner += String(s)), true);
    let running;
    try {
      running = await startServer({ configFile: undefined, config, dataDir, listen: { host: '127.0.0.1', port: 0 }, logger: silentLogger(), version: 'test' });
    } finally {
      process.stderr.write = stderrWrite;
    }
    try {
      assert.doesNotMatch(banner, /password:/);
      const base = `http://127.0.0.1:${running.address.port}`;
      const login = (username: string, password: string) =>
        fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      let r = await login('bob', generated);
      assert.equal(r.status, 401);
      await r.text();
      r = await login('bob', 'bobs-new-password');
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { role: string }).role, 'viewer');
      const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      r = await fetch(`${base}/api/v1/query?query=1`, { headers: { cookie } });
      assert.equal(r.status, 200, await r.text());
      // Deleted on the CLI while the server runs: the session ends.
      c = io();
      assert.equal(await main(['user', 'del', 'bob', '--data-dir', dataDir], c), 0, c.err);
      r = await fetch(`${base}/api/v1/query?query=1`, { headers: { cookie } });
      assert.equal(r.status, 401);
      await r.text();
    } finally {
      for (const x of running.closeables) await x.close();
    }
  });
});
