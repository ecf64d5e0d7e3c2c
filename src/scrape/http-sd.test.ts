import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino, type Logger } from 'pino';
import { parseConfig, type HttpSDConfig } from '../config/index.js';
import { HTTP_SD_MAX_STRUCTURES, HttpDiscovery, parseTargetGroups, ScrapeManager, type TargetGroup } from './index.js';
import { MemoryAppendable, opensslMissing, PageServer, selfSigned } from './testutil.js';

/** A logger that keeps what was logged (warn and above). */
function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** An http_sd endpoint on 127.0.0.1: `body` (a string or raw bytes) and its headers can change between requests. */
class SdServer {
  body: string | Buffer = '[]';
  status = 200;
  contentType: string | undefined = 'application/json';
  contentEncoding: string | undefined;
  delayMs = 0;
  readonly requests: http.IncomingHttpHeaders[] = [];
  readonly urls: string[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(tlsOptions?: https.ServerOptions): Promise<SdServer> {
    const server = tlsOptions === undefined ? http.createServer() : https.createServer(tlsOptions);
    const self = new SdServer(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => self.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(req.headers);
    this.urls.push(req.url ?? '');
    const send = (): void => {
      res.statusCode = this.status;
      if (this.contentType !== undefined) res.setHeader('Content-Type', this.contentType);
      if (this.contentEncoding !== undefined) res.setHeader('Content-Encoding', this.contentEncoding);
      res.end(this.body);
    };
    if (this.delayMs > 0) setTimeout(send, this.delayMs).unref();
    else send();
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

const sdConfig = (url: string, extra: Partial<HttpSDConfig> = {}): HttpSDConfig => ({ url, refresh_interval: 3_600_000, tls_config: { insecure_skip_verify: false }, ...extra });

test('http_sd: targets and labels from the endpoint through relabel_configs; refresh follows changes; a removed target goes stale', async () => {
  const sd = await SdServer.start();
  const [t1, t2] = [await PageServer.start(), await PageServer.start()];
  t1.page = 'one 1\n';
  t2.page = 'two 2\n';
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  const url = `http://127.0.0.1:${sd.port}/sd?zone=a`;
  sd.body = JSON.stringify([
    { targets: [t1.address], labels: { __meta_datacenter: 'london', team: 'x' } },
    { targets: [t2.address], labels: { __meta_datacenter: 'paris' } },
  ]);
  const cfg = parseConfig(
    `scrape_configs:\n  - job_name: h\n    scrape_interval: 1m\n    http_sd_configs: [{url: '${url}', refresh_interval: 150ms}]\n` +
      `    relabel_configs:\n      - {source_labels: [__meta_datacenter], target_label: dc}\n      - {source_labels: [__meta_url], regex: '.*zone=(.*)', target_label: zone}\n` +
      `      - {source_labels: [__meta_datacenter], regex: nowhere, action: drop}\n`,
    'test.yml',
  ).config;
  try {
    await mgr.applyConfig(cfg.scrape_configs, cfg.global);
    const byAddr = () => new Map(mgr.targets().map((t) => [t.discoveredLabels.__address__, t]));
    assert.equal(mgr.targets().length, 2, 'targets known when applyConfig resolves');
    assert.deepEqual(byAddr().get(t1.address)?.labels, { dc: 'london', instance: t1.address, job: 'h', team: 'x', zone: 'a' });
    assert.deepEqual(byAddr().get(t2.address)?.labels, { dc: 'paris', instance: t2.address, job: 'h', zone: 'a' });
    assert.equal(byAddr().get(t1.address)?.discoveredLabels.__meta_url, url);
    const h = sd.requests[0]!;
    assert.equal(h.accept, 'application/json');
    assert.equal(h['x-prometheus-refresh-interval-seconds'], '0.15');
    assert.equal(h['user-agent'], 'Vigie');
    assert.equal(sd.urls[0], '/sd?zone=a');

    await mgr.scrapeAllNow();
    assert.equal(app.of('one{').length, 1);
    assert.equal(app.of('two{').length, 1);

    // Next refreshes: t2 leaves, a dropped target appears, t1 gets a label.
    sd.body = JSON.stringify([{ targets: [t1.address], labels: { __meta_datacenter: 'london', team: 'y' } }, { targets: ['127.0.0.1:1'], labels: { __meta_datacenter: 'nowhere' } }]);
    app.clear();
    await waitFor(() => mgr.targets().length === 1 && mgr.targets()[0]?.labels.team === 'y', 'the refreshed targets');
    assert.equal(mgr.droppedTargets()[0]?.discoveredLabels.__address__, '127.0.0.1:1');
    await waitFor(() => app.samples.some((s) => s.stale && s.series.startsWith('two{')), 'staleness markers of the removed target');

    // An empty list removes every target.
    sd.body = '[]';
    await waitFor(() => mgr.targets().length === 0, 'no targets');
  } finally {
    await mgr.stop();
    await Promise.all([sd.close(), t1.close(), t2.close()]);
  }
});

test('http_sd: a failed or hostile refresh keeps the last good targets and logs a clear error', async () => {
  const sd = await SdServer.start();
  const { logger, lines } = recordingLogger();
  const updates: TargetGroup[][] = [];
  const good = JSON.stringify([{ targets: ['10.0.0.1:9100', '10.0.0.2:9100'], labels: { rack: 'r1' } }]);
  sd.body = good;
  const port = sd.port;
  const d = new HttpDiscovery(sdConfig(`http://127.0.0.1:${port}/sd`), 'job http_sd_configs[0]', (g) => updates.push(g), logger, 4096);
  try {
    await d.start();
    assert.equal(updates.length, 1);
    assert.deepEqual(updates[0]!.map((g) => ({ ...g.labels })), [{ rack: 'r1', __meta_url: `http://127.0.0.1:${sd.port}/sd` }]);
    assert.deepEqual(updates[0]![0]!.targets, ['10.0.0.1:9100', '10.0.0.2:9100']);

    const cases: Array<[string, () => void, RegExp]> = [
      ['status 500', () => ((sd.status = 500), (sd.body = good)), /server returned HTTP status 500 Internal Server Error/],
      ['status 204', () => (sd.status = 204), /server returned HTTP status 204 No Content/],
      ['wrong content type', () => ((sd.status = 200), (sd.contentType = 'text/plain')), /unsupported content type "text\/plain"/],
      ['no content type', () => (sd.contentType = undefined), /unsupported content type ""/],
      ['invalid JSON', () => ((sd.contentType = 'application/json; charset=utf-8'), (sd.body = '[{"targets": [')), /invalid JSON/],
      ['not a list', () => (sd.body = '{"targets": []}'), /expected a list of target groups/],
      ['null group', () => (sd.body = '[null]'), /group 0: expected a map with targets and labels/],
      ['unknown key', () => (sd.body = '[{"targets": [], "label": {}}]'), /group 0: unknown key "label"/],
      ['targets not strings', () => (sd.body = '[{"targets": [9100]}]'), /group 0: targets must be a list of strings/],
      ['bad label name', () => (sd.body = `[{"targets": [], "labels": {"${'x-'.repeat(500)}": "v"}}]`), /group 0: invalid label name "x-x-.{40,}\.\.\."$/],
      ['label value not a string', () => (sd.body = '[{"targets": [], "labels": {"a": 1}}]'), /group 0: the value of label "a" must be a string/],
      ['too large', () => (sd.body = `[${' '.repeat(5000)}]`), /response larger than 4096 bytes$/],
      ['gzip bomb', () => ((sd.contentEncoding = 'gzip'), (sd.body = gzipSync(`[${' '.repeat(1 << 20)}]`))), /larger than 4096 bytes once decompressed/],
      ['unknown encoding', () => (sd.contentEncoding = 'br'), /unsupported Content-Encoding "br"/],
    ];
    for (const [name, setup, re] of cases) {
      setup();
      const before = lines.length;
      await d.tick();
      assert.equal(updates.length, 1, `${name}: the targets stay`);
      const line = lines.slice(before).find((l) => l.level === 50);
      assert.ok(line !== undefined, `${name}: an error is logged`);
      assert.match(String(line.err), re, name);
      assert.equal(line.url, `http://127.0.0.1:${sd.port}/sd`);
      assert.match(String(line.msg), /http_sd: unable to refresh target groups/);
    }

    // Deeply nested JSON is just not a target group list; a million objects are refused unparsed.
    sd.contentEncoding = undefined;
    const big = new HttpDiscovery(sdConfig(`http://127.0.0.1:${sd.port}/sd`), 'j', () => assert.fail('no update'), logger);
    sd.body = '['.repeat(1 << 18) + ']'.repeat(1 << 18);
    const before = lines.length;
    await big.tick();
    assert.match(String(lines.slice(before)[0]?.err), /group 0: expected a map/);
    sd.body = `[${'{},'.repeat(HTTP_SD_MAX_STRUCTURES)}{}]`;
    const t0 = Date.now();
    await big.tick();
    assert.match(String(lines.at(-1)?.err), /response has more than 1000000 JSON objects and lists/);
    assert.ok(Date.now() - t0 < 1000, `refused in ${Date.now() - t0} ms`);
    big.stop();

    // Back to a good answer: the new groups are reported.
    sd.body = JSON.stringify([{ targets: ['10.0.0.3:9100'] }]);
    await d.tick();
    assert.equal(updates.length, 2);
    assert.deepEqual(updates[1]![0]!.targets, ['10.0.0.3:9100']);
    // An unchanged answer reports nothing.
    await d.tick();
    assert.equal(updates.length, 2);
  } finally {
    d.stop();
    await sd.close();
  }
  // A server that went away: refused connections are logged, the targets stay.
  const before = lines.length;
  await d.tick();
  assert.equal(lines.length, before, 'a stopped discovery does nothing');
  const gone = new HttpDiscovery(sdConfig(`http://127.0.0.1:${port}/sd`), 'j', (g) => updates.push(g), logger);
  await gone.tick();
  assert.match(String(lines.at(-1)?.err), /ECONNREFUSED/);
  gone.stop();
});

test('http_sd: a slow endpoint times out after refresh_interval; stop aborts the request in flight and the timer', async () => {
  const sd = await SdServer.start();
  const { logger, lines } = recordingLogger();
  sd.body = JSON.stringify([{ targets: ['10.0.0.1:80'] }]);
  sd.delayMs = 2000;
  const d = new HttpDiscovery(sdConfig(`http://127.0.0.1:${sd.port}/sd`, { refresh_interval: 200 }), 'j', () => undefined, logger);
  try {
    const t0 = Date.now();
    await d.tick();
    assert.ok(Date.now() - t0 < 1500, 'gave up at the refresh interval');
    assert.match(String(lines.at(-1)?.err), /no answer within 0.2s \(the refresh interval\)/);

    // Polling: a request every 200 ms after start(); after stop(), none.
    sd.delayMs = 0;
    sd.requests.length = 0;
    await d.start();
    await waitFor(() => sd.requests.length >= 3, 'three refreshes');
    sd.delayMs = 5000;
    await waitFor(() => sd.requests.length >= 4, 'a request in flight');
    const t1 = Date.now();
    d.stop();
    await d.tick();
    const n = sd.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sd.requests.length, n, 'no request after stop');
    assert.ok(Date.now() - t1 < 2000);
    assert.equal(lines.filter((l) => /aborted/i.test(String(l.err))).length, 0, 'an abort by stop() is not an error');
  } finally {
    d.stop();
    await sd.close();
  }
});

test('http_sd over https with tls_config, basic_auth from a file and authorization', { skip: opensslMissing() }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-httpsd-'));
  const { cert, key, certFile } = selfSigned(dir, 'sd', 'sd.vigie.test', 'DNS:sd.vigie.test,IP:127.0.0.1');
  const sd = await SdServer.start({ cert, key });
  sd.body = JSON.stringify([{ targets: ['10.0.0.1:9100'] }]);
  const { logger, lines } = recordingLogger();
  const url = `https://127.0.0.1:${sd.port}/sd`;
  const got: TargetGroup[][] = [];
  try {
    await writeFile(join(dir, 'pw'), 'secret\n');
    const basic = new HttpDiscovery(sdConfig(url, { tls_config: { ca_file: certFile, server_name: 'sd.vigie.test', insecure_skip_verify: false }, basic_auth: { username: 'u', password_file: join(dir, 'pw') } }), 'j', (g) => got.push(g), logger);
    await basic.tick();
    assert.equal(got.length, 1, JSON.stringify(lines));
    assert.equal(sd.requests.at(-1)?.authorization, 'Basic ' + Buffer.from('u:secret').toString('base64'));
    basic.stop();

    const bearer = new HttpDiscovery(sdConfig(url, { tls_config: { ca_file: certFile, insecure_skip_verify: false }, authorization: { type: 'Bearer', credentials: 'tok' } }), 'j', (g) => got.push(g), logger);
    await bearer.tick();
    assert.equal(got.length, 2, JSON.stringify(lines));
    assert.equal(sd.requests.at(-1)?.authorization, 'Bearer tok');
    bearer.stop();

    // Without the CA the certificate is refused; a missing CA file is named.
    const untrusted = new HttpDiscovery(sdConfig(url), 'j', (g) => got.push(g), logger);
    await untrusted.tick();
    assert.match(String(lines.at(-1)?.err), /self[- ]signed certificate/i);
    untrusted.stop();
    const missing = new HttpDiscovery(sdConfig(url, { tls_config: { ca_file: join(dir, 'nope.crt'), insecure_skip_verify: false } }), 'job http_sd_configs[0]', (g) => got.push(g), logger);
    await missing.tick();
    assert.match(String(lines.at(-1)?.err), /job http_sd_configs\[0\]: cannot read TLS file .*nope\.crt/);
    missing.stop();
    assert.equal(got.length, 2);
  } finally {
    await sd.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('parseTargetGroups reads the targetgroup shape as Go does: nulls, no prototype tricks', () => {
  const src = (i: number): string => `s[${i}]`;
  assert.deepEqual(parseTargetGroups(null, { __meta_url: 'u' }, src), []);
  const [g] = parseTargetGroups([{ targets: ['a:1', null], labels: { __proto__x: 'y', empty: null, __meta_url: 'spoofed' } }], { __meta_url: 'u' }, src);
  assert.deepEqual(g?.targets, ['a:1', '']);
  assert.deepEqual({ ...g?.labels }, { __proto__x: 'y', empty: '', __meta_url: 'u' });
  assert.equal(g?.source, 's[0]');
  const [p] = parseTargetGroups(JSON.parse('[{"targets": null, "labels": {"__proto__": "x"}}]'), {}, src);
  assert.deepEqual(p?.targets, []);
  assert.equal(Object.getOwnPropertyDescriptor(p?.labels, '__proto__')?.value, 'x');
  assert.throws(() => parseTargetGroups(JSON.parse('[{"__proto__": {}, "targets": []}]'), {}, src), /group 0: unknown key "__proto__"/);
  assert.throws(() => parseTargetGroups([{ targets: 'a:1' }], {}, src), /group 0: targets must be a list of strings/);
  assert.throws(() => parseTargetGroups([{ targets: [], labels: ['a'] }], {}, src), /group 0: labels must be a map/);
});

test('http_sd: a reload that changes the URL, or removes the job, stops the old discovery', async () => {
  const [a, b] = [await SdServer.start(), await SdServer.start()];
  a.body = JSON.stringify([{ targets: ['10.0.0.1:9100'] }]);
  b.body = JSON.stringify([{ targets: ['10.0.0.2:9100'] }]);
  const mgr = new ScrapeManager({ appendable: new MemoryAppendable() });
  const apply = (port: number): Promise<void> => {
    const c = parseConfig(`scrape_configs:\n  - job_name: h\n    http_sd_configs: [{url: 'http://127.0.0.1:${port}/', refresh_interval: 100ms}]\n`, 't.yml').config;
    return mgr.applyConfig(c.scrape_configs, c.global);
  };
  try {
    await apply(a.port);
    assert.deepEqual(mgr.targets().map((t) => t.discoveredLabels.__address__), ['10.0.0.1:9100']);
    await apply(b.port);
    assert.deepEqual(mgr.targets().map((t) => t.discoveredLabels.__address__), ['10.0.0.2:9100']);
    const n = a.requests.length;
    await waitFor(() => b.requests.length >= 3, 'refreshes of the new URL');
    assert.equal(a.requests.length, n, 'the old URL is no longer polled');
    await mgr.applyConfig([], parseConfig('', 't.yml').config.global);
    const m = b.requests.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(b.requests.length, m, 'a removed job is no longer polled');
    assert.equal(mgr.targets().length, 0);
  } finally {
    await mgr.stop();
    await Promise.all([a.close(), b.close()]);
  }
});
