import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import type { RunningServer, ServerOptions } from '../server/index.js';
import type { ServerFlags } from './args.js';
import { FORCED_EXIT_CODE, type ServerCommandEnv, runServerCommand } from './server-command.js';

const FLAGS: ServerFlags = { configFile: undefined, dataDir: './x', listen: { host: '127.0.0.1', port: 0 }, logLevel: 'silent', logFormat: 'json' };

function setup(over: Partial<ServerCommandEnv> = {}) {
  const signals = new EventEmitter();
  const events: string[] = [];
  let started: ServerOptions | undefined;
  let markStarted: () => void = () => undefined;
  const startedP = new Promise<void>((r) => (markStarted = r));
  const running: RunningServer = {
    address: { host: '127.0.0.1', port: 4242 },
    reload: () => {
      events.push('reload');
      return Promise.resolve();
    },
    closeables: [
      { name: 'http', close: () => (events.push('close http'), Promise.resolve()) },
      { name: 'storage', close: () => (events.push('close storage'), Promise.resolve()) },
    ],
  };
  let stderr = '';
  const env: ServerCommandEnv = {
    start: (opts) => {
      started = opts;
      markStarted();
      return Promise.resolve(running);
    },
    version: '1.2.3',
    stderr: (t) => void (stderr += t),
    signals,
    forceExit: (code) => void events.push(`exit ${code}`),
    makeLogger: () => silentLogger(),
    ...over,
  };
  return { signals, events, env, startedP, started: () => started, stderr: () => stderr };
}

describe('runServerCommand', () => {
  it('starts, reloads on SIGHUP, closes HTTP then storage on SIGTERM', async () => {
    const t = setup();
    const done = runServerCommand(FLAGS, t.env);
    await t.startedP;
    await new Promise((r) => setImmediate(r));
    assert.equal(t.started()?.dataDir, './x');
    assert.equal(t.started()?.version, '1.2.3');
    assert.equal(t.started()?.config.global.scrape_interval, 60_000);
    t.signals.emit('SIGHUP');
    await new Promise((r) => setImmediate(r));
    t.signals.emit('SIGTERM');
    t.signals.emit('SIGINT'); // second signal forces
    assert.equal(await done, 0);
    assert.deepEqual(t.events, ['reload', `exit ${FORCED_EXIT_CODE}`, 'close http', 'close storage']);
    assert.equal(t.signals.listenerCount('SIGTERM'), 0);
    assert.equal(t.signals.listenerCount('SIGHUP'), 0);
  });

  it('exits 1 with the config message when the config is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-cli-'));
    try {
      const file = join(dir, 'vigie.yml');
      await writeFile(file, 'storage:\n  retention:\n    time: fifteen\n');
      const t = setup();
      assert.equal(await runServerCommand({ ...FLAGS, configFile: file }, t.env), 1);
      assert.equal(t.stderr(), `vigie: invalid configuration:\n${file}:3:11: storage.retention.time: expected a duration like 15d, got "fifteen"\n`);
      assert.equal(t.started(), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 when the start fails', async () => {
    const t = setup({ start: () => Promise.reject(new Error('disk on fire')) });
    assert.equal(await runServerCommand(FLAGS, t.env), 1);
  });

  it('exits 1 when a close fails, still closing the rest', async () => {
    const events: string[] = [];
    const t = setup({
      start: () =>
        Promise.resolve({
          address: { host: '127.0.0.1', port: 1 },
          reload: () => Promise.resolve(),
          closeables: [
            { name: 'http', close: () => Promise.reject(new Error('stuck')) },
            { name: 'storage', close: () => (events.push('storage'), Promise.resolve()) },
          ],
        }),
    });
    const done = runServerCommand(FLAGS, t.env);
    await new Promise((r) => setTimeout(r, 20));
    t.signals.emit('SIGINT');
    assert.equal(await done, 1);
    assert.deepEqual(events, ['storage']);
  });
});
