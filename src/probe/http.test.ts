import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureServer } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { renderProbeExposition, runProbe } from './index.js';
import type { ProbeResult } from './types.js';
import { type TestCertificate, closeServer, hasBinary, listen, makeSelfSignedCert, mod, opts } from './test-peers.js';

function value(r: ProbeResult, name: string, labels: Record<string, string> = {}): number | undefined {
  return r.metrics.find((m) => m.name === name && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;
}
function names(r: ProbeResult): string[] {
  return [...new Set(r.metrics.map((m) => m.name))].sort();
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => {
    res.setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT');
    res.setHeader('X-Frame', 'DENY');
    res.end('hello, world: Download the latest version here');
  },
  '/500': (_req, res) => {
    res.statusCode = 500;
    res.end('boom');
  },
  '/slow': () => {
    // never answers: the probe's timeout must end it
  },
  '/redirect': (_req, res) => {
    res.statusCode = 302;
    res.setHeader('Location', '/redirect2');
    res.end();
  },
  '/redirect2': (_req, res) => {
    res.statusCode = 301;
    res.setHeader('Location', '/ok');
    res.end();
  },
  '/loop': (_req, res) => {
    res.statusCode = 302;
    res.setHeader('Location', '/loop');
    res.end();
  },
  '/echo': (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? '', host: req.headers.host, ua: req.headers['user-agent'], x: req.headers['x-test'] ?? '' })));
  },
  '/huge': (_req, res) => {
    const chunk = Buffer.alloc(1 << 20, 'a');
    let sent = 0;
    const write = (): void => {
      while (sent < 200) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
      res.end();
    };
    write();
  },
  '/gzip': (_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync('compressed content '.repeat(100)));
  },
};

function handler(req: IncomingMessage, res: ServerResponse): void {
  const route = routes[(req.url ?? '/').split('?')[0]!];
  if (route) route(req, res);
  else {
    res.statusCode = 404;
    res.end('not found');
  }
}

