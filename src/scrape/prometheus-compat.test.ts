// Behaviour, in real scrapes against loopback servers, of the Prometheus scrape_config keys
// whose parsing src/config/prometheus-compat.test.ts covers: redirects (follow_redirects),
// bearer_token, enable_compression, scrape_protocols / fallback_scrape_protocol,
// target_limit, keep_dropped_targets, track_timestamps_staleness, global limits, and
// tls_config min/max_version and inline PEM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/index.js';
import { SCRAPE_ACCEPT_HEADER } from '../textparse/index.js';
import { ScrapeManager } from './index.js';
import { MemoryAppendable, PageServer, opensslMissing, selfSigned } from './testutil.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A loopback HTTP(S) server answering with `handler`; records each request's URL and headers. */
class Srv {
  readonly requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  handler: Handler = (_req, res) => page(res, 'm 1\n');
  private constructor(private readonly server: http.Server) {}

  static async start(host = '127.0.0.1', tlsOptions?: https.ServerOptions): Promise<Srv> {
    const h: Handler = (req, res) => {
      s.requests.push({ url: req.url ?? '', headers: req.headers });
      s.handler(req, res);
    };
    const s: Srv = new Srv(tlsOptions === undefined ? http.createServer(h) : https.createServer(tlsOptions, h));
    await new Promise<void>((r) => s.server.listen(0, host, r));
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get address(): string {
    return `${(this.server.address() as AddressInfo).address}:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Answers `body`; `contentType` undefined sends no Content-Type (`...args` so that undefined is not the default). */
function page(res: http.ServerResponse, body: string, ...args: [contentType?: string]): void {
  const contentType = args.length === 0 ? 'text/plain; version=0.0.4' : args[0];
  if (contentType !== undefined) res.setHeader('Content-Type', contentType);
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string | undefined, status = 302): void {
  res.statusCode = status;
  if (location !== undefined) res.setHeader('Location', location);
  res.end('moved\n');
}

interface Run {
  readonly app: MemoryAppendable;
  readonly mgr: ScrapeManager;
  apply(yaml: string): Promise<void>;
  /** Scrapes once (after clearing the recorded samples). */
  scrape(): Promise<void>;
  /** up, health and lastError of the target(s) of job `j`. */
  up(): number[];
  errors(): string[];
  /** Page samples (no report series, no staleness markers) as `name value`. */
  stored(): string[];
  close(): Promise<void>;
}

async function run(yaml: string): Promise<Run> {
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  const r: Run = {
    app,
    mgr,
    async apply(y) {
      const c = parseConfig(y, 'test.yml').config;
      await mgr.applyConfig(c.scrape_configs, c.global);
    },
    async scrape() {
      app.clear();
      await mgr.scrapeAllNow();
    },
    up: () => app.of('up{').filter((s) => !s.stale).map((s) => s.v),
    errors: () => mgr.targets().map((t) => t.lastError),
    stored: () => app.samples.filter((s) => !s.stale && !/^(up|scrape_[a-z_]+)\{/.test(s.series)).map((s) => `${s.series.split('{')[0]!} ${s.v}`),
    close: () => mgr.stop(),
  };
  try {
    await r.apply(yaml);
  } catch (err) {
    await mgr.stop();
    throw err;
  }
  return r;
}

/** Job `j` scraping `addr` (scrapes only through scrapeAllNow), plus `extra` lines. */
const job = (addr: string, extra = ''): string => `scrape_configs:\n  - job_name: j\n    scrape_interval: 1m\n    static_configs: [{targets: ['${addr}']}]\n${extra}`;

// ---------------------------------------------------------------------------------------
// follow_redirects

test('redirects are followed as Go does: relative Location, every header again plus Referer, Authorization on the same host', async () => {
  const a = await Srv.start();
  a.handler = (req, res) => (req.url === '/metrics' ? redirect(res, '/real?x=1') : page(res, 'm 1\n'));
  const r = await run(job(a.address, '    bearer_token: tok\n'));
  try {
    await r.scrape();
    assert.deepEqual(r.errors(), ['']);
    assert.deepEqual(r.up(), [1]);
    assert.deepEqual(r.stored(), ['m 1']);
    assert.deepEqual(a.requests.map((q) => q.url), ['/metrics', '/real?x=1']);
    const [first, second] = a.requests.map((q) => q.headers);
    assert.equal(first!.authorization, 'Bearer tok');
    assert.equal(second!.authorization, 'Bearer tok');
    assert.equal(second!.referer, `http://${a.address}/metrics`);
    assert.equal(first!.referer, undefined);
    for (const h of ['accept', 'accept-encoding', 'user-agent', 'x-prometheus-scrape-timeout-seconds']) assert.equal(second![h], first![h], h);
  } finally {
    await r.close();
    await a.close();
  }
});

