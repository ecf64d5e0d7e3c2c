import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { VigieError } from '../common/index.js';
import type { TLSConfig, TLSVersion } from './types.js';

// What a tls_config means for a Node TLS client, shared by every client built from the config
// (scrape jobs, http_sd, remote write): which PEM to use, the checks Prometheus makes, and the
// identity of the files, to notice rotated certificates.

/** Node's options for a tls_config (assignable to tls.connect's and https.Agent's). */
export interface NodeTlsOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
}

/** A tls_config whose PEM does not make a usable TLS context (the message says which part). */
export class TlsSettingsError extends VigieError {
  override name = 'TlsSettingsError';
}

const NODE_TLS_VERSIONS: Readonly<Record<TLSVersion, SecureVersion>> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const given = (s: string | undefined): s is string => s !== undefined && s !== '';

/** The files of `t` that are used (an inline value wins over its file). */
export function tlsFilePaths(t: TLSConfig): string[] {
  const files: string[] = [];
  if (!given(t.ca) && given(t.ca_file)) files.push(t.ca_file);
  if (!given(t.cert) && given(t.cert_file)) files.push(t.cert_file);
  if (!given(t.key) && given(t.key_file)) files.push(t.key_file);
  return files;
}

/**
 * Identity of the TLS files of `t` (inode, size and mtime of each; a missing one is marked):
 * a rotated certificate changes it. '' when `t` uses no file (inline PEM never changes).
 */
export function tlsFilesStamp(t: TLSConfig): string {
  return tlsFilePaths(t)
    .map((f) => {
      try {
        const st = statSync(f, { bigint: true });
        return `${st.ino}:${st.size}:${st.mtimeNs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

/**
 * Node's TLS options for `t`: inline `ca`/`cert`/`key` as written, else the files' contents
 * as `read` returns them (it may throw, e.g. for an unreadable file: that error passes
 * through). Checked now rather than at each connection, throwing TlsSettingsError: a CA
 * without a valid certificate (Node would ignore it, Prometheus refuses it), a bad PEM, a key
 * that does not match its certificate.
 */
export function nodeTlsOptions(t: TLSConfig, read: (file: string) => Buffer): NodeTlsOptions {
  const pem = (inline: string | undefined, file: string | undefined): Buffer | undefined => (given(inline) ? Buffer.from(inline) : given(file) ? read(file) : undefined);
  const ca = pem(t.ca, t.ca_file);
  const cert = pem(t.cert, t.cert_file);
  const key = pem(t.key, t.key_file);
  const opts: NodeTlsOptions = {
    rejectUnauthorized: !t.insecure_skip_verify,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(t.server_name !== undefined ? { servername: t.server_name } : {}),
    ...(t.min_version !== undefined ? { minVersion: NODE_TLS_VERSIONS[t.min_version] } : {}),
    ...(t.max_version !== undefined ? { maxVersion: NODE_TLS_VERSIONS[t.max_version] } : {}),
  };
  try {
    if (ca !== undefined) {
      const blocks = ca.toString('latin1').match(PEM_CERT) ?? [];
      if (blocks.length === 0) throw new Error(`no PEM certificate in ${given(t.ca) ? 'tls_config.ca' : 'the CA file'}`);
      for (const b of blocks) new X509Certificate(b);
    }
    createSecureContext({ ...opts });
  } catch (err) {
    const what = [given(t.ca) ? 'ca' : t.ca_file, given(t.cert) ? 'cert' : t.cert_file, given(t.key) ? 'key' : t.key_file].filter(given);
    const inline = [t.ca, t.cert, t.key].some(given);
    throw new TlsSettingsError(`invalid TLS ${inline ? 'settings' : 'files'} (${what.join(', ')}): ${(err as Error).message}`, { cause: err });
  }
  return opts;
}