describe('http prober against a real loopback server', () => {
  const server = createServer(handler);
  let base = '';
  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => closeServer(server));

  it('succeeds on 200 with every metric of METRICS.md §3 and §5.1', async () => {
    const r = await runProbe(mod({ prober: 'http' }), `${base}/ok`, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(r.failureReason, undefined);
    assert.equal(value(r, 'probe_success'), 1);
    assert.equal(value(r, 'probe_http_status_code'), 200);
    assert.equal(value(r, 'probe_http_content_length'), 46);
    assert.equal(value(r, 'probe_http_uncompressed_body_length'), 46);
    assert.equal(value(r, 'probe_http_version'), 1.1);
    assert.equal(value(r, 'probe_http_ssl'), 0);
    assert.equal(value(r, 'probe_http_redirects'), 0);
    assert.equal(value(r, 'probe_ip_protocol'), 4);
    assert.equal(value(r, 'probe_ip_addr_hash'), 3668918509, 'FNV-1a of the bytes 127 0 0 1');
    assert.equal(value(r, 'probe_http_last_modified_timestamp_seconds'), 1445412480);
    assert.deepEqual(names(r), [
      'probe_dns_lookup_time_seconds', 'probe_duration_seconds', 'probe_failed_due_to_regex', 'probe_http_content_length', 'probe_http_duration_seconds',
      'probe_http_last_modified_timestamp_seconds', 'probe_http_redirects', 'probe_http_ssl', 'probe_http_status_code', 'probe_http_uncompressed_body_length',
      'probe_http_version', 'probe_ip_addr_hash', 'probe_ip_protocol', 'probe_success', 'probe_timeout_seconds',
    ]);
    const phases = r.metrics.filter((m) => m.name === 'probe_http_duration_seconds').map((m) => m.labels.phase).sort();
    assert.deepEqual(phases, ['connect', 'processing', 'resolve', 'tls', 'transfer']);
    assert.equal(value(r, 'probe_http_duration_seconds', { phase: 'tls' }), 0);
    assert.match(renderProbeExposition(r), /^# HELP probe_dns_lookup_time_seconds /);
  });

  it('fails on 500 with the reason, unless 500 is a valid status code', async () => {
    const r = await runProbe(mod({ prober: 'http' }), `${base}/500`, opts());
    assert.equal(r.success, false);
    assert.equal(r.failureReason, 'status code 500 is not 2xx');
    assert.equal(value(r, 'probe_http_status_code'), 500);
    assert.equal(value(r, 'probe_failure_reason', { reason: 'status code 500 is not 2xx' }), 1);
    const ok = await runProbe(mod({ prober: 'http', http: { valid_status_codes: [500] } }), `${base}/500`, opts());
    assert.equal(ok.success, true, ok.failureReason);
  });

  it('gives up on a server that never answers, at the timeout', async () => {
    const r = await runProbe(mod({ prober: 'http' }), `${base}/slow`, opts(500));
    assert.equal(r.success, false);
    assert.equal(r.failureReason, 'probe timed out after 0.5s');
    assert.equal(value(r, 'probe_http_status_code'), 0);
    assert.equal(value(r, 'probe_timeout_seconds'), 0.5);
  });

  it("uses the module's timeout when it is smaller than the caller's", async () => {
    const r = await runProbe(mod({ prober: 'http', timeout: '300ms' }), `${base}/slow`, opts());
    assert.equal(r.failureReason, 'probe timed out after 0.3s');
  });

  it('stops when the caller aborts', async () => {
    const ac = new AbortController();
    const p = runProbe(mod({ prober: 'http' }), `${base}/slow`, { signal: ac.signal, timeoutMs: 60_000 });
    setTimeout(() => ac.abort(), 100);
    const r = await p;
    assert.equal(r.success, false);
    assert.equal(r.failureReason, 'probe aborted');
  });

  it('follows redirects, counting them, and does not when told not to', async () => {
    const r = await runProbe(mod({ prober: 'http' }), `${base}/redirect`, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_http_redirects'), 2);
    assert.equal(value(r, 'probe_http_status_code'), 200);
    for (const config of [{ follow_redirects: false }, { no_follow_redirects: true }]) {
      const n = await runProbe(mod({ prober: 'http', http: config }), `${base}/redirect`, opts());
      assert.equal(n.success, false);
      assert.equal(value(n, 'probe_http_status_code'), 302);
      assert.equal(n.failureReason, 'status code 302 is not 2xx');
    }
    const loop = await runProbe(mod({ prober: 'http' }), `${base}/loop`, opts());
    assert.equal(loop.success, false);
    assert.equal(loop.failureReason, 'stopped after 10 redirects');
  });

  it('applies body and header regexps, setting probe_failed_due_to_regex', async () => {
    const pass = await runProbe(mod({ prober: 'http', http: { fail_if_body_not_matches_regexp: ['Download the latest version here'], fail_if_header_not_matches: [{ header: 'x-frame', regexp: '^DENY$' }] } }), `${base}/ok`, opts());
    assert.equal(pass.success, true, pass.failureReason);
    assert.equal(value(pass, 'probe_failed_due_to_regex'), 0);
    const body = await runProbe(mod({ prober: 'http', http: { fail_if_body_matches_regexp: ['hello, w[o]rld'] } }), `${base}/ok`, opts());
    assert.equal(body.success, false);
    assert.equal(body.failureReason, 'body matched regular expression "hello, w[o]rld"');
    assert.equal(value(body, 'probe_failed_due_to_regex'), 1);
    const header = await runProbe(mod({ prober: 'http', http: { fail_if_header_matches: [{ header: 'X-Frame', regexp: 'DEN' }] } }), `${base}/ok`, opts());
    assert.equal(header.failureReason, 'header X-Frame matched regular expression "DEN"');
    assert.equal(value(header, 'probe_failed_due_to_regex'), 1);
    const missing = await runProbe(mod({ prober: 'http', http: { fail_if_header_not_matches: [{ header: 'X-Missing', regexp: '.' }] } }), `${base}/ok`, opts());
    assert.equal(missing.failureReason, 'missing required header X-Missing');
  });

  it('sends method, body, headers, basic auth and bearer tokens', async () => {
    // The body is not read unless a regexp asks for it, so ask: the echo must show what was sent.
    const basic = await runProbe(
      mod({ prober: 'http', http: { method: 'POST', body: '{"a":1}', headers: { 'X-Test': 'yes', Host: 'vhost.example' }, basic_auth: { username: 'u', password: 'p' }, fail_if_body_not_matches_regexp: ['"method":"POST","body":"\\{\\\\"a\\\\":1\\}","auth":"Basic dTpw","host":"vhost.example","ua":"Vigie-Blackbox-Prober","x":"yes"'] } }),
      `${base}/echo`,
      opts(),
    );
    assert.equal(basic.success, true, basic.failureReason);
    const bearer = await runProbe(mod({ prober: 'http', http: { bearer_token: 'tok', fail_if_body_not_matches_regexp: ['"auth":"Bearer tok"'] } }), `${base}/echo`, opts());
    assert.equal(bearer.success, true, bearer.failureReason);
  });

  it('stops reading past body_size_limit and survives a huge body without it', async () => {
    const limited = await runProbe(mod({ prober: 'http', http: { body_size_limit: '1MB' } }), `${base}/huge`, opts());
    assert.equal(limited.success, false);
    assert.equal(limited.failureReason, 'body is larger than body_size_limit (1048576 bytes)');
    assert.equal(value(limited, 'probe_http_uncompressed_body_length'), 1048576);
    const whole = await runProbe(mod({ prober: 'http' }), `${base}/huge`, opts(60_000));
    assert.equal(whole.success, true, whole.failureReason);
    assert.equal(value(whole, 'probe_http_uncompressed_body_length'), 200 * 2 ** 20);
  });

  it('decompresses with compression: gzip and counts the uncompressed bytes', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { compression: 'gzip', fail_if_body_not_matches_regexp: ['^(compressed content )+$'] } }), `${base}/gzip`, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_http_uncompressed_body_length'), 1900);
  });

  it('checks fail_if_not_ssl and valid_http_versions', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { fail_if_not_ssl: true } }), `${base}/ok`, opts());
    assert.equal(r.failureReason, 'final request was not over TLS (fail_if_not_ssl)');
    const v = await runProbe(mod({ prober: 'http', http: { valid_http_versions: ['HTTP/2.0'] } }), `${base}/ok`, opts());
    assert.equal(v.failureReason, 'HTTP version HTTP/1.1 is not in valid_http_versions [HTTP/2.0]');
  });

  it('reports hostile targets and refused connections without throwing', async () => {
    const bad = await runProbe(mod({ prober: 'http' }), 'http://[::1', opts());
    assert.equal(bad.success, false);
    assert.match(bad.failureReason ?? '', /^invalid target URL/);
    const noHost = await runProbe(mod({ prober: 'http' }), 'no-such-host.invalid', opts());
    assert.equal(noHost.success, false);
    assert.match(noHost.failureReason ?? '', /^cannot resolve "no-such-host\.invalid"/);
    assert.equal(value(noHost, 'probe_ip_protocol'), 0);
    const closed = createServer();
    const port = await listen(closed);
    await closeServer(closed);
    const refused = await runProbe(mod({ prober: 'http' }), `127.0.0.1:${port}`, opts());
    assert.equal(refused.failureReason, `dial tcp 127.0.0.1:${port}: connection refused`);
    assert.equal(value(refused, 'probe_http_status_code'), 0);
  });

  it('fails cleanly on a server that sends garbage instead of HTTP', async () => {
    const garbage = createNetServer((s) => {
      s.resume();
      s.end('\x00\x01 this is not http\r\n\r\n');
    });
    const port = await listen(garbage);
    try {
      const r = await runProbe(mod({ prober: 'http' }), `127.0.0.1:${port}`, opts());
      assert.equal(r.success, false);
      assert.match(r.failureReason ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/: /);
    } finally {
      await closeServer(garbage);
    }
  });

  it('says which probers and options are not supported', async () => {
    const grpc = await runProbe(mod({ prober: 'grpc' }), '127.0.0.1:1', opts());
    assert.equal(grpc.failureReason, 'prober grpc is not supported by Vigie yet');
    const h3 = await runProbe(mod({ prober: 'http', http: { enable_http3: true, enable_http2: false } }), `${base}/ok`, opts());
    assert.equal(h3.failureReason, 'HTTP/3 is not supported by Vigie yet');
  });
});

