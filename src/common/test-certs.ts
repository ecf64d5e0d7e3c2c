// Test support (no production code uses it): certificates made by the real openssl, so TLS
// tests talk to real handshakes instead of fixtures that expire.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The `skip` option of TLS tests: false when the real openssl can run, else the loud reason. */
export function opensslMissing(): false | string {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'SKIP: openssl is not installed (make test installs it)';
  }
}

/**
 * A self-signed P-256 certificate made by the real openssl, written as `<name>.crt` /
 * `<name>.key` in `dir` (the caller removes `dir`). `san` e.g. `DNS:localhost,IP:127.0.0.1`.
 */
export function selfSigned(dir: string, name: string, cn: string, san?: string): { cert: Buffer; key: Buffer; certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${cn}`];
  if (san !== undefined) args.push('-addext', `subjectAltName=${san}`);
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
}
