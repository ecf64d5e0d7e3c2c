import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NotifyError } from './errors.js';
import { formatGoTime, goJson } from './gotime.js';
import { startRecordingServer } from './recording-server.js';
import { sampleNotification } from './sample-notification.test-util.js';
import { WebhookIntegration, webhookPayload } from './webhook.js';

const T0 = Date.UTC(2026, 4, 1, 9, 40, 0);

test('Go time format: zero time, trailing zeros dropped, milliseconds kept', () => {
  assert.equal(formatGoTime(0), '0001-01-01T00:00:00Z');
  assert.equal(formatGoTime(T0), '2026-05-01T09:40:00Z');
  assert.equal(formatGoTime(T0 + 120), '2026-05-01T09:40:00.12Z');
  assert.equal(formatGoTime(T0 + 1), '2026-05-01T09:40:00.001Z');
  assert.equal(goJson({ u: 'a<b>&c\u2028' }), '{"u":"a\\u003cb\\u003e\\u0026c\\u2028"}');
});

test('webhook POSTs Alertmanager version-4 payload, every field of WEBHOOK.md', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const w = new WebhookIntegration(0, { url: `${srv.url}/hook?x=1`, http_config: { basic_auth: { username: 'u', password: 'p w' } } }, { userAgent: 'Vigie/test' });
  assert.equal(w.kind, 'webhook');
  assert.equal(w.sendResolved, true, 'send_resolved defaults to true');
  await w.send(sampleNotification({ receiver: 'ops.team' }), AbortSignal.timeout(10_000));

  assert.equal(srv.requests.length, 1);
  const r = srv.requests[0]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/hook?x=1');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['user-agent'], 'Vigie/test');
  assert.equal(r.headers['authorization'], `Basic ${Buffer.from('u:p w').toString('base64')}`);
  assert.ok(r.body.endsWith('}\n'), 'one JSON object followed by a newline');
  assert.ok(r.body.includes('\\u003c\\u0026\\u003e'), 'Go escapes < & > in strings');
  assert.ok(r.body.includes('\\u0026g0.tab=1'));

  const body = JSON.parse(r.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['receiver', 'status', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'version', 'groupKey', 'truncatedAlerts']);
  assert.equal(body['receiver'], 'ops\\.team', 'receiver name is regex-quoted like Alertmanager');
  assert.equal(body['status'], 'firing');
  assert.deepEqual(body['groupLabels'], { alertname: 'DiskFull' });
  assert.deepEqual(body['commonLabels'], { alertname: 'DiskFull', severity: 'page' });
  assert.deepEqual(body['commonAnnotations'], {}, 'empty maps are {} never null');
  assert.equal(body['externalURL'], 'http://vigie.example:9400');
  assert.equal(body['version'], '4');
  assert.equal(body['groupKey'], '{}/{severity="page"}:{alertname="DiskFull"}');
  assert.equal(body['truncatedAlerts'], 0);

  const alerts = body['alerts'] as Record<string, unknown>[];
  assert.equal(alerts.length, 2);
  const [a0, a1] = alerts as [Record<string, unknown>, Record<string, unknown>];
  assert.deepEqual(Object.keys(a0), ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
  assert.equal(a0['status'], 'firing');
  assert.deepEqual(Object.keys(a0['labels'] as object), ['alertname', 'instance', 'severity'], 'label names sorted');
  assert.deepEqual(a0['labels'], { alertname: 'DiskFull', instance: 'db-1', severity: 'page' });
  assert.deepEqual(a0['annotations'], { summary: 'Disk almost full on db-1 <&>' });
  assert.equal(a0['startsAt'], '2026-05-01T09:40:00Z');
  assert.equal(a0['endsAt'], '0001-01-01T00:00:00Z', 'firing alerts hide their end');
  assert.equal(a0['generatorURL'], 'http://vigie.example:9400/graph?g0.expr=disk_free_ratio+%3C+0.1&g0.tab=1');
  assert.equal(a0['fingerprint'], '1a2b3c4d5e6f7081');
  assert.equal(a1['status'], 'resolved');
  assert.equal(a1['startsAt'], '2026-05-01T09:39:00Z');
  assert.equal(a1['endsAt'], '2026-05-01T09:40:00.123Z');
  assert.equal(a1['generatorURL'], '', 'empty generatorURL is kept as ""');
});

test('webhook max_alerts truncates and counts truncatedAlerts; url_file is read at send time', async (t) => {
  const srv = await startRecordingServer();
  const dir = mkdtempSync(join(tmpdir(), 'vigie-webhook-'));
  t.after(() => (rmSync(dir, { recursive: true, force: true }), srv.close()));
  const urlFile = join(dir, 'url');
  writeFileSync(urlFile, `  ${srv.url}/from-file \n`);
  const w = new WebhookIntegration(1, { url_file: urlFile, max_alerts: 1, send_resolved: false }, { userAgent: 'Vigie/test' });
  assert.equal(w.sendResolved, false);
  await w.send(sampleNotification({ truncatedAlerts: 2 }), AbortSignal.timeout(10_000));
  const r = srv.requests[0]!;
  assert.equal(r.url, '/from-file');
  const body = JSON.parse(r.body) as { alerts: unknown[]; truncatedAlerts: number };
  assert.equal(body.alerts.length, 1);
  assert.equal(body.truncatedAlerts, 3);
  assert.equal(webhookPayload(sampleNotification(), 0).alerts.length, 2, 'max_alerts 0 keeps all');
});

