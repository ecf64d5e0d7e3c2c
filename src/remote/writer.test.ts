import { waitUntil } from '../common/index.js';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { type RemoteSample, createRemoteWrite } from './index.js';


const until = waitUntil;

function startVm(dir: string, port: number): ChildProcess {
  return spawn('victoria-metrics', [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-search.disableCache'], { stdio: 'ignore' });
}

async function stopVm(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
}

/** Samples of `name` in VM, as "t:v" strings per series. */
async function exported(port: number, name: string): Promise<Map<string, string[]>> {
  await fetch(`http://127.0.0.1:${port}/internal/force_flush`).then((r) => r.text());
  const text = await (await fetch(`http://127.0.0.1:${port}/api/v1/export?match[]=${name}`)).text();
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const j = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
    const key = Object.entries(j.metric).sort().map(([k, v]) => `${k}=${v}`).join(',');
    out.set(key, j.timestamps.map((t, i) => `${t}:${j.values[i]}`));
  }
  return out;
}

describe('remote write sender against a real VictoriaMetrics', () => {
  it('delivers, waits while VM is down, survives a sender restart, loses nothing', { timeout: 120_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-vm-'));
    const port = 18000 + Math.floor(Math.random() * 2000);
    let vm = startVm(join(dir, 'vm'), port);
    t.after(async () => {
      await stopVm(vm);
      rmSync(dir, { recursive: true, force: true });
    });
    await until(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true, 30_000, 'VM to start');
    const yml =
      `global: {external_labels: {site: paris}}\n` +
      `remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    name: vm\n` +
      `    write_relabel_configs: [{source_labels: [__name__], regex: 'dropme', action: drop}]\n` +
      `    queue_config: {batch_send_deadline: 200ms, max_samples_per_send: 500, min_backoff: 50ms, max_backoff: 400ms}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const open = () => createRemoteWrite({ configs: cfg.remote_write, externalLabels: cfg.global.external_labels, dataDir: join(dir, 'vigie'), logger: silentLogger(), userAgent: 'Vigie/test' });
    const series = Array.from({ length: 20 }, (_, i) => labelsFromRecord({ __name__: 'rw_test', idx: String(i) }));
    const drop = labelsFromRecord({ __name__: 'dropme' });
    const t0 = 1_700_000_000_000;
    const batch = (step: number): RemoteSample[] => [...series.map((labels, i) => ({ labels, t: t0 + step * 15_000, v: i * 1000 + step })), { labels: drop, t: t0 + step * 15_000, v: 1 }];

    let rw = open();
    for (let s = 0; s < 50; s++) rw.enqueue(batch(s));
    await until(() => rw.stats()[0]!.samplesPending === 0, 30_000, 'first samples sent');
    let st = rw.stats()[0]!;
    assert.equal(st.samplesSent, 1000);
    assert.equal(st.samplesDropped, 50);
    assert.equal(st.highestSentTimestamp, t0 + 49 * 15_000);

    // VM down: samples wait (retried), then the sender restarts before VM is back.
    await stopVm(vm);
    for (let s = 50; s < 100; s++) rw.enqueue(batch(s));
    await until(() => rw.stats()[0]!.samplesRetried > 0, 20_000, 'a retry');
    st = rw.stats()[0]!;
    assert.equal(st.samplesPending, 1000);
    await rw.close();
    rw = open();
    assert.equal(rw.stats()[0]!.samplesPending, 1000, 'the queue survives the restart');
    for (let s = 100; s < 120; s++) rw.enqueue(batch(s));
    vm = startVm(join(dir, 'vm'), port);
    await until(() => rw.stats()[0]!.samplesPending === 0, 60_000, 'queued samples delivered after VM restart');
    assert.equal(rw.stats()[0]!.samplesFailed, 0);
    await rw.close();

    let got = new Map<string, string[]>();
    await until(async () => {
      got = await exported(port, 'rw_test');
      return got.size === 20 && [...got.values()].every((v) => v.length === 120);
    }, 30_000, 'VM to show 20 series x 120 samples');
    const s7 = got.get('__name__=rw_test,idx=7,site=paris')!;
    assert.equal(s7[0], `${t0}:7000`);
    assert.equal(s7[119], `${t0 + 119 * 15_000}:7119`);
    assert.equal((await exported(port, 'dropme')).size, 0);
  });
});
