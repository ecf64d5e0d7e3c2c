import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { freePort, waitUntil } from '../common/index.js';
import { startHttpServer } from './testutil.js';

// dist/src/uptime/e2e.test.js -> repo root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const TOKEN = 'probe-e2e-token';
const auth = { Authorization: `Bearer ${TOKEN}` };


type QueryBody = { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };

describe('vigie server with probes (end to end)', () => {
  it('probes a loopback HTTP server, stores probe_success with job/instance/module, and applies a reload', { timeout: 120_000 }, async (t) => {
    const target = await startHttpServer();
    const dir = await mkdtemp(join(tmpdir(), 'vigie-probe-e2e-'));
    const port = await freePort();
    const config = join(dir, 'vigie.yml');
    const cfg = (targets: string[]): string =>
      `host:\n  enabled: false\nprobes:\n  - job_name: web\n    module: http_2xx\n    interval: 1s\n    slow_threshold: 3s\n    labels:\n      team: ops\n    targets: [${targets.map((x) => `'${x}'`).join(', ')}]\n`;
    const a = `${target.url}/a`;
    const b = `${target.url}/b`;
    await writeFile(config, cfg([a]));
    const child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
    });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    t.after(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await target.close();
      await rm(dir, { recursive: true, force: true });
    });
    const base = `http://127.0.0.1:${port}`;
    const query = async (q: string): Promise<QueryBody['data']['result']> => {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { headers: auth });
      return ((await r.json()) as QueryBody).data.result;
    };
    await waitUntil(
      async () => {
        try {
          return (await query('probe_success')).length > 0;
        } catch {
          return false;
        }
      },
      60_000,
      `probe_success stored (logs: ${logs.slice(-1000)})`,
    );
    const [ps] = await query('probe_success');
    assert.deepEqual(ps!.metric, { __name__: 'probe_success', job: 'web', instance: a, module: 'http_2xx', team: 'ops' });
    assert.equal(ps!.value[1], '1');

    const probes = (await (await fetch(`${base}/api/v1/probes`, { headers: auth })).json()) as { data: { instance: string; status: string; uptime: Record<string, number | null> }[] };
    assert.deepEqual(probes.data.map((p) => [p.instance, p.status]), [[a, 'up']]);
    assert.deepEqual(probes.data[0]!.uptime, { '24h': 1, '7d': 1, '30d': 1 }, 'uptime read back through PromQL');
    const direct = await fetch(`${base}/probe?module=http_2xx&target=${encodeURIComponent(a)}`, { headers: auth });
    assert.match(await direct.text(), /^probe_success 1$/m);

    // reload: a replaced by b; a's series end with a staleness marker (absent from an instant query)
    await writeFile(config, cfg([b]));
    const r = await fetch(`${base}/-/reload`, { method: 'POST', headers: auth });
    assert.equal(r.status, 200, await r.text());
    await waitUntil(async () => (await query(`probe_success{instance="${b}"}`)).length === 1, 30_000, 'new target probed');
    assert.equal((await query(`probe_success{instance="${a}"}`)).length, 0, 'removed target is stale');
    const m = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    assert.match(m, /^vigie_probes_total\{job="web",result="success"\} [1-9]/m);
    assert.match(m, /^vigie_probe_schedule_lag_seconds_count [1-9]/m);

    child.kill('SIGTERM');
    assert.equal(await exited, 0, logs.slice(-2000));
  });
});
