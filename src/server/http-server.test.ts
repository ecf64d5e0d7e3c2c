import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { ApiError } from './api-error.js';
import type { HttpServerDeps } from './deps.js';
import { type HttpServer, createHttpServer } from './http-server.js';
import { createMetricsRegistry } from './metrics.js';

describe('HTTP server', () => {
  let ready = false;
  let reloadError: Error | undefined;
  let reloads = 0;
  const deps: HttpServerDeps = {
    logger: silentLogger(),
    registry: createMetricsRegistry('9.9.9-test'),
    isReady: () => ready,
    reload: () => {
      reloads++;
      return reloadError ? Promise.reject(reloadError) : Promise.resolve();
    },
    config: () => parseConfig('', 'test').config,
    version: '9.9.9-test',
  };
  let server: HttpServer;
  let base = '';

  before(async () => {
    server = createHttpServer(deps, [
      (app) => {
        app.get('/api/v1/boom', () => {
          throw new ApiError('bad_data', 'parse error at char 3');
        });
        app.get('/api/v1/crash', () => {
          throw new Error('kaput');
        });
      },
    ]);
    const addr = await server.listen('127.0.0.1', 0);
    assert.ok(addr.port > 0);
    base = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await server.close();
    await server.close(); // twice is fine
  });

  it('GET /-/healthy', async () => {
    const r = await fetch(`${base}/-/healthy`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'Vigie is Healthy.\n');
  });

  it('HEAD /-/healthy', async () => {
    const r = await fetch(`${base}/-/healthy`, { method: 'HEAD' });
    assert.equal(r.status, 200);
  });

  it('GET /-/ready is 503 before ready, 200 after', async () => {
    ready = false;
    let r = await fetch(`${base}/-/ready`);
    assert.equal(r.status, 503);
    assert.equal(await r.text(), 'Service Unavailable\n');
    ready = true;
    r = await fetch(`${base}/-/ready`);
    assert.equal(r.status, 200);
    await r.text();
  });

  it('POST /-/reload calls reload and reports failures', async () => {
    reloadError = undefined;
    const before = reloads;
    let r = await fetch(`${base}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 200);
    await r.text();
    assert.equal(reloads, before + 1);
    reloadError = new Error('vigie.yml:3:1: bad thing');
    r = await fetch(`${base}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 500);
    assert.match(await r.text(), /vigie\.yml:3:1: bad thing/);
    reloadError = undefined;
  });

  it('GET /-/reload is not allowed', async () => {
    const r = await fetch(`${base}/-/reload`);
    assert.equal(r.status, 404);
    await r.text();
  });

  it('GET /metrics has the request histogram and process metrics', async () => {
    await (await fetch(`${base}/-/healthy`)).text();
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    assert.match(text, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(text, /^http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/-\/healthy",code="200"\} \d+$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^process_resident_memory_bytes /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);
    assert.match(text, /^vigie_build_info\{version="9\.9\.9-test",nodejs="[^"]+"\} 1$/m);
  });

  it('GET / is a small HTML page', async () => {
    const r = await fetch(`${base}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    const html = await r.text();
    assert.match(html, /<h1>Vigie<\/h1>/);
    assert.match(html, /9\.9\.9-test/);
    assert.match(html, /href="\/metrics"/);
  });

  it('unknown /api/ paths give the Prometheus JSON error', async () => {
    const r = await fetch(`${base}/api/v1/unknown?x=1`);
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), { status: 'error', errorType: 'not_found', error: 'no API endpoint GET /api/v1/unknown' });
  });

  it('ApiError and unexpected errors under /api/ use the JSON shape', async () => {
    let r = await fetch(`${base}/api/v1/boom`);
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' });
    r = await fetch(`${base}/api/v1/crash`);
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { status: 'error', errorType: 'internal', error: 'kaput' });
  });

  it('unknown non-API paths give a plain 404', async () => {
    const r = await fetch(`${base}/nope`);
    assert.equal(r.status, 404);
    assert.equal(await r.text(), '404 page not found\n');
  });

  it('404s are counted under route="unmatched"', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="unmatched",code="404"\} [1-9]/);
  });
});
