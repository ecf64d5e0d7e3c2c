import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../config/index.js';
import { Http1Client, Http1Error, type Origin } from './http1.js';
import { ResponseParser } from './http1-parser.js';
import { ScrapeClient } from './http.js';
import { opensslMissing, selfSigned } from './testutil.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const never = (): AbortSignal => new AbortController().signal;

/** A loopback server whose `handler` writes raw bytes on each connection; counts connections. */
async function rawServer(handler: (sock: net.Socket, conn: number) => void): Promise<{ origin: Origin; conns: () => number; close: () => Promise<void> }> {
  let n = 0;
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    handler(s, n++);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    origin: { host: '127.0.0.1', port, tls: false },
    conns: () => n,
    close: () => {
      for (const s of socks) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

/** Calls `reply(requestIndexOnConnection, socket)` once per request head received. */
function perRequest(reply: (i: number, s: net.Socket, conn: number) => void): (s: net.Socket, conn: number) => void {
  return (s, conn) => {
    let buf = '';
    let i = 0;
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        buf = buf.slice(end + 4);
        reply(i++, s, conn);
      }
    });
  };
}

async function get(c: Http1Client, o: Origin, maxBody = 0, signal = never()): Promise<{ status: number; body: string; type: string | undefined }> {
  const r = await c.get(o, '/metrics?x=1', ['Accept: text/plain'], maxBody, signal);
  const out = { status: r.status, body: text(r.body), type: r.contentType };
  r.release();
  return out;
}

test('http1: Content-Length and chunked bodies over one kept-alive connection; request head as sent', async () => {
  let conns = 0;
  const heads: http.IncomingHttpHeaders[] = [];
  const urls: string[] = [];
  const srv = http.createServer((req, res) => {
    heads.push(req.headers);
    urls.push(req.url ?? '');
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    if (req.url?.includes('chunked') === true) {
      res.write('a 1\n');
      setTimeout(() => res.end('b 2\n'), 5);
    } else {
      res.end('c 3\n');
    }
  });
  srv.on('connection', () => conns++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const o: Origin = { host: '127.0.0.1', port: (srv.address() as AddressInfo).port, tls: false };
  const c = new Http1Client();
  try {
    for (let i = 0; i < 3; i++) {
      const a = await get(c, o);
      assert.deepEqual(a, { status: 200, body: 'c 3\n', type: 'text/plain; version=0.0.4' });
      const r = await c.get(o, '/chunked', [], 0, never());
      assert.equal(text(r.body), 'a 1\nb 2\n');
      r.release();
    }
    assert.equal(conns, 1, 'one connection for six requests');
    assert.equal(c.idleCount(), 1);
    assert.equal(heads[0]?.host, `127.0.0.1:${o.port}`);
    assert.equal(heads[0]?.accept, 'text/plain');
    assert.equal(urls[0], '/metrics?x=1');
  } finally {
    c.close();
    srv.closeAllConnections();
    srv.close();
  }
});

test('http1: a body read until close, HTTP/1.0 and Connection: close are not reused', async () => {
  const s = await rawServer(
    perRequest((i, sock, conn) => {
      if (conn === 0) sock.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
      else if (conn === 1) sock.write('HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n1.0');
      else sock.write(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n${i}`);
    }),
  );
  const c = new Http1Client();
  try {
    assert.equal((await get(c, s.origin)).body, 'until close');
    assert.equal((await get(c, s.origin)).body, '1.0');
    assert.equal((await get(c, s.origin)).body, '0');
    assert.equal(s.conns(), 3);
    assert.equal(c.idleCount(), 0);
  } finally {
    c.close();
    await s.close();
  }
});

test('http1: 1xx interim responses are skipped, 204 has no body, status and reason are reported', async () => {
  const s = await rawServer(
    perRequest((i, sock) => {
      if (i === 0) sock.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else if (i === 1) sock.write('HTTP/1.1 204 No Content\r\n\r\n');
      else sock.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy');
    }),
  );
  const c = new Http1Client();
  try {
    assert.deepEqual(await get(c, s.origin), { status: 200, body: 'ok', type: undefined });
    assert.equal((await get(c, s.origin)).status, 204);
    const r = await c.get(s.origin, '/', [], 0, never());
    assert.equal(r.status, 503);
    assert.equal(r.reason, 'Service Unavailable');
    r.release();
    assert.equal(s.conns(), 1);
  } finally {
    c.close();
    await s.close();
  }
});

test('http1: a kept connection the server closed is replaced, also when it closes on the next request', async () => {
  // Connection 0 answers once, then closes when the second request arrives (a race every
  // client meets with servers that time idle connections out); connection 1 answers all.
  const s = await rawServer(
    perRequest((i, sock, conn) => {
      if (conn === 0 && i === 1) sock.destroy();
      else sock.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${conn}`);
    }),
  );
  const c = new Http1Client();
  try {
    assert.equal((await get(c, s.origin)).body, '0');
    assert.equal((await get(c, s.origin)).body, '1', 'retried on a new connection');
    assert.equal(s.conns(), 2);
  } finally {
    c.close();
    await s.close();
  }
  // A server that closes each connection 30 ms after its response (an idle timeout).
  const idle = await rawServer(
    perRequest((_i, sock) => {
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx');
      setTimeout(() => sock.end(), 30);
    }),
  );
  const c2 = new Http1Client();
  try {
    assert.equal((await get(c2, idle.origin)).body, 'x');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c2.idleCount(), 0, 'the closed idle connection was dropped');
    assert.equal((await get(c2, idle.origin)).body, 'x');
    assert.equal(idle.conns(), 2);
  } finally {
    c2.close();
    await idle.close();
  }
});

