import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { ManualClock, silentLogger, waitUntil } from '../../common/index.js';
import { openStateDb } from '../../state/index.js';
import { type Integration, NotifyError, type RecordingServer, WebhookIntegration, startRecordingServer } from '../receivers/index.js';
import type { Notification } from '../types.js';
import { Delivery, type DeliveryOptions } from './delivery.js';

const deps = { userAgent: 'Vigie/test' };
const FAST = { initialMs: 20, maxMs: 100, factor: 2 };

function note(over: Partial<Notification> = {}): Notification {
  return {
    receiver: 'ops',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'Down', instance: 'a' }, annotations: {}, startsAt: 1_700_000_000_000, endsAt: 0, generatorURL: '', fingerprint: '0123456789abcdef' }],
    groupLabels: { alertname: 'Down' },
    commonLabels: { alertname: 'Down', instance: 'a' },
    commonAnnotations: {},
    externalURL: 'http://vigie:9400',
    groupKey: '{}:{alertname="Down"}',
    truncatedAlerts: 0,
    ...over,
  };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (m === undefined) return NaN;
  const v = await m.get();
  const hit = v.values.find((x) => Object.entries(labels).every(([k, val]) => String((x.labels as Record<string, unknown>)[k]) === val) && !('metricName' in x && typeof x.metricName === 'string' && !x.metricName.endsWith('_count') && name.endsWith('_seconds')));
  return hit?.value ?? 0;
}

function setup(srv: RecordingServer, over: Partial<DeliveryOptions> = {}): { d: Delivery; registry: Registry } {
  const registry = new Registry();
  const d = new Delivery({
    db: openStateDb(':memory:'),
    registry,
    logger: silentLogger(),
    receivers: new Map([['ops', [new WebhookIntegration(0, { url: `${srv.url}/hook` }, deps)]]]),
    backoff: FAST,
    ...over,
  });
  return { d, registry };
}

test('a 500 is retried with backoff until the receiver accepts; attempts and counters recorded', async (t) => {
  const srv = await startRecordingServer();
  srv.reply = (_r, i) => (i < 2 ? { status: 500, body: 'boom' } : { status: 200 });
  const { d, registry } = setup(srv);
  t.after(async () => (await d.close(), await srv.close()));
  d.start();
  d.notify(note());
  await waitUntil(() => d.queueLength() === 0 && srv.requests.length === 3, 20_000, 'three tries');
  const attempts = d.attempts({ limit: 10 }).reverse();
  assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.outcome, a.httpStatus]), [
    [1, 'failed', 'retrying', 500],
    [2, 'failed', 'retrying', 500],
    [3, 'ok', 'delivered', undefined],
  ]);
  assert.equal(attempts[0]?.integration, 'webhook[0]');
  assert.match(attempts[0]?.error ?? '', /500: boom/);
  assert.ok((attempts[1]?.at ?? 0) >= (attempts[0]?.at ?? 0));
  assert.equal(await metricValue(registry, 'vigie_notifications_total', { receiver: 'ops', integration: 'webhook' }), 3);
  assert.equal(await metricValue(registry, 'vigie_notifications_failed_total', { receiver: 'ops', integration: 'webhook', reason: 'serverError' }), 2);
  assert.equal(await metricValue(registry, 'vigie_notifications_queue_length', {}), 0);
  const text = await registry.metrics();
  assert.match(text, /vigie_notification_latency_seconds_count\{receiver="ops",integration="webhook"\} 3/);
});

test('a 400 is recorded and dropped, not retried', async (t) => {
  const srv = await startRecordingServer();
  srv.reply = () => ({ status: 400, body: 'bad payload' });
  const { d, registry } = setup(srv);
  t.after(async () => (await d.close(), await srv.close()));
  d.start();
  d.notify(note());
  await waitUntil(() => d.attempts({ limit: 10 }).length === 1 && d.queueLength() === 0, 20_000, 'one attempt');
  await new Promise((r) => setTimeout(r, 300)); // a retry, if any, would come after 10-20 ms
  assert.equal(srv.requests.length, 1);
  const [a] = d.attempts({ limit: 10 });
  assert.equal(a?.outcome, 'dropped');
  assert.equal(a?.httpStatus, 400);
  assert.equal(await metricValue(registry, 'vigie_notifications_failed_total', { receiver: 'ops', integration: 'webhook', reason: 'clientError' }), 1);
});

