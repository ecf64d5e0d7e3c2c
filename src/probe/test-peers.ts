/**
 * Test peers for the probers' tests (not part of the public face): a self-signed certificate
 * made by the real openssl, and helpers to start loopback servers on port 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProbeModule } from './config.js';
import type { ProbeModule } from './config.js';

export interface TestCertificate {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** notAfter in Unix seconds, as openssl itself prints it. */
  readonly notAfterSeconds: number;
  /** Removes the temporary directory. */
  cleanup(): void;
}

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for localhost / 127.0.0.1, valid `days` days. */
export function makeSelfSignedCert(days: number, commonName = 'localhost'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-probe-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', `/C=FR/O=Vigie Test/CN=${commonName}`, '-addext', 'subjectAltName=DNS:localhost,DNS:vigie.test,IP:127.0.0.1'], { stdio: 'ignore' });
  const endDate = execFileSync('openssl', ['x509', '-enddate', '-noout', '-in', certFile], { encoding: 'utf8' }).trim();
  const notAfterSeconds = Math.floor(Date.parse(endDate.replace(/^notAfter=/, '')) / 1000);
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile), notAfterSeconds, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Listens on 127.0.0.1 port 0 and returns the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      if (a === null || typeof a === 'string') reject(new Error('no port'));
      else resolve(a.port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** A module from its blackbox.yml form (test shorthand). */
export function mod(raw: unknown): ProbeModule {
  return parseProbeModule(raw);
}

/** Options of a probe that nobody aborts, with a generous timeout for a loaded machine. */
export function opts(timeoutMs = 20_000): { signal: AbortSignal; timeoutMs: number } {
  return { signal: new AbortController().signal, timeoutMs };
}
