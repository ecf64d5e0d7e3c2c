import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '../../common/index.js';
import { createHttpServer } from '../../server/index.js';
import { openStateDb } from '../../state/index.js';
import { WebhookIntegration, startRecordingServer } from '../receivers/index.js';
import { Delivery } from './delivery.js';
import { notificationRoutes } from './routes.js';

test('POST /api/v1/receivers/:name/test and GET /api/v1/notifications', async (t) => {
  const srv = await startRecordingServer();
  const db = openStateDb(':memory:');
  const registry = new Registry();
  const delivery = new Delivery({ db, registry, logger: silentLogger(), receivers: new Map([['ops', [new WebhookIntegration(0, { url: `${srv.url}/hook` }, { userAgent: 'Vigie/test' })]]]) });
  const http = createHttpServer(
    { logger: silentLogger(), registry, isReady: () => true, reload: () => Promise.resolve(), config: () => { throw new Error('not used'); }, version: 'test' },
    [notificationRoutes(delivery)],
  );
  t.after(async () => (await http.close(), await delivery.close(), db.close(), await srv.close()));

  const ok = await http.app.inject({ method: 'POST', url: '/api/v1/receivers/ops/test' });
  assert.equal(ok.statusCode, 200);
  const body = ok.json<{ status: string; data: { receiver: string; results: { integration: string; ok: boolean }[] } }>();
  assert.equal(body.status, 'success');
  assert.equal(body.data.receiver, 'ops');
  assert.deepEqual(body.data.results.map((r) => [r.integration, r.ok]), [['webhook[0]', true]]);
  assert.equal(srv.requests.length, 1);

  srv.reply = () => ({ status: 503, body: 'maintenance' });
  const failed = await http.app.inject({ method: 'POST', url: '/api/v1/receivers/ops/test' });
  assert.equal(failed.statusCode, 200, 'a failed test is a result, not an API error');
  assert.equal(failed.json<{ data: { results: { ok: boolean; httpStatus: number }[] } }>().data.results[0]?.httpStatus, 503);

  const unknown = await http.app.inject({ method: 'POST', url: '/api/v1/receivers/nope/test' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json<{ errorType: string }>().errorType, 'not_found');

  const all = await http.app.inject({ method: 'GET', url: '/api/v1/notifications' });
  const list = all.json<{ status: string; data: { receiver: string; integration: string; status: string; outcome: string; httpStatus?: number; time: string }[] }>();
  assert.equal(list.status, 'success');
  assert.deepEqual(list.data.map((a) => [a.status, a.outcome, a.httpStatus]), [['failed', 'test', 503], ['ok', 'test', undefined]]);
  assert.match(list.data[0]?.time ?? '', /^\d{4}-\d\d-\d\dT/);

  const onlyFailed = await http.app.inject({ method: 'GET', url: '/api/v1/notifications?receiver=ops&status=failed&limit=5&since=0' });
  assert.equal(onlyFailed.json<{ data: unknown[] }>().data.length, 1);
  const future = await http.app.inject({ method: 'GET', url: '/api/v1/notifications?since=2999-01-01T00:00:00Z' });
  assert.equal(future.json<{ data: unknown[] }>().data.length, 0);

  for (const bad of ['status=maybe', 'limit=-1', 'limit=abc', 'since=yesterday', 'since=2026-13-45T99:00:00Z']) {
    const r = await http.app.inject({ method: 'GET', url: `/api/v1/notifications?${bad}` });
    assert.equal(r.statusCode, 400, bad);
    const e = r.json<{ status: string; errorType: string; error: string }>();
    assert.equal(e.status, 'error');
    assert.equal(e.errorType, 'bad_data');
    assert.match(e.error, /invalid parameter/);
  }
});
