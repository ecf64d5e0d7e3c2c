import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../common/index.js';
import { NotifyError } from './errors.js';
import { startRecordingServer } from './recording-server.js';
import { sampleNotification } from './sample-notification.test-util.js';
import { SlackIntegration } from './slack.js';
import { NotificationTemplateLoadError, NotificationTemplates } from './templates.js';

const n = sampleNotification();

test('default library: email html names the alerts, lists labels/annotations, escapes HTML', async () => {
  const t = NotificationTemplates.defaults();
  const html = await t.render('{{ template "email.default.html" . }}', n, { html: true });
  assert.match(html, /\[FIRING:1\] DiskFull \(page\)/);
  assert.match(html, /Disk almost full on db-1 &lt;&amp;&gt;/);
  assert.ok(!html.includes('<&>'), 'annotation text is escaped');
  assert.match(html, />instance<\/td><td[^>]*>db-1</);
  assert.match(html, /Resolved \(1\)/);
  const subject = await t.render('{{ template "email.default.subject" . }}', n);
  assert.equal(subject, '[FIRING:1] DiskFull (page)');
  const text = await t.render('{{ template "email.default.text" . }}', n);
  assert.match(text, /Alerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = db-1/);
  assert.ok(t.definedTemplates().includes('slack.default.title'));
  assert.equal(await t.render('{{ template "slack.default.username" . }}', n), 'Vigie');
});

test('.Alerts.Firing, .Resolved, SortedPairs, Names, Remove and Alertmanager functions', async () => {
  const t = NotificationTemplates.defaults(new ManualClock(Date.UTC(2026, 4, 1, 10, 40, 0)));
  assert.equal(await t.render('{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}', n), '1/1');
  assert.equal(await t.render('{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}', n), 'alertname=DiskFull;severity=page;');
  assert.equal(await t.render('{{ .CommonLabels.Names | join "," }}', n), 'alertname,severity');
  assert.equal(await t.render('{{ (.CommonLabels.Remove .GroupLabels.Names).Values | join "," }}', n), 'page');
  assert.equal(await t.render('{{ range .Alerts.Firing }}{{ .Labels.instance | toUpper }} {{ .StartsAt | since | humanizeDuration }}{{ end }}', n), 'DB-1 1h 0m 0s');
  assert.equal(await t.render('{{ (index .Alerts 0).StartsAt | date "2006-01-02 15:04 MST" }}', n), '2026-05-01 09:40 UTC');
  assert.equal(await t.render('{{ (index .Alerts 0).StartsAt | tz "Europe/Paris" | date "15:04 -0700" }}', n), '11:40 +0200');
  assert.equal(await t.render('{{ stringSlice "a" "b" | join "-" }} {{ "  x " | trimSpace }} {{ .GroupLabels | toJson }}', n), 'a-b x {"alertname":"DiskFull"}');
});

test('a user templates: file renders a slack title sent to a real HTTP server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-tmpl-'));
  const srv = await startRecordingServer();
  t.after(async () => (await srv.close(), rmSync(dir, { recursive: true, force: true })));
  writeFileSync(join(dir, 'my.tmpl'), '{{ define "my.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}');
  const templates = NotificationTemplates.load(['*.tmpl', 'missing/*.tmpl'], dir);
  const slack = new SlackIntegration(0, { api_url: `${srv.url}/hook`, title: '{{ template "my.title" . }}', text: '{{ range .Alerts.Firing }}{{ .Annotations.summary }}{{ end }}' }, { userAgent: 'Vigie/test', templates });
  await slack.send(n, AbortSignal.timeout(10_000));
  const body = JSON.parse(srv.requests[0]?.body ?? '{}') as { attachments: { title: string; text: string }[] };
  assert.equal(body.attachments[0]?.title, '[FIRING] DiskFull');
  assert.equal(body.attachments[0]?.text, 'Disk almost full on db-1 <&>', 'text mode does not escape');
});

test('a broken template fails the notification for good with the template error', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const slack = new SlackIntegration(0, { api_url: `${srv.url}/hook`, title: '{{ template "nope" . }}' }, { userAgent: 'Vigie/test' });
  const e = await slack.send(n, AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.retryable, false);
  assert.match(e.message, /slack: rendering title: template: .*no such template "nope"/);
  assert.equal(srv.requests.length, 0, 'nothing sent');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-tmpl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.tmpl'), '{{ define "x" }}{{ .Foo ');
  assert.throws(() => NotificationTemplates.load(['bad.tmpl'], dir), (err: unknown) => err instanceof NotificationTemplateLoadError && /bad\.tmpl:1/.test(err.message));
  assert.throws(() => NotificationTemplates.load(['nofile.tmpl'], dir), NotificationTemplateLoadError);
});
