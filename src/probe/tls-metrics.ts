import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ProbeTLSConfig } from './config-shared.js';
import { ProbeFailure } from './context.js';
import { HELP, type ProbeMetrics } from './result.js';

/** Unix seconds of Go's zero time.Time: what blackbox reports for "no verified chain". */
export const GO_ZERO_TIME_SECONDS = -62135596800;

/** Which TLS metrics a prober emits (the tcp prober has no cipher metric). */
export interface TLSMetricOptions {
  readonly cipher: boolean;
  /** Whether certificates were verified (false with insecure_skip_verify). */
  readonly verified: boolean;
}

const TLS_VERSION_NAMES: Readonly<Record<string, string>> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
const MIN_VERSIONS: Readonly<Record<string, ConnectionOptions['minVersion']>> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/**
 * Node's TLS client options from a Prometheus `tls_config`: CA, client certificate, server
 * name, verification and versions. Reads the files now; throws ProbeFailure when one cannot be read.
 * `defaultServerName` is used when tls_config has none (an IP address gives no SNI, as in Go).
 */
export function tlsOptions(c: ProbeTLSConfig, defaultServerName: string): ConnectionOptions {
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ProbeFailure(`cannot read tls_config ${what} ${JSON.stringify(file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  const opts: ConnectionOptions = { rejectUnauthorized: !c.insecure_skip_verify };
  if (c.ca !== undefined) opts.ca = c.ca;
  else if (c.ca_file !== undefined) opts.ca = read(c.ca_file, 'ca_file');
  if (c.cert !== undefined) opts.cert = c.cert;
  else if (c.cert_file !== undefined) opts.cert = read(c.cert_file, 'cert_file');
  if (c.key !== undefined) opts.key = c.key;
  else if (c.key_file !== undefined) opts.key = read(c.key_file, 'key_file');
  if (c.min_version !== undefined) opts.minVersion = MIN_VERSIONS[c.min_version];
  else opts.minVersion = 'TLSv1.2'; // Go's client default
  if (c.max_version !== undefined) opts.maxVersion = MIN_VERSIONS[c.max_version];
  // The name the certificate is verified against (an IP checks the IP SANs, as Go does); SNI only for a host name.
  const name = c.server_name ?? defaultServerName;
  opts.host = name;
  if (!isIPLiteral(name) && name !== '') opts.servername = name;
  return opts;
}

function isIPLiteral(name: string): boolean {
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

/** The certificates the peer presented, leaf first (Node may complete the chain from the trust store). */
function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert !== undefined && cert.raw !== undefined && Object.keys(cert).length > 0) {
    const fp = cert.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

// Go's pkix.Name.String(): RDNs from the most specific down, standard attributes only in this order.
const GO_NAME_ORDER = ['serialNumber', 'CN', 'OU', 'O', 'postalCode', 'street', 'L', 'ST', 'C'] as const;
const GO_NAME_KEYS: Readonly<Record<string, string>> = { serialNumber: 'SERIALNUMBER', CN: 'CN', OU: 'OU', O: 'O', postalCode: 'POSTALCODE', street: 'STREET', L: 'L', ST: 'ST', C: 'C' };

function escapeDNValue(v: string): string {
  let out = v.replace(/([,+"\\<>;])/g, '\\$1');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * A distinguished name as Go prints it (`CN=example.com,O=Example,C=FR`) from Node's
 * `X509Certificate.subject` lines. Attributes Go does not name (emailAddress...) come last as
 * `key=value`, where Go would print their OID and DER in hex: an approximation.
 */
export function goDistinguishedName(nodeDN: string): string {
  const values = new Map<string, string[]>();
  const others: string[] = [];
  for (const line of nodeDN.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    let value = line.slice(eq + 1);
    if (value.startsWith('"') && value.endsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        // keep as written
      }
    }
    if (GO_NAME_KEYS[key] !== undefined) values.set(key, [...(values.get(key) ?? []), value]);
    else others.push(`${key}=${escapeDNValue(value)}`);
  }
  const rdns: string[] = [];
  for (const key of GO_NAME_ORDER) {
    const vs = values.get(key);
    if (vs !== undefined) rdns.push(vs.map((v) => `${GO_NAME_KEYS[key]}=${escapeDNValue(v)}`).join('+'));
  }
  return [...rdns, ...others.reverse()].join(',');
}

/** DNS names of a certificate's subjectAltName, joined with `,` as blackbox's `subjectalternative`. */
export function dnsSANs(cert: X509Certificate): string {
  const san = cert.subjectAltName;
  if (san === undefined) return '';
  return san
    .split(/,\s*/)
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4))
    .join(',');
}

/** Serial number as lowercase hex of its minimal bytes (two digits per byte), as Go's `%x` of big.Int.Bytes(). */
export function goSerialHex(nodeSerial: string): string {
  let hex = nodeSerial.toLowerCase().replace(/^(00)+/, '');
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return hex;
}

function notAfterSeconds(cert: X509Certificate): number {
  return Math.floor(Date.parse(cert.validTo) / 1000);
}

/**
 * Emits the shared TLS metrics (METRICS.md §4) of a connection that completed its handshake:
 * earliest expiry over the presented chain, last verified chain's expiry (Go's zero time
 * when not verified), leaf information, version and (http only) cipher.
 */
export function recordTLSMetrics(socket: TLSSocket, metrics: ProbeMetrics, opts: TLSMetricOptions): void {
  const chain = peerChain(socket);
  const leaf = chain[0];
  if (leaf !== undefined) {
    metrics.set('probe_ssl_earliest_cert_expiry', HELP.sslEarliest, Math.min(...chain.map(notAfterSeconds)));
    metrics.set('probe_ssl_last_chain_expiry_timestamp_seconds', HELP.sslLastChain, opts.verified && socket.authorized ? Math.min(...chain.map(notAfterSeconds)) : GO_ZERO_TIME_SECONDS);
    metrics.set('probe_ssl_last_chain_info', HELP.sslChainInfo, 1, {
      fingerprint_sha256: createHash('sha256').update(leaf.raw).digest('hex'),
      subject: goDistinguishedName(leaf.subject),
      issuer: goDistinguishedName(leaf.issuer),
      subjectalternative: dnsSANs(leaf),
      serialnumber: goSerialHex(leaf.serialNumber),
    });
  }
  const protocol = socket.getProtocol();
  metrics.set('probe_tls_version_info', HELP.tlsVersion, 1, { version: (protocol !== null ? TLS_VERSION_NAMES[protocol] : undefined) ?? 'unknown' });
  if (opts.cipher) metrics.set('probe_tls_cipher_info', HELP.tlsCipher, 1, { cipher: socket.getCipher().standardName });
}
