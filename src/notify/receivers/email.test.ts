import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { EmailIntegration, type EmailIntegrationConfig } from './email.js';
import { NotifyError } from './errors.js';
import { sampleNotification } from './sample-notification.test-util.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
  secure: boolean;
  hello: string;
}

/** A self-signed certificate for localhost / 127.0.0.1, made with openssl in `dir`. */
function selfSigned(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

async function startSmtp(opts: Partial<SMTPServerOptions>, users: Record<string, string>): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    ...opts,
    onAuth(auth, _session, cb) {
      if (auth.username !== undefined && users[auth.username] === auth.password) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          hello: session.hostNameAppearsAs,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Splits a raw RFC 5322 message into unfolded headers (lower-case names) and body. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body: raw.slice(sep + 4) };
}

function decodePart(headers: Map<string, string>, body: string): string {
  const enc = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return bytes.toString('utf8');
  }
  return body;
}

/** The text/plain and text/html parts of a multipart/alternative message. */
function parts(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const { headers, body } = parseMessage(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  assert.ok(boundary !== undefined, `multipart message expected, got ${headers.get('content-type')}`);
  const out = { headers, text: '', html: '' };
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const p = parseMessage(chunk.replace(/^\r\n/, ''));
    const type = p.headers.get('content-type') ?? '';
    const content = decodePart(p.headers, p.body.replace(/\r\n$/, '')).replace(/\r\n/g, '\n');
    if (type.startsWith('text/plain')) out.text = content;
    if (type.startsWith('text/html')) out.html = content;
  }
  return out;
}

test('email over STARTTLS with AUTH: subject, recipients, text and escaped HTML parts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-smtp-'));
  const { key, cert, certFile } = selfSigned(dir);
  const smtp = await startSmtp({ key, cert, authOptional: false }, { alice: 's3cret' });
  t.after(async () => (await smtp.close(), rmSync(dir, { recursive: true, force: true })));
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, 's3cret\n');
  const cfg: EmailIntegrationConfig = {
    to: 'ops@example.org, dba@example.org',
    from: 'vigie@example.org',
    hello: 'vigie.example.org',
    smarthost: { host: '127.0.0.1', port: smtp.port },
    auth_username: 'alice',
    auth_password_file: pwFile,
    tls_config: { ca_file: certFile },
    headers: { 'X-Team': 'db', 'X-Templated': '{{ .Status }}' },
  };
  const email = new EmailIntegration(0, cfg, { userAgent: 'Vigie/test' });
  assert.equal(email.sendResolved, false, 'email does not send resolved by default (Alertmanager)');
  await email.send(sampleNotification(), AbortSignal.timeout(30_000));

  assert.equal(smtp.received.length, 1);
  const m = smtp.received[0]!;
  assert.equal(m.secure, true, 'upgraded with STARTTLS');
  assert.equal(m.user, 'alice');
  assert.equal(m.hello, 'vigie.example.org');
  assert.equal(m.from, 'vigie@example.org');
  assert.deepEqual(m.to, ['ops@example.org', 'dba@example.org']);
  const { headers, text, html } = parts(m.raw);
  assert.equal(headers.get('subject'), '[FIRING:1] DiskFull (page)');
  assert.equal(headers.get('to'), 'ops@example.org, dba@example.org');
  assert.equal(headers.get('from'), 'vigie@example.org');
  assert.equal(headers.get('x-team'), 'db');
  assert.equal(headers.get('x-templated'), 'firing', 'headers are rendered as templates');
  assert.match(text, /Alerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = db-1/);
  assert.match(text, /Alerts Resolved:/);
  assert.match(text, / - summary = Disk almost full on db-1 <&>/);
  assert.match(text, /http:\/\/vigie\.example:9400\/alerts\?receiver=team-db/);
  assert.match(html, /Disk almost full on db-1 &lt;&amp;&gt;/, 'alert text is HTML-escaped');
  assert.ok(!html.includes('<&>'));
  assert.match(html, /<a href="http:\/\/vigie\.example:9400\/graph\?g0\.expr=disk_free_ratio\+%3C\+0\.1&amp;g0\.tab=1">Source<\/a>/);
});

test('email errors: wrong password is final (535), untrusted certificate and missing STARTTLS are retryable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-smtp-'));
  const { key, cert, certFile } = selfSigned(dir);
  const smtp = await startSmtp({ key, cert, authOptional: true }, { alice: 's3cret' });
  const plain = await startSmtp({ hideSTARTTLS: true, authOptional: true }, {});
  t.after(async () => (await smtp.close(), await plain.close(), rmSync(dir, { recursive: true, force: true })));
  const base: EmailIntegrationConfig = { to: 'ops@example.org', from: 'vigie@example.org', smarthost: { host: '127.0.0.1', port: smtp.port }, tls_config: { ca_file: certFile } };
  const fail = async (cfg: EmailIntegrationConfig): Promise<NotifyError> => {
    const e = await new EmailIntegration(0, cfg, { userAgent: 'x' }).send(sampleNotification(), AbortSignal.timeout(30_000)).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof NotifyError, `expected a NotifyError, got ${String(e)}`);
    return e;
  };
  const auth = await fail({ ...base, auth_username: 'alice', auth_password: 'wrong' });
  assert.equal(auth.retryable, false);
  assert.equal(auth.status, 535);

  const untrusted = await fail({ ...base, tls_config: {} });
  assert.equal(untrusted.retryable, true);
  assert.match(untrusted.message, /certificate/i);

  const ok = new EmailIntegration(0, { ...base, tls_config: { insecure_skip_verify: true } }, { userAgent: 'x' });
  await ok.send(sampleNotification(), AbortSignal.timeout(30_000));
  assert.equal(smtp.received.length, 1, 'insecure_skip_verify accepts the self-signed certificate');

  const noStartTls = await fail({ ...base, smarthost: { host: '127.0.0.1', port: plain.port } });
  assert.equal(noStartTls.retryable, true);
  assert.equal(plain.received.length, 0, 'require_tls (default) refuses to send in clear');
  await new EmailIntegration(0, { ...base, smarthost: { host: '127.0.0.1', port: plain.port }, require_tls: false }, { userAgent: 'x' }).send(sampleNotification(), AbortSignal.timeout(30_000));
  assert.equal(plain.received.length, 1);
  assert.equal(plain.received[0]?.secure, false);
});
