import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiscordIntegration } from './discord.js';
import { NotifyError } from './errors.js';
import { GotifyIntegration } from './gotify.js';
import { MsTeamsIntegration } from './msteams.js';
import { NtfyIntegration } from './ntfy.js';
import { PagerdutyIntegration, pagerdutyDedupKey } from './pagerduty.js';
import { type RecordedRequest, type RecordingServer, startRecordingServer } from './recording-server.js';
import { sampleNotification } from './sample-notification.test-util.js';
import { SlackIntegration } from './slack.js';
import { TelegramIntegration } from './telegram.js';
import type { Integration } from './integration.js';

const deps = { userAgent: 'Vigie/test' };
const firing = sampleNotification();
const resolved = sampleNotification({ status: 'resolved', alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: a.startsAt + 1000 })) });

async function sendOne(t: { after: (fn: () => Promise<void>) => void }, make: (srv: RecordingServer) => Integration, n = firing): Promise<{ req: RecordedRequest; json: Record<string, unknown>; srv: RecordingServer }> {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  await make(srv).send(n, AbortSignal.timeout(10_000));
  assert.equal(srv.requests.length, 1);
  const req = srv.requests[0]!;
  let json: Record<string, unknown> = {};
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) json = JSON.parse(req.body) as Record<string, unknown>;
  return { req, json, srv };
}

test('slack incoming webhook: attachment with title, link, color, text, fields', async (t) => {
  const { req, json } = await sendOne(t, (s) => new SlackIntegration(0, { api_url: `${s.url}/services/T/B/X`, channel: '#ops', fields: [{ title: 'Team', value: 'db' }], short_fields: true }, deps));
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/services/T/B/X');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['user-agent'], 'Vigie/test');
  assert.equal(json['channel'], '#ops');
  assert.equal(json['username'], 'Vigie');
  const [att] = json['attachments'] as Record<string, unknown>[];
  assert.equal(att?.['title'], '[FIRING:1] DiskFull (page)');
  assert.equal(att?.['title_link'], 'http://vigie.example:9400/alerts?receiver=team-db');
  assert.equal(att?.['color'], 'danger');
  assert.equal(att?.['fallback'], '[FIRING:1] DiskFull (page) | http://vigie.example:9400/alerts?receiver=team-db');
  assert.match(String(att?.['text']), /Disk almost full on db-1 <&>/);
  assert.deepEqual(att?.['fields'], [{ title: 'Team', value: 'db', short: true }]);
});

test('slack with a bot token posts to app_url with Bearer; {"ok":false} is a final error', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  srv.reply = () => ({ status: 200, body: '{"ok":false,"error":"channel_not_found"}' });
  const s = new SlackIntegration(0, { app_token: 'xoxb-1', app_url: `${srv.url}/api/chat.postMessage`, channel: '#nope', color: 'warning' }, deps);
  const e = await s.send(resolved, AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.retryable, false);
  assert.match(e.message, /channel_not_found/);
  assert.equal(srv.requests[0]?.headers['authorization'], 'Bearer xoxb-1');
  assert.equal(((JSON.parse(srv.requests[0]?.body ?? '{}') as { attachments: { color: string }[] }).attachments[0])?.color, 'warning', 'static configured text is used');
});

