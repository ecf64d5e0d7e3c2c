import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { freePort, waitUntil } from '../common/index.js';

// dist/src/cli/e2e.test.js -> repo root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
// Every route but health, readiness and login needs credentials: the servers get an admin token.
const TOKEN = 'vigie_e2e-test-token';
const ENV = { ...process.env, VIGIE_API_TOKEN: TOKEN };
const AUTH = { authorization: `Bearer ${TOKEN}` };


async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(url);
      await r.text();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('vigie server (end to end)', () => {
  it('starts, becomes ready, reloads on SIGHUP and exits 0 on SIGTERM', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
    try {
      const port = await freePort();
      const config = join(dir, 'vigie.yml');
      await writeFile(config, 'global:\n  scrape_interval: 15s\nhost:\n  enabled: true\n');
      const child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: ENV,
      });
      let logs = '';
      child.stdout.on('data', (b: Buffer) => (logs += b.toString()));
      child.stderr.on('data', (b: Buffer) => (logs += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

      await waitReady(`http://127.0.0.1:${port}/-/ready`, Date.now() + 15_000);
      const health = await fetch(`http://127.0.0.1:${port}/-/healthy`);
      assert.equal(await health.text(), 'Vigie is Healthy.\n');
      assert.ok(existsSync(join(dir, 'data')), 'data dir created');
      // First start: an admin with a generated password, printed once; it logs in, anonymous callers do not get in.
      await waitUntil(() => /password: \S+/.test(logs), 15_000, 'the first admin password');
      const password = /password: (\S+)/.exec(logs)?.[1] ?? '';
      const base = `http://127.0.0.1:${port}`;
      const anon = await fetch(`${base}/api/v1/query?query=1`);
      assert.equal(anon.status, 401);
      await anon.text();
      const login = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      assert.equal(login.status, 200, await login.text());
      const viaToken = await fetch(`${base}/api/v1/query?query=1`, { headers: AUTH });
      assert.equal(viaToken.status, 200, await viaToken.text());
      assert.doesNotMatch(logs, new RegExp(TOKEN), 'the token is never logged');

      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 0, logs);
      assert.match(logs, /"msg":"Vigie is ready"/);
      assert.match(logs, /"msg":"configuration reloaded"/);
      assert.match(logs, /"msg":"bye"/);
      assert.equal(logs.split('password: ').length, 2, 'the password is printed once');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('monitors this host into its storage and keeps the data across a restart', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
    const metric = async (port: number, name: string): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: AUTH })).text();
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : NaN;
    };
    const run = async (): Promise<{ port: number; stop: () => Promise<number | null> }> => {
      const port = await freePort();
      const config = join(dir, 'vigie.yml');
      await writeFile(config, 'host:\n  enabled: true\n  interval: 1s\n');
      const child = spawn(process.execPath, ['--expose-gc', BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`], { stdio: 'ignore', env: ENV });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await waitReady(`http://127.0.0.1:${port}/-/ready`, Date.now() + 15_000);
      return { port, stop: async () => (child.kill('SIGTERM'), exited) };
    };
    try {
      const a = await run();
      // Two collections at 1 s: the host's series are in the head, with node_exporter-sized cardinality.
      const deadline = Date.now() + 20_000;
      let appended = 0;
      while (Date.now() < deadline && (appended = await metric(a.port, 'vigie_tsdb_head_samples_appended_total')) < 200) await new Promise((r) => setTimeout(r, 200));
      const series = await metric(a.port, 'vigie_tsdb_head_series');
      assert.ok(series >= 100, `host series in the head: ${series}`);
      assert.ok(appended >= 200, `samples appended: ${appended}`);
      assert.equal(await a.stop(), 0);
      // After a restart the WAL brings them back before any new collection adds more.
      const b = await run();
      assert.ok((await metric(b.port, 'vigie_tsdb_head_series')) >= series, 'series replayed from the WAL');
      assert.equal(await b.stop(), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers Grafana with a token, and remote-writes to itself with credentials from its config', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
    try {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const config = join(dir, 'vigie.yml');
      // As README "Users, roles and tokens" documents for a Prometheus (or a Vigie) writing to Vigie.
      await writeFile(config, `host:\n  enabled: true\n  interval: 1s\nremote_write:\n  - url: ${base}/api/v1/write\n    authorization: {credentials: ${TOKEN}}\n    queue_config: {batch_send_deadline: 500ms}\n`);
      const child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`], { stdio: 'ignore', env: ENV });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitReady(`${base}/-/ready`, Date.now() + 15_000);
        // Grafana's "Save & test": an instant query of 1+1, then buildinfo; its range queries are form POSTs.
        const q = await fetch(`${base}/api/v1/query?query=1%2B1&time=${Date.now() / 1000}`, { headers: AUTH });
        assert.equal(q.status, 200);
        assert.equal(((await q.json()) as { data: { result: [number, string] } }).data.result[1], '2');
        const bi = await fetch(`${base}/api/v1/status/buildinfo`, { headers: AUTH });
        assert.equal(bi.status, 200, await bi.text());
        const form = new URLSearchParams({ query: 'up', start: String(Date.now() / 1000 - 60), end: String(Date.now() / 1000), step: '15' });
        const qr = await fetch(`${base}/api/v1/query_range`, { method: 'POST', body: form, headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(qr.status, 200, await qr.text());
        const metric = async (name: string): Promise<number> => {
          const text = await (await fetch(`${base}/metrics`, { headers: AUTH })).text();
          return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
        };
        await waitUntil(async () => (await metric('vigie_remote_write_received_samples_total')) > 0, 30_000, 'samples remote-written to itself');
        assert.equal(await metric('vigie_remote_write_samples_failed_total'), 0);
      } finally {
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 on an invalid config, naming file:line:col', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
    try {
      const config = join(dir, 'vigie.yml');
      await writeFile(config, 'host:\n  enabled: true\n  colour: blue\n');
      const child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.equal(code, 1);
      assert.match(err, new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:3: host\\.colour: unknown key "colour"`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown flag', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [BIN, 'server', '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(err, /Unknown option '--bogus'/);
  });
});