describe('http prober over TLS with a self-signed certificate', { skip: hasBinary('openssl') ? false : 'LOUD: openssl is not installed, cannot make a test certificate' }, () => {
  let cert: TestCertificate;
  let server: ReturnType<typeof createHttpsServer>;
  let base = '';
  before(async () => {
    cert = makeSelfSignedCert(42);
    server = createHttpsServer({ cert: cert.cert, key: cert.key }, handler);
    base = `https://localhost:${await listen(server)}`;
  });
  after(async () => {
    await closeServer(server);
    cert.cleanup();
  });

  it('fails verification by default, naming the reason', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4' } }), `${base}/ok`, opts());
    assert.equal(r.success, false);
    assert.match(r.failureReason ?? '', /^TLS handshake failed: self[- ]signed certificate/);
  });

  it('with insecure_skip_verify reports the expiry the test knows and Go zero time for the chain', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', tls_config: { insecure_skip_verify: true } } }), `${base}/ok`, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_http_ssl'), 1);
    assert.equal(value(r, 'probe_ssl_earliest_cert_expiry'), cert.notAfterSeconds);
    assert.equal(value(r, 'probe_ssl_last_chain_expiry_timestamp_seconds'), -62135596800);
    const info = r.metrics.find((m) => m.name === 'probe_ssl_last_chain_info');
    assert.ok(info);
    assert.equal(info.labels.subject, 'CN=localhost,O=Vigie Test,C=FR');
    assert.equal(info.labels.issuer, 'CN=localhost,O=Vigie Test,C=FR');
    assert.equal(info.labels.subjectalternative, 'localhost,vigie.test');
    assert.match(info.labels.fingerprint_sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.match(info.labels.serialnumber ?? '', /^([0-9a-f]{2})+$/);
    const version = r.metrics.find((m) => m.name === 'probe_tls_version_info');
    assert.equal(version?.labels.version, 'TLS 1.3');
    assert.equal(r.metrics.find((m) => m.name === 'probe_tls_cipher_info')?.labels.cipher, 'TLS_AES_256_GCM_SHA384');
    assert.match(renderProbeExposition(r), /\nprobe_ssl_last_chain_expiry_timestamp_seconds -6\.21355968e\+10\n/);
  });

  it('verifies against ca_file and then reports the verified chain expiry', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', tls_config: { ca_file: cert.certFile } } }), `${base}/ok`, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_ssl_last_chain_expiry_timestamp_seconds'), cert.notAfterSeconds);
    const wrongName = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', tls_config: { ca_file: cert.certFile, server_name: 'other.example' } } }), `${base}/ok`, opts());
    assert.equal(wrongName.success, false);
    assert.match(wrongName.failureReason ?? '', /TLS handshake failed: .*other\.example/);
  });

  it('speaks HTTP/2 when the server offers it (ALPN), HTTP/1.1 with enable_http2: false', async () => {
    const h2 = createSecureServer({ cert: cert.cert, key: cert.key, allowHTTP1: true }, (req, res) => {
      res.setHeader('x-proto', req.httpVersion);
      res.end('over h2');
    });
    const port = await listen(h2);
    try {
      const tls = { insecure_skip_verify: true };
      const r = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', tls_config: tls, valid_http_versions: ['HTTP/2.0'], fail_if_header_not_matches: [{ header: 'X-Proto', regexp: '^2\\.0$' }], fail_if_body_not_matches_regexp: ['^over h2$'] } }), `https://localhost:${port}/`, opts());
      assert.equal(r.success, true, r.failureReason);
      assert.equal(value(r, 'probe_http_version'), 2);
      assert.equal(value(r, 'probe_http_uncompressed_body_length'), 7);
      const h1 = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', tls_config: tls, enable_http2: false } }), `https://localhost:${port}/`, opts());
      assert.equal(h1.success, true, h1.failureReason);
      assert.equal(value(h1, 'probe_http_version'), 1.1);
    } finally {
      await closeServer(h2);
    }
  });

  it('fails with fail_if_ssl', async () => {
    const r = await runProbe(mod({ prober: 'http', http: { preferred_ip_protocol: 'ip4', fail_if_ssl: true, tls_config: { insecure_skip_verify: true } } }), `${base}/ok`, opts());
    assert.equal(r.failureReason, 'final request was over TLS (fail_if_ssl)');
  });
});