test('every redirect status Go follows for a GET is followed; 300 and 304 are not', async () => {
  const a = await Srv.start();
  let status = 301;
  a.handler = (req, res) => (req.url === '/metrics' ? redirect(res, `http://${a.address}/x`, status) : page(res, 'm 1\n'));
  const r = await run(job(a.address));
  try {
    for (status of [301, 302, 303, 307, 308]) {
      await r.scrape();
      assert.deepEqual(r.up(), [1], `status ${status}`);
    }
    for (const [s, text] of [[300, 'Multiple Choices'], [304, 'Not Modified']] as const) {
      status = s;
      await r.scrape();
      assert.deepEqual(r.up(), [0]);
      assert.deepEqual(r.errors(), [`server returned HTTP status ${s} ${text}`]);
    }
  } finally {
    await r.close();
    await a.close();
  }
});

test('Authorization stays off once a redirect leaves the first host (another port of it keeps it)', async () => {
  const a = await Srv.start('127.0.0.1');
  const samePort = await Srv.start('127.0.0.1');
  const other = await Srv.start('127.0.0.2');
  a.handler = (req, res) => {
    if (req.url === '/metrics') redirect(res, `http://${other.address}/hop`);
    else if (req.url === '/port') redirect(res, `http://${samePort.address}/metrics`);
    else page(res, 'm 1\n');
  };
  other.handler = (_req, res) => redirect(res, `http://${a.address}/back`);
  samePort.handler = (_req, res) => page(res, 'm 2\n');
  const r = await run(`${job(a.address, '    basic_auth: {username: u, password: p}\n')}  - job_name: k\n    scrape_interval: 1m\n    metrics_path: /port\n    authorization: {credentials: c}\n    static_configs: [{targets: ['${a.address}']}]\n`);
  try {
    await r.scrape();
    assert.deepEqual(r.up(), [1, 1]);
    const auth = (s: Srv, url: string): string | undefined => s.requests.find((q) => q.url === url)?.headers.authorization;
    assert.equal(auth(a, '/metrics'), `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(auth(other, '/hop'), undefined, 'not sent to another host');
    assert.equal(auth(a, '/back'), undefined, 'not sent again after leaving the first host, even back on it');
    assert.equal(auth(a, '/port'), 'Bearer c');
    assert.equal(samePort.requests[0]?.headers.authorization, 'Bearer c', 'same host name, other port: sent, as Go');
  } finally {
    await r.close();
    await Promise.all([a.close(), samePort.close(), other.close()]);
  }
});

test('a redirect from http to https uses the job tls_config (inline ca)', { skip: opensslMissing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-redirect-tls-'));
  const { cert, key } = selfSigned(dir, 'srv', 'vigie-test', 'IP:127.0.0.1');
  const secure = await Srv.start('127.0.0.1', { cert, key });
  const plain = await Srv.start();
  plain.handler = (_req, res) => redirect(res, `https://${secure.address}/metrics`, 301);
  const r = await run(job(plain.address, `    tls_config: {ca: ${JSON.stringify(cert.toString())}}\n`));
  try {
    await r.scrape();
    assert.deepEqual(r.errors(), ['']);
    assert.deepEqual(r.stored(), ['m 1']);
    assert.equal(secure.requests.length, 1);
  } finally {
    await r.close();
    await Promise.all([plain.close(), secure.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('follow_redirects: false makes a 3xx a failed scrape, as a 3xx without Location always is', async () => {
  const a = await Srv.start();
  let location: string | undefined = '/elsewhere';
  a.handler = (req, res) => (req.url === '/metrics' ? redirect(res, location) : page(res, 'm 1\n'));
  const r = await run(job(a.address, '    follow_redirects: false\n'));
  try {
    await r.scrape();
    assert.deepEqual(r.up(), [0]);
    assert.deepEqual(r.errors(), ['server returned HTTP status 302 Found']);
    assert.deepEqual(a.requests.map((q) => q.url), ['/metrics']);
    await r.apply(job(a.address));
    location = undefined;
    await r.scrape();
    assert.deepEqual(r.errors(), ['server returned HTTP status 302 Found']);
  } finally {
    await r.close();
    await a.close();
  }
});

test('at most 9 redirects are followed: the 10th fails as Go ("stopped after 10 redirects"), a loop too', async () => {
  const a = await Srv.start();
  let hops = 9;
  a.handler = (req, res) => {
    const n = Number(/^\/r(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    if (req.url === '/loop') return redirect(res, '/loop');
    if (n < hops) redirect(res, `/r${n + 1}`);
    else page(res, 'm 1\n');
  };
  const r = await run(job(a.address, '    metrics_path: /r0\n'));
  try {
    await r.scrape();
    assert.deepEqual(r.errors(), ['']);
    assert.equal(a.requests.length, 10);
    hops = 10;
    a.requests.length = 0;
    await r.scrape();
    assert.deepEqual(r.up(), [0]);
    assert.deepEqual(r.errors(), ['Get "/r10": stopped after 10 redirects']);
    assert.equal(a.requests.length, 10);
    await r.apply(job(a.address, '    metrics_path: /loop\n'));
    await r.scrape();
    assert.deepEqual(r.errors(), ['Get "/loop": stopped after 10 redirects']);
  } finally {
    await r.close();
    await a.close();
  }
});

test('hostile Location headers fail the scrape with a clear error: not a URL, another scheme', async () => {
  const a = await Srv.start();
  let location = '';
  a.handler = (_req, res) => redirect(res, location);
  const r = await run(job(a.address));
  try {
    const cases: [string, string][] = [
      ['http://[::1', `Get "http://${a.address}/metrics": failed to parse Location header "http://[::1": not a valid URL`],
      ['ftp://example.com/metrics', 'Get "ftp://example.com/metrics": unsupported protocol scheme "ftp"'],
      ['javascript:alert(1)', 'Get "javascript:alert(1)": unsupported protocol scheme "javascript"'],
      ['file:///etc/passwd', 'Get "file:///etc/passwd": unsupported protocol scheme "file"'],
      ['http://:80/x', `Get "http://${a.address}/metrics": failed to parse Location header "http://:80/x": not a valid URL`],
    ];
    for (const [loc, error] of cases) {
      location = loc;
      await r.scrape();
      assert.deepEqual(r.up(), [0], loc);
      assert.deepEqual(r.errors(), [error]);
    }
  } finally {
    await r.close();
    await a.close();
  }
});

test('a Location of raw bytes (not UTF-8, control characters) is resolved as a path and bounded like any redirect', async () => {
  // A raw server: Node's would refuse to send such a header.
  const server = net.createServer((sock) => {
    sock.on('data', () => sock.write(Buffer.concat([Buffer.from('HTTP/1.1 302 Found\r\nLocation: '), Buffer.from([0xff, 0xfe, 0x25, 0x7a, 0x7a, 0x7f, 0x01]), Buffer.from('\r\nContent-Length: 0\r\n\r\n')])));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r = await run(job(addr));
  try {
    await r.scrape();
    assert.deepEqual(r.up(), [0]);
    assert.match(r.errors()[0]!, /^Get ".*": stopped after 10 redirects$/);
  } finally {
    await r.close();
    await new Promise((res) => server.close(res));
  }
});

test('a final status other than 200 fails the scrape, 2xx included, as Prometheus', async () => {
  const a = await Srv.start();
  let status = 204;
  a.handler = (_req, res) => {
    res.statusCode = status;
    res.end(status === 204 ? undefined : 'm 1\n');
  };
  const r = await run(job(a.address));
  try {
    for (const [s, text] of [[204, 'No Content'], [203, 'Non-Authoritative Information'], [206, 'Partial Content'], [500, 'Internal Server Error']] as const) {
      status = s;
      await r.scrape();
      assert.deepEqual(r.up(), [0], String(s));
      assert.deepEqual(r.errors(), [`server returned HTTP status ${s} ${text}`]);
    }
    status = 200;
    await r.scrape();
    assert.deepEqual(r.up(), [1]);
  } finally {
    await r.close();
    await a.close();
  }
});

// ---------------------------------------------------------------------------------------
// bearer_token, enable_compression, scrape_protocols, fallback_scrape_protocol

test('bearer_token and bearer_token_file send Authorization: Bearer (the file read at each scrape)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bearer-'));
  const a = await Srv.start();
  const file = join(dir, 'token');
  writeFileSync(file, 'from-file\n');
  const r = await run(job(a.address, '    bearer_token: inline-tok\n'));
  try {
    await r.scrape();
    await r.apply(job(a.address, `    bearer_token_file: ${file}\n`));
    await r.scrape();
    writeFileSync(file, 'rotated\n');
    await r.scrape();
    assert.deepEqual(a.requests.map((q) => q.headers.authorization), ['Bearer inline-tok', 'Bearer from-file', 'Bearer rotated']);
  } finally {
    await r.close();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('enable_compression: false asks for identity; the default asks for gzip', async () => {
  const a = await Srv.start();
  const r = await run(`${job(a.address)}  - job_name: plain\n    scrape_interval: 1m\n    enable_compression: false\n    metrics_path: /plain\n    static_configs: [{targets: ['${a.address}']}]\n`);
  try {
    await r.scrape();
    const enc = Object.fromEntries(a.requests.map((q) => [q.url, q.headers['accept-encoding']]));
    assert.deepEqual(enc, { '/metrics': 'gzip', '/plain': 'identity' });
  } finally {
    await r.close();
    await a.close();
  }
});

test('scrape_protocols build the Accept header as Prometheus (q-weights, escaping on 1.0.0), PrometheusProto left out; global applies', async () => {
  const a = await Srv.start();
  const jobs = (protocols: Record<string, string>): string =>
    'scrape_configs:\n' + Object.entries(protocols).map(([name, p]) => `  - job_name: ${name}\n    scrape_interval: 1m\n    metrics_path: /${name}\n${p === '' ? '' : `    scrape_protocols: ${p}\n`}    static_configs: [{targets: ['${a.address}']}]\n`).join('');
  const r = await run(jobs({ dflt: '', old: '[PrometheusText0.0.4]', proto: '[PrometheusProto, OpenMetricsText1.0.0, PrometheusText1.0.0]', om: '[OpenMetricsText0.0.1, PrometheusText0.0.4]' }));
  const accept = (): Record<string, string | undefined> => Object.fromEntries(a.requests.map((q) => [q.url.slice(1), q.headers.accept]));
  try {
    await r.scrape();
    assert.deepEqual(accept(), {
      dflt: SCRAPE_ACCEPT_HEADER,
      old: 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5',
      proto: 'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,*/*;q=0.3',
      om: 'application/openmetrics-text;version=0.0.1;q=0.6,text/plain;version=0.0.4;q=0.5,*/*;q=0.4',
    });
    assert.deepEqual(r.errors(), ['', '', '', '']);
    a.requests.length = 0;
    await r.apply(`global: {scrape_protocols: [PrometheusText1.0.0]}\n${jobs({ dflt: '', old: '[PrometheusText0.0.4]' })}`);
    await r.scrape();
    assert.deepEqual(accept(), { dflt: 'text/plain;version=1.0.0;escaping=underscores;q=0.6,*/*;q=0.5', old: 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5' });
  } finally {
    await r.close();
    await a.close();
  }
});

test('fallback_scrape_protocol reads a page with a missing, unparsable or unknown Content-Type; a known one wins', async () => {
  // OpenMetrics timestamps are seconds with a fraction: the text format cannot read this page.
  const OM = '# TYPE a gauge\na 1 1700000000.5\n# EOF\n';
  const a = await Srv.start();
  let ct: string | undefined;
  a.handler = (_req, res) => page(res, OM, ct);
  const r = await run(job(a.address, '    fallback_scrape_protocol: OpenMetricsText1.0.0\n'));
  try {
    for (ct of [undefined, '', 'application/json', 'text/plain; version', 'garbage', 'application/openmetrics-text; version=1.0.0']) {
      await r.scrape();
      assert.deepEqual(r.errors(), [''], `Content-Type ${String(ct)}`);
      assert.deepEqual(r.app.samples.filter((s) => s.series.startsWith('a{')).map((s) => [s.v, s.t]), [[1, 1_700_000_000_500]]);
    }
    // A known type is believed: text/plain is read as the text format, which fails on this page.
    ct = 'text/plain; version=0.0.4';
    await r.scrape();
    assert.match(r.errors()[0]!, /expected end of line after the timestamp/);
    // Without fallback_scrape_protocol a missing type means the text format (Prometheus 2's choice; Prometheus 3 fails).
    await r.apply(job(a.address));
    ct = undefined;
    await r.scrape();
    assert.match(r.errors()[0]!, /expected end of line after the timestamp/);
    a.handler = (_req, res) => page(res, 'b 2\n', undefined);
    await r.scrape();
    assert.deepEqual(r.stored(), ['b 2']);
    // A protobuf page (the target ignored Accept) is a clear error.
    a.handler = (_req, res) => page(res, '\x08\x01', 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited');
    await r.scrape();
    assert.deepEqual(r.errors(), ['received Content-Type "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited": the protobuf exposition format is not supported by Vigie']);
  } finally {
    await r.close();
    await a.close();
  }
});

// ---------------------------------------------------------------------------------------
// target_limit, keep_dropped_targets

/** Job `j` with `n` targets on `addr`, told apart by a label. */
const targets = (addr: string, n: number, extra = ''): string =>
  `scrape_configs:\n  - job_name: j\n    scrape_interval: 1m\n    static_configs:\n${Array.from({ length: n }, (_, i) => `      - {targets: ['${addr}'], labels: {n: '${i}'}}\n`).join('')}${extra}`;

test('target_limit: more targets than the limit fail every target without contacting it, up=0 and stale series, until back within it', async () => {
  const a = await Srv.start();
  const r = await run(targets(a.address, 3, '    target_limit: 3\n'));
  try {
    await r.scrape();
    assert.deepEqual(r.up(), [1, 1, 1]);
    assert.equal(a.requests.length, 3);
    await r.apply(targets(a.address, 3, '    target_limit: 2\n'));
    await r.scrape();
    assert.equal(a.requests.length, 3, 'no target contacted');
    assert.deepEqual(r.up(), [0, 0, 0]);
    assert.deepEqual(r.errors(), Array(3).fill('target_limit exceeded (number of targets: 3, limit: 2)'));
    assert.equal(r.app.samples.filter((s) => s.stale && s.series.startsWith('m{')).length, 3, 'the series of the last scrape are marked stale');
    assert.deepEqual(r.mgr.targets().map((t) => t.health), ['down', 'down', 'down']);
    // Back within the limit by losing a target.
    await r.apply(targets(a.address, 2, '    target_limit: 2\n'));
    await r.scrape();
    assert.deepEqual(r.up(), [1, 1]);
    assert.deepEqual(r.errors(), ['', '']);
    // The global target_limit applies to a job without one.
    await r.apply(`global: {target_limit: 1}\n${targets(a.address, 2)}`);
    await r.scrape();
    assert.deepEqual(r.errors(), Array(2).fill('target_limit exceeded (number of targets: 2, limit: 1)'));
  } finally {
    await r.close();
    await a.close();
  }
});

test('keep_dropped_targets caps the dropped targets kept; the count still has them all', async () => {
  const a = await Srv.start();
  const drop = "    relabel_configs: [{source_labels: [n], regex: '[1-4]', action: drop}]\n";
  const r = await run(targets(a.address, 5, `${drop}    keep_dropped_targets: 2\n`));
  try {
    assert.equal(r.mgr.targets().length, 1);
    assert.deepEqual(r.mgr.droppedTargets().map((t) => t.discoveredLabels.n), ['1', '2']);
    assert.deepEqual(r.mgr.droppedTargetCounts(), { j: 4 });
    await r.apply(targets(a.address, 5, drop));
    assert.equal(r.mgr.droppedTargets().length, 4, '0 keeps them all');
    await r.apply(`global: {keep_dropped_targets: 3}\n${targets(a.address, 5, drop)}`);
    assert.equal(r.mgr.droppedTargets().length, 3, 'the global value applies');
    assert.deepEqual(r.mgr.droppedTargetCounts(), { j: 4 });
  } finally {
    await r.close();
    await a.close();
  }
});

// ---------------------------------------------------------------------------------------
// track_timestamps_staleness, global limits

test('track_timestamps_staleness: series with their own timestamp get a staleness marker when they go, only when set', async () => {
  for (const track of [false, true]) {
    const a = await Srv.start();
    let body = 'ts 1 1000\nplain 2\n';
    a.handler = (_req, res) => page(res, body);
    const r = await run(job(a.address, `    track_timestamps_staleness: ${track}\n`));
    try {
      await r.scrape();
      assert.deepEqual(r.app.samples.filter((s) => s.series.startsWith('ts{')).map((s) => s.t), [1000]);
      body = '';
      await r.scrape();
      const stale = r.app.samples.filter((s) => s.stale && !/^(up|scrape_)/.test(s.series)).map((s) => s.series.split('{')[0]);
      assert.deepEqual(stale, track ? ['ts', 'plain'] : ['plain'], `track_timestamps_staleness: ${track}`);
    } finally {
      await r.close();
      await a.close();
    }
  }
});

test('global sample_limit and body_size_limit apply to a job without its own', async () => {
  const a = await Srv.start();
  a.handler = (_req, res) => page(res, 'a 1\nb 2\n');
  const r = await run(`global: {sample_limit: 1}\n${job(a.address)}`);
  try {
    await r.scrape();
    assert.deepEqual(r.errors(), ['sample limit exceeded: 2 samples after metric relabeling, sample_limit is 1']);
    await r.apply(`global: {sample_limit: 1}\n${job(a.address, '    sample_limit: 5\n')}`);
    await r.scrape();
    assert.deepEqual(r.errors(), ['']);
    await r.apply(`global: {body_size_limit: 4B}\n${job(a.address)}`);
    await r.scrape();
    assert.deepEqual(r.errors(), ['body size limit exceeded (4 bytes)']);
  } finally {
    await r.close();
    await a.close();
  }
});

// ---------------------------------------------------------------------------------------
// tls_config: min_version, max_version, inline cert and key

test('tls_config min_version / max_version bound the handshake; inline cert and key authenticate the client', { skip: opensslMissing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-tls-versions-'));
  const srvCert = selfSigned(dir, 'srv', 'vigie-test', 'IP:127.0.0.1');
  const client = selfSigned(dir, 'client', 'scraper');
  const tls12 = await PageServer.start({ cert: srvCert.cert, key: srvCert.key, maxVersion: 'TLSv1.2' });
  const tls13 = await PageServer.start({ cert: srvCert.cert, key: srvCert.key, minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: false });
  tls12.page = tls13.page = 'm 1\n';
  const ca = JSON.stringify(srvCert.cert.toString());
  const jobOn = (name: string, srv: PageServer, tls: string): string => `  - job_name: ${name}\n    scheme: https\n    scrape_interval: 1m\n    static_configs: [{targets: ['${srv.address}']}]\n    tls_config: {ca: ${ca}${tls}}\n`;
  const yaml =
    'scrape_configs:\n' +
    jobOn('min13_vs_12', tls12, ', min_version: TLS13') +
    jobOn('max12_vs_13', tls13, ', max_version: TLS12') +
    jobOn('max12_vs_12', tls12, ', max_version: TLS12, min_version: TLS12') +
    jobOn('inline_cert', tls13, `, cert: ${JSON.stringify(client.cert.toString())}, key: ${JSON.stringify(client.key.toString())}`);
  const r = await run(yaml);
  try {
    await r.scrape();
    const byJob = Object.fromEntries(r.mgr.targets().map((t) => [t.scrapePool, t.lastError]));
    assert.match(byJob['min13_vs_12']!, /TLS error|protocol version|alert/i);
    assert.match(byJob['max12_vs_13']!, /TLS error|protocol version|alert/i);
    assert.equal(byJob['max12_vs_12'], '');
    assert.equal(byJob['inline_cert'], '');
    assert.deepEqual(tls13.clientCerts, ['scraper'], 'the inline client certificate was presented');
  } finally {
    await r.close();
    await Promise.all([tls12.close(), tls13.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an invalid inline ca fails the job at start, naming it', async () => {
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  try {
    const c = parseConfig('scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ["127.0.0.1:1"]}]\n    tls_config: {ca: "not a certificate"}\n', 'test.yml').config;
    await assert.rejects(mgr.applyConfig(c.scrape_configs, c.global), /job "j": job j: invalid TLS settings \(ca\): no PEM certificate in tls_config\.ca/);
  } finally {
    await mgr.stop();
  }
});
