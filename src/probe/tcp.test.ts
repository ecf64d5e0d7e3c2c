import assert from 'node:assert/strict';
import { type Socket, createServer } from 'node:net';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PROBE_MODULES, runProbe } from './index.js';
import { expandTemplate } from './tcp.js';
import { type TestCertificate, closeServer, hasBinary, listen, makeSelfSignedCert, mod, opts } from './test-peers.js';
import type { ProbeResult } from './types.js';

function value(r: ProbeResult, name: string): number | undefined {
  return r.metrics.find((m) => m.name === name)?.value;
}

/** A loopback TCP server running `talk` for each connection; tracks sockets so close() is prompt. */
async function tcpServer(talk: (s: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    talk(s);
  });
  const port = await listen(server);
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

describe('tcp prober against real loopback servers', () => {
  const ssh = DEFAULT_PROBE_MODULES.ssh_banner!;

  it('passes ssh_banner on an SSH banner and sends its own banner back', async () => {
    let received = '';
    const srv = await tcpServer((s) => {
      s.on('data', (d: Buffer) => (received += d.toString()));
      s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    });
    try {
      const r = await runProbe(ssh, `127.0.0.1:${srv.port}`, opts());
      assert.equal(r.success, true, r.failureReason);
      assert.equal(value(r, 'probe_failed_due_to_regex'), 0);
      assert.equal(value(r, 'probe_ip_protocol'), 4);
      assert.equal(r.metrics.some((m) => m.name.startsWith('probe_ssl')), false);
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(received, 'SSH-2.0-vigie-ssh-check\n');
    } finally {
      await srv.close();
    }
  });

  it('fails ssh_banner on a server that sends garbage, with the reason', async () => {
    const srv = await tcpServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff garbage\r\n'));
    try {
      const r = await runProbe(ssh, `127.0.0.1:${srv.port}`, opts());
      assert.equal(r.success, false);
      assert.equal(r.failureReason, 'expected a line matching "^SSH-2.0-" (step 1), the connection closed without one');
      assert.equal(value(r, 'probe_failed_due_to_regex'), 1);
      assert.ok(r.metrics.some((m) => m.name === 'probe_failure_reason' && m.labels.reason === r.failureReason));
    } finally {
      await srv.close();
    }
  });

  it('times out on a server that never speaks', async () => {
    const srv = await tcpServer(() => undefined);
    try {
      const r = await runProbe(ssh, `127.0.0.1:${srv.port}`, opts(400));
      assert.equal(r.failureReason, 'probe timed out after 0.4s');
    } finally {
      await srv.close();
    }
  });

  it('expands captures into send and labels (probe_expect_info), and checks expect_bytes', async () => {
    let received = '';
    const srv = await tcpServer((s) => {
      s.on('data', (d: Buffer) => {
        received += d.toString();
        if (received.endsWith('PONG abc123\n')) s.write('Sxyz');
      });
      s.write('NOTICE hello\nPING :abc123\n');
    });
    try {
      const m = mod({
        prober: 'tcp',
        tcp: { query_response: [{ expect: 'PING :(?P<token>[^ ]+)', send: 'PONG ${token}', labels: [{ name: 'token', value: 'got ${1}' }] }, { expect_bytes: 'S' }] },
      });
      const r = await runProbe(m, `127.0.0.1:${srv.port}`, opts());
      assert.equal(r.success, true, r.failureReason);
      assert.deepEqual(r.metrics.find((x) => x.name === 'probe_expect_info')?.labels, { token: 'got abc123' });
      assert.equal(value(r, 'probe_failed_due_to_bytes'), 0);
      const wrong = await runProbe(mod({ prober: 'tcp', tcp: { query_response: [{ expect: 'PING' , send: 'PONG abc123' }, { expect_bytes: 'N' }] } }), `127.0.0.1:${srv.port}`, opts());
      assert.equal(wrong.success, false);
      assert.equal(value(wrong, 'probe_failed_due_to_bytes'), 1);
      assert.equal(wrong.failureReason, 'bytes "S" did not match the expected "N" (step 2)');
    } finally {
      await srv.close();
    }
  });

  it('fails on a line longer than 64 KiB (hostile peer) instead of buffering without end', async () => {
    const srv = await tcpServer((s) => s.write(Buffer.alloc(200 * 1024, 'x')));
    try {
      const r = await runProbe(ssh, `127.0.0.1:${srv.port}`, opts());
      assert.equal(r.failureReason, 'line longer than 65536 bytes');
    } finally {
      await srv.close();
    }
  });

  it('rejects targets without a port and unbracketed IPv6', async () => {
    const noPort = await runProbe(ssh, '127.0.0.1', opts());
    assert.equal(noPort.failureReason, 'target "127.0.0.1" has no port (write host:port)');
    const v6 = await runProbe(ssh, '::1:22', opts());
    assert.match(v6.failureReason ?? '', /must be written in brackets/);
    const badPort = await runProbe(ssh, 'localhost:99999', opts());
    assert.match(badPort.failureReason ?? '', /invalid port "99999"/);
  });

  it('expands Go templates like regexp.Expand', () => {
    const m = /(?<a>x)(y)/.exec('xy')!;
    assert.equal(expandTemplate('$1-${2}-$a-${a}-$$-${9}', m), 'x-y-x-x-$-');
  });
});

describe('tcp prober with TLS and STARTTLS', { skip: hasBinary('openssl') ? false : 'LOUD: openssl is not installed, cannot make a test certificate' }, () => {
  let cert: TestCertificate;
  before(() => {
    cert = makeSelfSignedCert(10);
  });
  after(() => cert.cleanup());

  it('upgrades with starttls (SMTP-like) and reports the certificate, without a cipher metric', async () => {
    const srv = await tcpServer((s) => {
      s.write('220 mail.vigie.test ESMTP\r\n');
      let buf = '';
      const onData = (d: Buffer): void => {
        buf += d.toString();
        if (buf.includes('EHLO prober\r\n') && !buf.includes('STARTTLS')) s.write('250-mail.vigie.test\r\n250-STARTTLS\r\n250 OK\r\n');
        if (buf.includes('STARTTLS\r\n')) {
          s.off('data', onData);
          s.write('220 go ahead\r\n', () => {
            const tls = new TLSSocket(s, { isServer: true, cert: cert.cert, key: cert.key });
            tls.on('error', () => undefined);
            let inner = '';
            tls.on('data', (x: Buffer) => {
              inner += x.toString();
              if (inner.includes('EHLO prober\r\n')) {
                inner = '';
                tls.write('250-mail.vigie.test\r\n250 AUTH PLAIN\r\n');
              }
            });
          });
        }
      };
      s.on('data', onData);
    });
    try {
      const m = mod({ prober: 'tcp', tcp: { ...DEFAULT_PROBE_MODULES.smtp_starttls!.tcp, tls_config: { insecure_skip_verify: true } } });
      const r = await runProbe(m, `127.0.0.1:${srv.port}`, opts());
      assert.equal(r.success, true, r.failureReason);
      assert.equal(value(r, 'probe_ssl_earliest_cert_expiry'), cert.notAfterSeconds);
      assert.equal(value(r, 'probe_ssl_last_chain_expiry_timestamp_seconds'), -62135596800);
      assert.equal(r.metrics.find((x) => x.name === 'probe_tls_version_info')?.labels.version, 'TLS 1.3');
      assert.equal(r.metrics.some((x) => x.name === 'probe_tls_cipher_info'), false);
    } finally {
      await srv.close();
    }
  });
});