test('http1: a connection closed mid-response is an error, not a short body; a fresh one is not retried', async () => {
  const s = await rawServer(perRequest((_i, sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')));
  const c = new Http1Client();
  try {
    await assert.rejects(get(c, s.origin), (e: Error) => e instanceof Http1Error && /before the response was complete/.test(e.message));
    assert.equal(s.conns(), 1);
  } finally {
    c.close();
    await s.close();
  }
});

test('http1: abort mid-body rejects with the reason and drops the connection; refused connect fails', async () => {
  const s = await rawServer(perRequest((_i, sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')));
  const c = new Http1Client();
  try {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('stop now')), 50);
    await assert.rejects(get(c, s.origin, 0, ctl.signal), /stop now/);
    assert.equal(c.idleCount(), 0);
  } finally {
    c.close();
    await s.close();
  }
  await assert.rejects(get(c, s.origin), /ECONNREFUSED/);
});

test('http1: body size limit, from Content-Length at once and from chunks as they come', async () => {
  let requests = 0;
  const s = await rawServer(
    perRequest((_i, sock) => {
      if (requests++ === 0) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      else sock.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n6\r\n123456\r\n0\r\n\r\n');
    }),
  );
  const c = new Http1Client();
  try {
    await assert.rejects(get(c, s.origin, 999), /body size limit exceeded \(999 bytes\)/);
    await assert.rejects(get(c, s.origin, 10), /body size limit exceeded \(10 bytes\)/);
    assert.equal((await get(c, s.origin, 11)).body, '12345123456');
  } finally {
    c.close();
    await s.close();
  }
});

/** Feeds `wire` to a fresh parser in pieces cut at `cuts`; returns the body or the error. */
function parse(wire: string, cuts: number[] = [], maxBody = 0): { body: string; status: number; reusable: boolean } | Error {
  const p = new ResponseParser();
  p.reset(maxBody);
  const b = Buffer.from(wire, 'latin1');
  const points = [0, ...cuts, b.length];
  try {
    for (let i = 0; i + 1 < points.length; i++) {
      const end = points[i + 1]!;
      const stop = p.feed(b, points[i]!, end);
      if (p.done()) {
        if (stop < end || i + 2 < points.length) p.forbidReuse();
        break;
      }
    }
    if (!p.done() && !p.endOfStream()) return new Error('incomplete');
    return { body: text(p.body()), status: p.head()!.status, reusable: p.reusable() };
  } catch (e) {
    return e as Error;
  }
}

test('http1 parser: every split point of chunked, extended and trailered responses gives the same body', () => {
  const cases: [string, string][] = [
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nX: y\r\n\r\n4;ext=1\r\nWiki\r\n5 \r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: t\r\n\r\n', 'Wikipedia in\r\n\r\nchunks.'],
    ['\r\nHTTP/1.1 200 OK\nContent-Length: 5\nFolded: a\n b\n\nhello', 'hello'],
    ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc', 'abc'],
  ];
  for (const [wire, body] of cases) {
    const whole = parse(wire);
    assert.ok(!(whole instanceof Error), whole instanceof Error ? whole.message : '');
    assert.equal(whole.body, body);
    assert.equal(whole.reusable, true);
    for (let cut = 1; cut < wire.length; cut++) {
      const r = parse(wire, [cut]);
      assert.ok(!(r instanceof Error) && r.body === body, `cut at ${cut}: ${r instanceof Error ? r.message : r.body}`);
    }
    const bytes = Array.from({ length: wire.length - 1 }, (_, i) => i + 1);
    const r = parse(wire, bytes);
    assert.ok(!(r instanceof Error) && r.body === body, 'byte by byte');
  }
});

test('http1 parser: hostile responses fail with a message naming what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['HTTP/2 200 OK\r\n\r\n', /malformed HTTP status line "HTTP\/2 200 OK"/],
    ['HTTP/1.1 20 OK\r\n\r\n', /malformed HTTP status line/],
    ['SSH-2.0-OpenSSH_9.2\r\n\r\n', /malformed HTTP status line "SSH-2.0/],
    ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /malformed HTTP header line "no colon here"/],
    ['HTTP/1.1 200 OK\r\n: empty name\r\n\r\n', /malformed HTTP header line/],
    ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', /malformed HTTP header line/],
    ['HTTP/1.1 200 OK\r\n folded first\r\n\r\n', /continuation line before any header/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length "-1"/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd', /invalid Content-Length "3, 4"/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n', /invalid Content-Length/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /unexpected 101/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /malformed chunk size: byte 0x7a/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n', /chunk size too large/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX', /missing CRLF after chunk data/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;\x00\r\nab\r\n', /malformed chunk extension/],
    [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`, /response head longer than 65536 bytes/],
    [`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ${'a'.repeat(70_000)}\r\n\r\n`, /trailer longer than 65536 bytes/],
  ];
  for (const [wire, re] of bad) {
    const r = parse(wire);
    assert.ok(r instanceof Http1Error, `${JSON.stringify(wire.slice(0, 60))}: ${r instanceof Error ? r.message : 'parsed'}`);
    assert.match(r.message, re);
  }
  assert.equal((parse('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab') as Error).message, 'incomplete');
});

test('http1 parser: random and mutated bytes never throw anything but Http1Error', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const base = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const alphabet = '0123456789abcdefHTP/ .:;\r\n\t\x00\xff';
  for (let i = 0; i < 5000; i++) {
    const chars = base.split('');
    for (let k = 0, m = 1 + rnd(4); k < m; k++) {
      const at = rnd(chars.length);
      const op = rnd(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
      else chars[at] = alphabet[rnd(alphabet.length)]!;
    }
    const wire = i % 10 === 0 ? Array.from({ length: rnd(200) }, () => String.fromCharCode(rnd(256))).join('') : chars.join('');
    const r = parse(wire, [rnd(wire.length + 1)].filter((c) => c > 0 && c < wire.length), 1000);
    if (r instanceof Error && r.message !== 'incomplete') assert.ok(r instanceof Http1Error, `${JSON.stringify(wire)}: ${r.stack}`);
  }
});

test('http1: TLS with the CA, refused without it, and insecure_skip_verify; one connection', { skip: opensslMissing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-scrape-tls-'));
  const cert = selfSigned(dir, 'c', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  rmSync(dir, { recursive: true, force: true });
  let conns = 0;
  const srv = https.createServer({ cert: cert.cert, key: cert.key }, (_q, res) => res.end('tls 1\n'));
  srv.on('secureConnection', () => conns++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const o: Origin = { host: 'localhost', port, tls: true };
  const trusted = new Http1Client({ ca: cert.cert, rejectUnauthorized: true });
  const strict = new Http1Client({ rejectUnauthorized: true });
  const insecure = new Http1Client({ rejectUnauthorized: false });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await get(trusted, o)).body, 'tls 1\n');
    assert.equal(conns, 1);
    await assert.rejects(get(strict, o), /self[- ]signed/i);
    assert.equal((await get(insecure, { ...o, host: '127.0.0.1' })).body, 'tls 1\n');
  } finally {
    for (const c of [trusted, strict, insecure]) c.close();
    srv.closeAllConnections();
    srv.close();
  }
});

test('ScrapeClient: rotated TLS files are picked up without a reload; a half-written rotation keeps the old ones', { skip: opensslMissing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-scrape-rotate-'));
  const a = selfSigned(dir, 'a', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  const b = selfSigned(dir, 'b', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  const caFile = join(dir, 'ca.pem');
  const replace = (content: Buffer | string): void => {
    writeFileSync(`${caFile}.tmp`, content);
    renameSync(`${caFile}.tmp`, caFile);
  };
  replace(a.cert);
  const srv = https.createServer({ cert: a.cert, key: a.key }, (_q, res) => res.end('rotated 1\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `https://localhost:${(srv.address() as AddressInfo).port}/metrics`;
  const cfg = parseConfig(`scrape_configs:\n  - job_name: j\n    scheme: https\n    tls_config: {ca_file: '${caFile}'}\n    static_configs: [{targets: [a:1]}]\n`, 't.yml').config.scrape_configs[0]!;
  replace('not a certificate');
  await assert.rejects(ScrapeClient.create(cfg), new RegExp(`^ScrapeError: job j: invalid TLS files \\(${caFile}\\): no PEM certificate in the CA file$`));
  replace(a.cert);
  const c = await ScrapeClient.create(cfg, { tlsCheckIntervalMs: 0 });
  const scrape = async (): Promise<string> => {
    const r = await c.get(url, 'text/plain', 10_000, never());
    const text = Buffer.from(r.body).toString();
    r.release();
    return text;
  };
  const reconnect = (): void => srv.closeAllConnections(); // the next scrape makes a new TLS handshake
  try {
    assert.equal(await scrape(), 'rotated 1\n');
    // A rotation caught half-way (the CA file gone, then garbage) keeps the previous settings.
    rmSync(caFile);
    reconnect();
    assert.equal(await scrape(), 'rotated 1\n', 'missing CA file: previous settings kept');
    replace('-----BEGIN CERTIFICATE-----\nnot base64\n');
    reconnect();
    assert.equal(await scrape(), 'rotated 1\n', 'garbled CA file: previous settings kept');
    // The server moves to certificate b: refused while the CA file does not trust it.
    srv.setSecureContext({ cert: b.cert, key: b.key });
    replace(a.cert);
    reconnect();
    await assert.rejects(scrape(), /self[- ]signed/i);
    replace(b.cert);
    assert.equal(await scrape(), 'rotated 1\n', 'the new CA is used at the next scrape, no reload');
  } finally {
    c.close();
    srv.closeAllConnections();
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ScrapeClient: gzip decoded, a gzip bomb stops at body_size_limit, unknown encodings and statuses are errors', async () => {
  const page = 'm 1\n'.repeat(1000);
  const srv = http.createServer((req, res) => {
    if (req.url === '/gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(page));
    } else if (req.url === '/bomb') {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(Buffer.alloc(50_000_000)));
    } else if (req.url === '/br') {
      res.setHeader('Content-Encoding', 'br');
      res.end('x');
    } else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const cfg = parseConfig('scrape_configs:\n  - job_name: j\n    body_size_limit: 1MB\n    static_configs: [{targets: [a:1]}]\n', 't.yml').config.scrape_configs[0]!;
  const c = await ScrapeClient.create(cfg);
  try {
    const r = await c.get(`${base}/gzip`, 'text/plain', 10_000, never());
    assert.equal(Buffer.from(r.body).toString(), page);
    r.release();
    await assert.rejects(c.get(`${base}/bomb`, 'text/plain', 10_000, never()), /body size limit exceeded \(1048576 bytes\)/);
    await assert.rejects(c.get(`${base}/br`, 'text/plain', 10_000, never()), /unsupported Content-Encoding "br"/);
    await assert.rejects(c.get(`${base}/missing`, 'text/plain', 10_000, never()), /server returned HTTP status 404 Not Found/);
    const again = await c.get(`${base}/gzip`, 'text/plain', 10_000, never());
    assert.equal(again.body.length, page.length, 'the client still works after the errors');
    again.release();
  } finally {
    c.close();
    srv.closeAllConnections();
    srv.close();
  }
});