test('webhook errors: 5xx and 429 retryable, 4xx not, connection refused retryable, missing url_file not', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const w = new WebhookIntegration(0, { url: `${srv.url}/x` }, { userAgent: 'Vigie/test' });
  const sendWith = async (status: number): Promise<NotifyError> => {
    srv.reply = () => ({ status, body: `nope ${status}` });
    const err = await w.send(sampleNotification(), AbortSignal.timeout(10_000)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NotifyError, `status ${status} must throw NotifyError`);
    return err;
  };
  const e500 = await sendWith(503);
  assert.equal(e500.retryable, true);
  assert.equal(e500.reason, 'serverError');
  assert.equal(e500.status, 503);
  assert.match(e500.message, /503: nope 503/);
  assert.equal((await sendWith(429)).retryable, true);
  const e400 = await sendWith(400);
  assert.equal(e400.retryable, false);
  assert.equal(e400.reason, 'clientError');
  assert.equal((await sendWith(302)).retryable, false, '3xx is not followed and not retried');

  await srv.close();
  const refused = await w.send(sampleNotification(), AbortSignal.timeout(10_000)).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof NotifyError);
  assert.equal(refused.retryable, true);
  assert.equal(refused.reason, 'network');

  const noFile = new WebhookIntegration(0, { url_file: '/nonexistent/vigie/url' }, { userAgent: 'Vigie/test' });
  const e = await noFile.send(sampleNotification(), AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.retryable, false);
  assert.match(e.message, /\/nonexistent\/vigie\/url/);
});

test('webhook timeout aborts a hanging peer as a retryable timeout', async (t) => {
  const { createServer } = await import('node:http');
  const hang = createServer(() => undefined);
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => (hang.closeAllConnections(), hang.close(() => r()))));
  const port = (hang.address() as { port: number }).port;
  const w = new WebhookIntegration(0, { url: `http://127.0.0.1:${port}/`, timeout: 200 }, { userAgent: 'Vigie/test' });
  const e = await w.send(sampleNotification(), AbortSignal.timeout(30_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.reason, 'timeout');
  assert.equal(e.retryable, true);
});

/** The field names listed in WEBHOOK.md's B.2 tables (top level, then per alert). */
function webhookMdFields(): { top: string[]; alert: string[] } | undefined {
  const md = fileURLToPath(new URL('../../../../../shared/conformance/alertmanager/WEBHOOK.md', import.meta.url));
  if (!existsSync(md)) return undefined;
  const text = readFileSync(md, 'utf8');
  const b2 = text.slice(text.indexOf('### B.2 Body'));
  const tables = b2.split(/\n(?=\| field \|)/).slice(1, 3);
  const names = (table: string): string[] => [...table.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1] ?? '');
  return { top: names(tables[0] ?? ''), alert: names(tables[1] ?? '') };
}

test('the payload has every field WEBHOOK.md lists (read from ../shared at run time)', async (t) => {
  const fields = webhookMdFields();
  if (fields === undefined) {
    t.skip('LOUD: ../shared/conformance/alertmanager/WEBHOOK.md not found next to the repository');
    return;
  }
  assert.ok(fields.top.length >= 10 && fields.alert.length >= 7, `parsed WEBHOOK.md tables: ${JSON.stringify(fields)}`);
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  await new WebhookIntegration(0, { url: srv.url }, { userAgent: 'Vigie/test' }).send(sampleNotification(), AbortSignal.timeout(10_000));
  const body = JSON.parse(srv.requests[0]?.body ?? '{}') as Record<string, unknown>;
  // Newer than 0.32 and documented as optional for receivers: not sent by Vigie yet.
  const optional = new Set(['notification_reason', 'routeLabels']);
  for (const f of fields.top) if (!optional.has(f)) assert.ok(f in body, `top-level field ${f}`);
  const alert = (body['alerts'] as Record<string, unknown>[])[0] ?? {};
  for (const f of fields.alert) assert.ok(f in alert, `alert field ${f}`);
});

test('webhook over HTTPS: tls_config ca_file trusts a self-signed peer; without it the send fails (retryable)', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { createServer } = await import('node:https');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-webhook-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const bodies: string[] = [];
  const srv = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString()));
    req.on('end', () => (bodies.push(b), res.end()));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => (rmSync(dir, { recursive: true, force: true }), r())))));
  const url = `https://127.0.0.1:${(srv.address() as { port: number }).port}/hook`;
  await new WebhookIntegration(0, { url, http_config: { tls_config: { ca_file: certFile } } }, { userAgent: 'Vigie/test' }).send(sampleNotification(), AbortSignal.timeout(10_000));
  assert.equal(bodies.length, 1);
  assert.equal((JSON.parse(bodies[0] ?? '{}') as { version: string }).version, '4');
  const e = await new WebhookIntegration(0, { url }, { userAgent: 'Vigie/test' }).send(sampleNotification(), AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.reason, 'network');
  assert.equal(e.retryable, true);
  assert.match(e.message, /certificate/i);
  assert.ok(!e.message.includes('/hook'), 'the URL path (where secrets live) is redacted');
});