test('the queue survives closing and reopening the SQLite file mid-retry', async (t) => {
  const srv = await startRecordingServer();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-delivery-'));
  const path = join(dir, 'vigie.db');
  srv.reply = () => ({ status: 503 });
  const clock = new ManualClock(Date.now());
  const receivers = new Map([['ops', [new WebhookIntegration(0, { url: `${srv.url}/hook` }, deps)]]]);
  const db1 = openStateDb(path);
  const d1 = new Delivery({ db: db1, registry: new Registry(), logger: silentLogger(), receivers, clock, backoff: { initialMs: 10_000, maxMs: 60_000, factor: 2 } });
  t.after(async () => (await srv.close(), rmSync(dir, { recursive: true, force: true })));
  d1.start();
  d1.notify(note());
  await waitUntil(() => d1.attempts({ limit: 5 }).length === 1, 20_000, 'the first failed try');
  assert.equal(d1.queueLength(), 1, 'waiting for its retry');
  await d1.close();
  db1.close();

  srv.reply = () => ({ status: 200 });
  clock.advance(11_000); // past the retry time (≤ 10 s after jitter)
  const db2 = openStateDb(path);
  const d2 = new Delivery({ db: db2, registry: new Registry(), logger: silentLogger(), receivers, clock });
  t.after(async () => (await d2.close(), db2.close()));
  assert.equal(d2.queueLength(), 1, 'pending item still queued after reopen');
  d2.start();
  await waitUntil(() => d2.queueLength() === 0, 20_000, 'resend after reopen');
  assert.equal(srv.requests.length, 2);
  assert.equal((JSON.parse(srv.requests[1]?.body ?? '{}') as { groupKey: string }).groupKey, '{}:{alertname="Down"}');
  const attempts = d2.attempts({ limit: 5 }).reverse();
  assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome]), [[1, 'retrying'], [2, 'delivered']]);
});

test('retryable failures past maxAge are given up as expired', async (t) => {
  const srv = await startRecordingServer();
  srv.reply = () => ({ status: 502 });
  const { d } = setup(srv, { maxAgeMs: 150 });
  t.after(async () => (await d.close(), await srv.close()));
  d.start();
  d.notify(note());
  await waitUntil(() => d.attempts({ limit: 100 }).some((a) => a.outcome === 'expired'), 20_000, 'expiry');
  assert.equal(d.queueLength(), 0);
  assert.ok(srv.requests.length >= 2, 'retried before expiring');
});

test('send_resolved false skips all-resolved notifications; a newer notification of a group replaces a queued one', async (t) => {
  const srv = await startRecordingServer();
  const quiet = new WebhookIntegration(0, { url: `${srv.url}/quiet`, send_resolved: false }, deps);
  const loud = new WebhookIntegration(1, { url: `${srv.url}/loud` }, deps);
  const { d } = setup(srv, { receivers: new Map([['ops', [quiet, loud]]]) });
  t.after(async () => (await d.close(), await srv.close()));
  const resolved = note({ status: 'resolved', alerts: note().alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: a.startsAt + 1000 })) });
  d.notify(note());
  assert.equal(d.queueLength(), 2);
  d.notify(resolved); // replaces both; 'quiet' gets nothing for an all-resolved group
  assert.equal(d.queueLength(), 1);
  d.start();
  await waitUntil(() => d.queueLength() === 0 && srv.requests.length === 1, 20_000, 'delivery');
  assert.equal(srv.requests[0]?.url, '/loud');
  assert.equal((JSON.parse(srv.requests[0]?.body ?? '{}') as { status: string }).status, 'resolved');
});

test('unknown receiver is recorded as dropped; a removed integration is dropped when due', async (t) => {
  const srv = await startRecordingServer();
  const { d } = setup(srv);
  t.after(async () => (await d.close(), await srv.close()));
  d.notify(note({ receiver: 'nobody' }));
  assert.equal(d.attempts({ receiver: 'nobody', limit: 5 })[0]?.error, 'unknown receiver');
  d.notify(note());
  d.setReceivers(new Map([['ops', []]]));
  d.start();
  await waitUntil(() => d.queueLength() === 0, 20_000, 'drop');
  assert.equal(d.attempts({ receiver: 'ops', limit: 5 })[0]?.error, 'integration no longer configured');
  assert.equal(srv.requests.length, 0);
});

test('concurrency bound: never more sends at once than configured', async (t) => {
  let running = 0;
  let peak = 0;
  const slow: Integration = {
    kind: 'slow',
    index: 0,
    sendResolved: true,
    async send() {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
    },
  };
  const srv = await startRecordingServer();
  const { d } = setup(srv, { receivers: new Map([['ops', [slow]]]), concurrency: 2 });
  t.after(async () => (await d.close(), await srv.close()));
  d.start();
  for (let i = 0; i < 8; i++) d.notify(note({ groupKey: `g${i}` }));
  await waitUntil(() => d.queueLength() === 0, 20_000, 'all sent');
  assert.equal(peak, 2);
  assert.equal(d.attempts({ status: 'ok', limit: 100 }).length, 8);
});

