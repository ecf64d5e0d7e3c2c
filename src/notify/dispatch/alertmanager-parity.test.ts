// The same alerts through the real Alertmanager (Debian's prometheus-alertmanager, webhook
// receiver on loopback) and through Vigie's router: group keys, fingerprints, group and
// common labels, alert order and status must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ManualClock, waitUntil } from '../../common/index.js';
import { parseAlertingConfig } from '../config/index.js';
import type { Notification } from '../types.js';
import { fingerprint } from './fingerprint.js';
import { AlertRouter } from './router.js';

const AM = '/usr/bin/prometheus-alertmanager';

interface WebhookPayload {
  receiver: string;
  status: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; fingerprint: string }[];
}

test('Vigie routes and groups like the real Alertmanager', { skip: existsSync(AM) ? false : `LOUD: ${AM} missing (Debian prometheus-alertmanager)`, timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-am-parity-'));
  const payloads: WebhookPayload[] = [];
  const hook = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      payloads.push(JSON.parse(body) as WebhookPayload);
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as AddressInfo).port;
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const c of children) c.kill('SIGKILL');
    hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = {
    route: {
      receiver: 'team',
      group_by: ['alertname'],
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '1h',
      routes: [
        { matchers: ['severity="page"'], receiver: 'pager', group_by: ['alertname', 'cluster'], continue: true },
        { match_re: { service: 'api|web' }, receiver: 'web' },
      ],
    },
    receivers: ['team', 'pager', 'web'].map((name) => ({ name, webhook_configs: [{ url: `http://127.0.0.1:${hookPort}/${name}` }] })),
  };
  writeFileSync(join(dir, 'am.yml'), stringify(config));
  const am: ChildProcess = spawn(AM, [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(am);
  let log = '';
  am.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  let amUrl = '';
  await waitUntil(() => {
    const m = /msg="Listening on" address=([\d.:]+)/.exec(log);
    if (m !== null) amUrl = `http://${m[1]}`;
    return amUrl !== '';
  }, 60_000, 'Alertmanager listening');
  await waitUntil(async () => (await fetch(`${amUrl}/-/ready`).catch(() => undefined))?.ok === true, 60_000, 'Alertmanager ready');

  const now = Date.now();
  const alerts = [
    { labels: { alertname: 'DiskFull', instance: 'a', severity: 'page', cluster: 'eu' }, annotations: { summary: 'disk a' } },
    { labels: { alertname: 'DiskFull', instance: 'b', severity: 'page', cluster: 'eu' }, annotations: { summary: 'disk b' } },
    { labels: { alertname: 'Latency', service: 'api', instance: 'c' }, annotations: { summary: 'slow' } },
    { labels: { alertname: 'Other', instance: 'd' }, annotations: {} },
  ];
  const body = alerts.map((a) => ({ ...a, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString() }));
  const posted = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(posted.status, 200);
  await waitUntil(() => payloads.length >= 3, 90_000, 'three webhook notifications from Alertmanager (pager, web, team)');

  const amAlerts = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as { labels: Record<string, string>; fingerprint: string }[];
  for (const a of amAlerts) assert.equal(fingerprint(a.labels), a.fingerprint, `fingerprint of ${JSON.stringify(a.labels)}`);

  const clock = new ManualClock(now);
  const sent: Notification[] = [];
  const router = new AlertRouter({ config: parseAlertingConfig(config), clock, notify: (n) => sent.push(n) });
  router.put(alerts.map((a) => ({ ...a, startsAt: now, endsAt: now + 3600_000, generatorURL: '' })));
  clock.advance(1000);
  router.tick();

  const norm = (p: { receiver: string; status: string; groupKey: string; groupLabels: Readonly<Record<string, string>>; commonLabels: Readonly<Record<string, string>>; commonAnnotations: Readonly<Record<string, string>>; alerts: readonly { status: string; labels: Readonly<Record<string, string>>; fingerprint: string }[] }) => ({
    receiver: p.receiver,
    status: p.status,
    groupKey: p.groupKey,
    groupLabels: p.groupLabels,
    commonLabels: p.commonLabels,
    commonAnnotations: p.commonAnnotations,
    alerts: p.alerts.map((a) => [a.status, a.fingerprint, a.labels]),
  });
  const byKey = (x: { groupKey: string }, y: { groupKey: string }): number => (x.groupKey < y.groupKey ? -1 : 1);
  assert.deepEqual(sent.map(norm).sort(byKey), payloads.map(norm).sort(byKey));

  // One alert of the pager group resolves: both send the group again at the next group_interval.
  // Resolved before it is posted (a future endsAt would not shorten an explicit one, in both).
  const resolvedAt = Math.max(now + 1, Date.now() - 100);
  const resolved = { ...alerts[0]!, startsAt: now, endsAt: resolvedAt };
  await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ ...resolved, startsAt: new Date(now).toISOString(), endsAt: new Date(resolvedAt).toISOString() }]) });
  await waitUntil(() => payloads.length >= 4, 90_000, 'the resolved notification from Alertmanager');
  clock.set(Math.max(clock.now(), resolvedAt + 1));
  router.put([{ ...resolved, generatorURL: '' }]);
  clock.advance(2000);
  router.tick();
  assert.equal(sent.length, 4, 'unchanged groups are not resent');
  assert.deepEqual(norm(sent[3]!), norm(payloads[3]!));
  assert.deepEqual(sent[3]!.alerts.map((a) => a.status), ['resolved', 'firing']);
});
