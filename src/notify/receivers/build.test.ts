import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAlertingConfig } from '../config/index.js';
import { buildReceivers } from './build.js';
import { NotifyError } from './errors.js';
import { integrationName } from './integration.js';
import { startRecordingServer } from './recording-server.js';
import { sampleNotification } from './sample-notification.test-util.js';

test('receivers from the alerting config become integrations named like Alertmanager', async (t) => {
  const srv = await startRecordingServer();
  t.after(() => srv.close());
  const cfg = parseAlertingConfig({
    global: { smtp_smarthost: '127.0.0.1:25', smtp_from: 'vigie@example.org' },
    route: { receiver: 'team' },
    receivers: [
      {
        name: 'team',
        webhook_configs: [{ url: `${srv.url}/a` }, { url: `${srv.url}/b`, max_alerts: 1, send_resolved: false }],
        email_configs: [{ to: 'ops@example.org' }],
        ntfy_configs: [{ url: srv.url, topic: 'alerts' }],
        opsgenie_configs: [{ api_key: 'k' }],
      },
      { name: 'nobody' },
    ],
  });
  const receivers = buildReceivers(cfg.receivers, { userAgent: 'Vigie/test' });
  assert.deepEqual([...receivers.keys()], ['team', 'nobody']);
  const team = receivers.get('team') ?? [];
  assert.deepEqual(team.map(integrationName), ['email[0]', 'opsgenie[0]', 'webhook[0]', 'webhook[1]', 'ntfy[0]']);
  assert.deepEqual(team.map((i) => i.sendResolved), [false, true, true, false, true]);
  assert.deepEqual(receivers.get('nobody'), []);

  const hook1 = team.find((i) => integrationName(i) === 'webhook[1]');
  await hook1?.send(sampleNotification(), AbortSignal.timeout(10_000));
  const body = JSON.parse(srv.requests[0]?.body ?? '{}') as { alerts: unknown[]; truncatedAlerts: number };
  assert.equal(srv.requests[0]?.url, '/b');
  assert.equal(body.alerts.length, 1, 'max_alerts from the config');
  assert.equal(body.truncatedAlerts, 1);

  const opsgenie = team.find((i) => i.kind === 'opsgenie');
  const e = await opsgenie?.send(sampleNotification(), AbortSignal.timeout(10_000)).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof NotifyError);
  assert.equal(e.retryable, false);
  assert.match(e.message, /opsgenie notifications are not supported by Vigie yet/);
});