test('sendTest sends a synthetic firing notification through every integration and reports each', async (t) => {
  const srv = await startRecordingServer();
  const failing: Integration = { kind: 'email', index: 0, sendResolved: false, send: () => Promise.reject(new NotifyError('535 auth failed', false, 'clientError', 535)) };
  const { d } = setup(srv, { receivers: new Map([['ops', [new WebhookIntegration(0, { url: `${srv.url}/hook` }, deps), failing]]]), externalURL: 'http://vigie:9400' });
  t.after(async () => (await d.close(), await srv.close()));
  const results = await d.sendTest('ops');
  assert.deepEqual(results.map((r) => [r.integration, r.ok, r.httpStatus, r.error]), [
    ['webhook[0]', true, undefined, undefined],
    ['email[0]', false, 535, '535 auth failed'],
  ]);
  const body = JSON.parse(srv.requests[0]?.body ?? '{}') as { status: string; alerts: { labels: Record<string, string> }[] };
  assert.equal(body.status, 'firing');
  assert.equal(body.alerts[0]?.labels['alertname'], 'VigieTestNotification');
  assert.equal(d.attempts({ limit: 5 }).filter((a) => a.outcome === 'test').length, 2);
  await assert.rejects(d.sendTest('nobody'), /no receiver named "nobody"/);
  assert.equal(d.queueLength(), 0, 'tests never go through the queue');
});

test('close() while a send hangs keeps the item queued; the next run sends it', async (t) => {
  const { createServer } = await import('node:http');
  let hang = true;
  const seen: string[] = [];
  const peer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      seen.push(Buffer.concat(chunks).toString());
      if (!hang) res.end('ok');
    });
  });
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(peer.address() as { port: number }).port}/`;
  const dir = mkdtempSync(join(tmpdir(), 'vigie-delivery-'));
  t.after(() => new Promise<void>((r) => (peer.closeAllConnections(), peer.close(() => (rmSync(dir, { recursive: true, force: true }), r())))));
  const receivers = new Map([['ops', [new WebhookIntegration(0, { url }, deps)]]]);
  const db1 = openStateDb(join(dir, 'vigie.db'));
  const d1 = new Delivery({ db: db1, registry: new Registry(), logger: silentLogger(), receivers });
  d1.start();
  d1.notify(note());
  await waitUntil(() => seen.length === 1, 20_000, 'the send to start');
  await d1.close();
  assert.equal(d1.attempts({ limit: 5 }).length, 0, 'an aborted send at shutdown is not an attempt');
  assert.equal(d1.queueLength(), 1);
  db1.close();

  hang = false;
  const db2 = openStateDb(join(dir, 'vigie.db'));
  const d2 = new Delivery({ db: db2, registry: new Registry(), logger: silentLogger(), receivers });
  t.after(async () => (await d2.close(), db2.close()));
  d2.start();
  await waitUntil(() => d2.queueLength() === 0, 20_000, 'resend');
  assert.equal(seen.length, 2);
  assert.deepEqual(d2.attempts({ limit: 5 }).map((a) => [a.attempt, a.outcome]), [[1, 'delivered']]);
});

test('a damaged queue row is deleted and logged, the rest is still sent', async (t) => {
  const srv = await startRecordingServer();
  const db = openStateDb(':memory:');
  const d = new Delivery({ db, registry: new Registry(), logger: silentLogger(), receivers: new Map([['ops', [new WebhookIntegration(0, { url: `${srv.url}/hook` }, deps)]]]) });
  t.after(async () => (await d.close(), db.close(), await srv.close()));
  db.prepare('INSERT INTO notify_queue (receiver, integration, group_key, notification, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)').run('ops', 'webhook[0]', 'g-bad', '{"alerts": [trunc', 0, 0);
  db.prepare('INSERT INTO notify_queue (receiver, integration, group_key, notification, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)').run('ops', 'webhook[0]', 'g-null', 'null', 0, 0);
  d.notify(note());
  d.start();
  await waitUntil(() => d.queueLength() === 0, 20_000, 'queue drained');
  assert.equal(srv.requests.length, 1);
});

test('a group waits for its own send in flight, other groups go ahead', async (t) => {
  const order: string[] = [];
  let release: (() => void) | undefined;
  const gate: Integration = {
    kind: 'gate',
    index: 0,
    sendResolved: true,
    async send(n) {
      order.push(`start ${n.groupKey} ${n.status}`);
      if (n.groupKey === 'g1' && n.status === 'firing') await new Promise<void>((r) => (release = r));
      order.push(`end ${n.groupKey} ${n.status}`);
    },
  };
  const srv = await startRecordingServer();
  const { d } = setup(srv, { receivers: new Map([['ops', [gate]]]) });
  t.after(async () => (release?.(), await d.close(), await srv.close()));
  d.start();
  d.notify(note({ groupKey: 'g1' }));
  await waitUntil(() => release !== undefined, 20_000, 'g1 in flight');
  d.notify(note({ groupKey: 'g1', status: 'resolved' }));
  d.notify(note({ groupKey: 'g2' }));
  await waitUntil(() => order.includes('end g2 firing'), 20_000, 'g2 sent while g1 is in flight');
  assert.ok(!order.includes('start g1 resolved'), 'g1 resolved waits for g1 firing');
  release?.();
  await waitUntil(() => d.queueLength() === 0, 20_000, 'all sent');
  assert.ok(order.indexOf('end g1 firing') < order.indexOf('start g1 resolved'));
});