test('pagerduty Events API v2: trigger while firing, resolve once resolved, same dedup key', async (t) => {
  const { req, json, srv } = await sendOne(t, (s) => new PagerdutyIntegration(0, { routing_key: 'R0UT1NG', url: `${s.url}/v2/enqueue`, severity: 'critical', details: { team: 'db' } }, deps));
  assert.equal(req.url, '/v2/enqueue');
  assert.equal(json['routing_key'], 'R0UT1NG');
  assert.equal(json['event_action'], 'trigger');
  assert.equal(json['dedup_key'], pagerdutyDedupKey(firing.groupKey));
  assert.match(String(json['dedup_key']), /^[0-9a-f]{64}$/);
  assert.equal(json['client'], 'Vigie');
  assert.equal(json['client_url'], 'http://vigie.example:9400/alerts?receiver=team-db');
  const payload = json['payload'] as Record<string, unknown>;
  assert.equal(payload['summary'], '[FIRING:1] DiskFull (page)');
  assert.equal(payload['severity'], 'critical');
  assert.equal(payload['source'], 'Vigie');
  const details = payload['custom_details'] as Record<string, unknown>;
  assert.equal(details['num_firing'], '1');
  assert.equal(details['num_resolved'], '1');
  assert.equal(details['team'], 'db');
  assert.match(String(details['firing']), /instance = db-1/);

  await new PagerdutyIntegration(0, { routing_key: 'R0UT1NG', url: `${srv.url}/v2/enqueue` }, deps).send(resolved, AbortSignal.timeout(10_000));
  const r = JSON.parse(srv.requests[1]?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual(r, { routing_key: 'R0UT1NG', dedup_key: pagerdutyDedupKey(firing.groupKey), event_action: 'resolve' });
});

test('msteams MessageCard and msteamsv2 Adaptive Card', async (t) => {
  const v1 = await sendOne(t, (s) => new MsTeamsIntegration('msteams', 0, { webhook_url: `${s.url}/webhookb2/abc` }, deps));
  assert.equal(v1.req.url, '/webhookb2/abc');
  assert.equal(v1.json['@context'], 'http://schema.org/extensions');
  assert.equal(v1.json['type'], 'MessageCard');
  assert.equal(v1.json['title'], '[FIRING:1] DiskFull (page)');
  assert.equal(v1.json['summary'], '[FIRING:1] DiskFull (page)');
  assert.equal(v1.json['themeColor'], '8C1A1A');
  assert.match(String(v1.json['text']), /Disk almost full on db-1/);

  const v2 = await sendOne(t, (s) => new MsTeamsIntegration('msteamsv2', 0, { webhook_url: `${s.url}/workflows/x`, title: 'Static title' }, deps), resolved);
  assert.equal(v2.json['type'], 'message');
  const [att] = v2.json['attachments'] as { contentType: string; content: { type: string; version: string; body: { text: string; color?: string }[] } }[];
  assert.equal(att?.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(att?.content.type, 'AdaptiveCard');
  assert.equal(att?.content.body[0]?.text, 'Static title');
  assert.equal(att?.content.body[0]?.color, 'Good');
});

test('telegram sendMessage: token in the path, HTML escaped, chat id; errors keep the token out', async (t) => {
  const { req, json, srv } = await sendOne(t, (s) => new TelegramIntegration(0, { api_url: s.url, bot_token: '123:ABC', chat_id: -1001234, message_thread_id: 7, disable_notifications: true }, deps));
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/bot123:ABC/sendMessage');
  assert.equal(json['chat_id'], -1001234);
  assert.equal(json['parse_mode'], 'HTML');
  assert.equal(json['message_thread_id'], 7);
  assert.equal(json['disable_notification'], true);
  assert.match(String(json['text']), /^<b>\[FIRING:1\] DiskFull \(page\)<\/b>\n/);
  assert.match(String(json['text']), /Disk almost full on db-1 &lt;&amp;&gt;/);

  srv.reply = () => ({ status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' });
  const e = await new TelegramIntegration(0, { api_url: srv.url, bot_token: '123:ABC', chat_id: 1 }, deps).send(firing, AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.retryable, false);
  assert.match(e.message, /chat not found/);
  assert.ok(!e.message.includes('123:ABC'), 'the bot token never appears in errors');
});

test('discord webhook: embed title, description, color', async (t) => {
  const { req, json } = await sendOne(t, (s) => new DiscordIntegration(0, { webhook_url: `${s.url}/api/webhooks/1/tok`, username: 'vigie', content: 'heads up' }, deps));
  assert.equal(req.url, '/api/webhooks/1/tok');
  assert.equal(json['content'], 'heads up');
  assert.equal(json['username'], 'vigie');
  const [embed] = json['embeds'] as { title: string; description: string; color: number }[];
  assert.equal(embed?.title, '[FIRING:1] DiskFull (page)');
  assert.equal(embed?.color, 0x992d22);
  assert.match(embed?.description ?? '', /🔥 Disk almost full on db-1 <&>/);
  assert.match(embed?.description ?? '', /✅ Disk almost full on db-2/);
});

test('ntfy: topic path, title/priority/tags/click headers, bearer token, text body', async (t) => {
  const { req } = await sendOne(t, (s) => new NtfyIntegration(0, { url: `${s.url}/`, topic: 'vigie-alerts', token: 'tk_abc', tags: ['db'] }, deps));
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/vigie-alerts');
  assert.equal(req.headers['authorization'], 'Bearer tk_abc');
  assert.equal(req.headers['x-title'], '[FIRING:1] DiskFull (page)');
  assert.equal(req.headers['x-priority'], 'high');
  assert.equal(req.headers['x-tags'], 'rotating_light,db');
  assert.equal(req.headers['x-click'], 'http://vigie.example:9400/alerts?receiver=team-db');
  assert.match(req.body, /^🔥 Disk almost full on db-1 <&> \(db-1\)|^🔥 Disk almost full on db-1 <&>/);
  const r = await sendOne(t, (s) => new NtfyIntegration(0, { url: s.url, topic: 't', title: 'Tést', priority: '2' }, deps), resolved);
  assert.equal(r.req.headers['x-title'], `=?UTF-8?B?${Buffer.from('Tést').toString('base64')}?=`);
  assert.equal(r.req.headers['x-priority'], '2');
  assert.equal(r.req.headers['x-tags'], 'white_check_mark');
});

test('gotify: /message with X-Gotify-Key and JSON title/message/priority', async (t) => {
  const { req, json } = await sendOne(t, (s) => new GotifyIntegration(0, { url: `${s.url}/gotify`, token: 'AppTok', priority: 8 }, deps));
  assert.equal(req.url, '/gotify/message');
  assert.equal(req.headers['x-gotify-key'], 'AppTok');
  assert.equal(json['title'], '[FIRING:1] DiskFull (page)');
  assert.equal(json['priority'], 8);
  assert.match(String(json['message']), /Alerts Firing:/);
  assert.deepEqual(json['extras'], { 'client::display': { contentType: 'text/plain' } });
});

test('bad settings found at send time are final errors with the reason: chat_id_file garbage, no token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-chat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const chatFile = join(dir, 'chat');
  writeFileSync(chatFile, 'not-a-number\n');
  const cases: [Integration, RegExp][] = [
    [new TelegramIntegration(0, { bot_token: 'x', chat_id_file: chatFile }, deps), /chat_id "not-a-number" is not an integer/],
    [new TelegramIntegration(0, { chat_id: 1 }, deps), /no bot_token/],
    [new GotifyIntegration(0, { url: 'http://127.0.0.1:9' }, deps), /no token/],
    [new PagerdutyIntegration(0, {}, deps), /no routing_key or service_key/],
    [new SlackIntegration(0, {}, deps), /no api_url or app_token/],
    [new DiscordIntegration(0, { webhook_url: 'ftp://example.org/x' }, deps), /unsupported URL scheme/],
    [new MsTeamsIntegration('msteams', 0, { webhook_url: 'not a url' }, deps), /invalid URL/],
  ];
  for (const [integ, re] of cases) {
    const e = await integ.send(firing, AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof NotifyError, `${integ.kind}: ${String(e)}`);
    assert.equal(e.retryable, false, integ.kind);
    assert.match(e.message, re);
  }
});
