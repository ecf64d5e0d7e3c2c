import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { freePort, silentLogger, waitUntil } from '../../common/index.js';
import { parseAlertingConfig } from '../config/index.js';
import { startRecordingServer } from '../receivers/index.js';
import type { Alert } from '../types.js';
import { type ForwardTargetConfig, Forwarder, alertToApi, alertmanagerUrls } from './forwarder.js';

const AM_BIN = '/usr/bin/prometheus-alertmanager';

function alert(name: string, over: Partial<Alert> = {}): Alert {
  const now = Date.now();
  return { labels: { alertname: name, instance: 'db-1', severity: 'page' }, annotations: { summary: `${name} on db-1` }, startsAt: now - 60_000, endsAt: now + 3_600_000, generatorURL: 'http://vigie:9400/graph?g0.expr=up', ...over };
}

function target(hostPort: string, over: Partial<ForwardTargetConfig> = {}): ForwardTargetConfig {
  return { targets: [hostPort], scheme: 'http', path_prefix: '/', timeout: 10_000, api_version: 'v2', ...over };
}

async function counter(r: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = r.getSingleMetric(name);
  const v = await m?.get();
  return v?.values.find((x) => Object.entries(labels).every(([k, val]) => (x.labels as Record<string, unknown>)[k] === val))?.value ?? 0;
}


test('alerts on the wire: Prometheus shape, ms times, empty fields left out; URLs keep the path prefix', () => {
  const a = alertToApi({ labels: { alertname: 'X' }, annotations: {}, startsAt: Date.UTC(2026, 4, 1, 9, 40), endsAt: 0, generatorURL: '' });
  assert.deepEqual(a, { endsAt: '0001-01-01T00:00:00.000Z', startsAt: '2026-05-01T09:40:00.000Z', labels: { alertname: 'X' } });
  assert.deepEqual(Object.keys(alertToApi(alert('Y'))), ['annotations', 'endsAt', 'startsAt', 'generatorURL', 'labels']);
  assert.deepEqual(alertmanagerUrls(target('am:9093', { path_prefix: '/prefix/', scheme: 'https' })), ['https://am:9093/prefix/api/v2/alerts']);
  assert.deepEqual(alertmanagerUrls({ ...target('a:1'), targets: ['a:1', 'b:2'] }), ['http://a:1/api/v2/alerts', 'http://b:2/api/v2/alerts']);
});

test('forwarded alerts appear in the real Alertmanager', async (t) => {
  if (!existsSync(AM_BIN)) {
    t.skip(`LOUD: ${AM_BIN} is missing (Debian package prometheus-alertmanager); the real-peer test cannot run`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigie-am-'));
  const cfgFile = join(dir, 'alertmanager.yml');
  writeFileSync(cfgFile, 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await freePort();
  const am = spawn(AM_BIN, [`--config.file=${cfgFile}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  am.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const registry = new Registry();
  const fwd = new Forwarder({ targets: [target(`127.0.0.1:${port}`)], registry, logger: silentLogger(), userAgent: 'Vigie/test' });
  t.after(async () => {
    await fwd.close();
    am.kill('SIGTERM');
    await new Promise((r) => (am.exitCode !== null ? r(null) : am.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  });
  await waitUntil(
    async () => {
      if (am.exitCode !== null) throw new Error(`alertmanager exited: ${stderr}`);
      return fetch(`http://127.0.0.1:${port}/-/ready`).then((r) => r.ok, () => false);
    },
    60_000,
    'alertmanager ready',
  );

  fwd.send([alert('DiskFull'), alert('HighCPU', { labels: { alertname: 'HighCPU', instance: 'web-1', severity: 'warning' }, annotations: {} })]);
  await fwd.flushed();
  type AmAlert = { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string }; generatorURL: string };
  let got: AmAlert[] = [];
  await waitUntil(
    async () => {
      got = (await (await fetch(`http://127.0.0.1:${port}/api/v2/alerts`)).json()) as AmAlert[];
      return got.length === 2;
    },
    30_000,
    'two alerts in Alertmanager',
  );
  const byName = new Map(got.map((a) => [a.labels['alertname'], a]));
  assert.deepEqual(byName.get('DiskFull')?.labels, { alertname: 'DiskFull', instance: 'db-1', severity: 'page' });
  assert.deepEqual(byName.get('DiskFull')?.annotations, { summary: 'DiskFull on db-1' });
  assert.equal(byName.get('DiskFull')?.generatorURL, 'http://vigie:9400/graph?g0.expr=up');
  assert.equal(byName.get('DiskFull')?.status.state, 'active');
  assert.deepEqual(byName.get('HighCPU')?.labels, { alertname: 'HighCPU', instance: 'web-1', severity: 'warning' });
  const url = `http://127.0.0.1:${port}/api/v2/alerts`;
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_total', { alertmanager: url }), 2);
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_errors_total', { alertmanager: url }), 0);
});

test('batches, auth header, errors and drop-oldest on overflow', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const hostPort = srv.url.replace('http://', '');
  const registry = new Registry();
  const fwd = new Forwarder({
    targets: [target(hostPort, { path_prefix: '/am', http_config: { basic_auth: { username: 'vigie', password: 'pw' } } })],
    registry,
    logger: silentLogger(),
    userAgent: 'Vigie/test',
    batchSize: 2,
    queueCapacity: 4,
  });
  t.after(() => fwd.close());
  const alerts = ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => alert(n));
  fwd.send(alerts); // capacity 4: A and B are dropped before the first batch leaves
  await fwd.flushed();
  assert.deepEqual(srv.requests.map((r) => r.url), ['/am/api/v2/alerts', '/am/api/v2/alerts']);
  const sentNames = srv.requests.flatMap((r) => (JSON.parse(r.body) as { labels: { alertname: string } }[]).map((a) => a.labels.alertname));
  assert.deepEqual(sentNames, ['C', 'D', 'E', 'F']);
  assert.equal(srv.requests[0]?.headers['authorization'], `Basic ${Buffer.from('vigie:pw').toString('base64')}`);
  assert.equal(srv.requests[0]?.headers['content-type'], 'application/json');
  assert.equal(srv.requests[0]?.headers['user-agent'], 'Vigie/test');
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_dropped_total'), 2);

  srv.reply = () => ({ status: 500, body: 'down' });
  fwd.send([alert('G')]);
  await fwd.flushed();
  const url = `${srv.url}/am/api/v2/alerts`;
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_errors_total', { alertmanager: url }), 1);
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_total', { alertmanager: url }), 5);
  assert.equal(await counter(registry, 'vigie_alertmanager_notifications_dropped_total'), 3, 'a batch no Alertmanager took is dropped');
});

test('alerting.alertmanagers from the config feeds the forwarder as is', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const cfg = parseAlertingConfig({
    alertmanagers: [{ static_configs: [{ targets: [srv.url.replace('http://', '')] }], path_prefix: '/am1', timeout: '5s', authorization: { credentials: 'tok' } }],
  });
  const fwd = new Forwarder({ targets: cfg.alertmanagers, registry: new Registry(), logger: silentLogger(), userAgent: 'Vigie/test' });
  t.after(() => fwd.close());
  assert.deepEqual(fwd.urls(), [`${srv.url}/am1/api/v2/alerts`]);
  fwd.send([alert('FromConfig')]);
  await fwd.flushed();
  assert.equal(srv.requests[0]?.headers['authorization'], 'Bearer tok');
  fwd.setTargets([]);
  fwd.send([alert('Nowhere')]);
  await fwd.flushed();
  assert.equal(srv.requests.length, 1, 'no targets: nothing sent');
});
