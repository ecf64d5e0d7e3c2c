import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import type { HttpServerDeps } from './deps.js';
import { type HttpServer, createHttpServer } from './http-server.js';
import { createMetricsRegistry } from './metrics.js';
import { ASSET_CACHE_CONTROL, INDEX_CACHE_CONTROL, uiRoute } from './ui-route.js';

const deps: HttpServerDeps = {
  logger: silentLogger(),
  registry: createMetricsRegistry('9.9.9-test'),
  isReady: () => true,
  reload: () => Promise.resolve(),
  config: () => parseConfig('', 'test').config,
  version: '9.9.9-test',
};

const INDEX = '<!doctype html><html><body><div id="app"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';
const APP_JS = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

describe('uiRoute with a built UI', () => {
  let dir = '';
  let server: HttpServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-ui-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'index-abc123.js'), APP_JS);
    await writeFile(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(APP_JS));
    await writeFile(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(APP_JS));
    server = createHttpServer(deps, [
      (app) => app.get('/api/v1/query', () => ({ status: 'success', data: { resultType: 'vector', result: [] } })),
      uiRoute({ dir }),
    ]);
    await server.app.ready();
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without long caching', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.equal(r.headers['cache-control'], INDEX_CACHE_CONTROL);
    assert.equal(r.body, INDEX);
  });

  it('answers client-side routes with index.html', async () => {
    for (const url of ['/hosts/web-1%3A9100', '/explore?q=up&range=6h', '/status/']) {
      const r = await server.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.equal(r.headers['cache-control'], INDEX_CACHE_CONTROL, url);
    }
  });

  it('serves hashed assets cached for a year, brotli or gzip when accepted', async () => {
    const plain = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['cache-control'], ASSET_CACHE_CONTROL);
    assert.equal(plain.body, APP_JS);
    assert.equal(plain.headers['content-encoding'], undefined);

    const br = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.equal(br.headers['cache-control'], ASSET_CACHE_CONTROL);
    assert.ok(br.rawPayload.length < APP_JS.length / 10, 'compressed body sent');

    const gz = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
  });

  it('keeps 404s for missing files and Prometheus JSON errors for unknown API paths', async () => {
    const missing = await server.app.inject({ method: 'GET', url: '/assets/nope-123.js' });
    assert.equal(missing.statusCode, 404);
    const api = await server.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    assert.equal(api.statusCode, 404);
    assert.deepEqual(api.json(), { status: 'error', errorType: 'not_found', error: 'no API endpoint GET /api/v1/nothing' });
    const real = await server.app.inject({ method: 'GET', url: '/api/v1/query?query=up' });
    assert.equal(real.statusCode, 200, 'API routes win over the catch-all');
  });

  it('refuses path traversal out of the UI folder', async () => {
    for (const url of ['/../../etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/hosts']) {
      const r = await server.app.inject({ method: 'GET', url });
      assert.ok(r.statusCode === 404 || r.statusCode === 403 || (r.statusCode === 200 && r.body === INDEX), `${url}: ${r.statusCode}`);
      assert.doesNotMatch(r.body, /root:/);
    }
  });
});

describe('uiRoute without a built UI', () => {
  it('says to run make build at /', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-ui-missing-'));
    const server = createHttpServer(deps, [uiRoute({ dir: join(dir, 'dist') })]);
    try {
      const r = await server.app.inject({ method: 'GET', url: '/' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /run <code>make build<\/code>/);
      assert.match(r.body, /9\.9\.9-test/);
      const other = await server.app.inject({ method: 'GET', url: '/explore' });
      assert.equal(other.statusCode, 404);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
