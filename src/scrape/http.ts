import { readFile, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { VigieError } from '../common/index.js';
import type { ScrapeConfig } from '../config/index.js';
import { Http1Client, type Http1Response, type Origin, type TlsOptions } from './http1.js';

const gunzipAsync = promisify(gunzip);
const noop = (): void => undefined;

/**
 * The message of a failed request. An OpenSSL error (an alert from the server, e.g. a
 * client certificate it requires) reads `<addr>:error:<code>:SSL routines:<fn>:<reason>:<file>:<line>:…`:
 * cut to its reason.
 */
function transportMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const ssl = (e.cause instanceof Error ? e.cause : e) as Error & { library?: unknown; reason?: unknown };
  if (ssl.library === 'SSL routines' && typeof ssl.reason === 'string' && ssl.reason !== '') return `TLS error: ${ssl.reason}`;
  return e.message.trimEnd();
}

/** A scrape request failed: connection, HTTP status, timeout, size limit, decoding. */
export class ScrapeError extends VigieError {
  override name = 'ScrapeError';
}

/** What a scrape got: the decompressed body, valid until `release()` (call it exactly once). */
export interface ScrapeResponse {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  readonly release: () => void;
}

/** Default of `ScrapeClientOptions.tlsCheckIntervalMs`. */
const TLS_CHECK_INTERVAL_MS = 10_000;

export interface ScrapeClientOptions {
  /** How often (ms) the TLS files are checked for a change (rotated certificates); default 10 s. */
  readonly tlsCheckIntervalMs?: number;
}

/** Connection settings shared by the targets of one job (keep-alive connections, TLS, auth). */
export class ScrapeClient {
  /** Parsed target URLs (the same few thousand strings every interval). */
  private readonly urls = new Map<string, { origin: Origin; path: string }>();
  /** performance.now() of the last TLS file check. */
  private tlsCheckedAt = performance.now();
  private tlsCheck: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly cfg: ScrapeConfig,
    private http: Http1Client,
    /** Identity (inode, size, mtime) of the TLS files the client was built from; '' for http. */
    private tlsStamp: string,
    private readonly tlsCheckIntervalMs: number,
  ) {}

  /** Reads the TLS files of the config (throws ScrapeError if one is unreadable). Call `close` when done. */
  static async create(cfg: ScrapeConfig, opts: ScrapeClientOptions = {}): Promise<ScrapeClient> {
    const every = opts.tlsCheckIntervalMs ?? TLS_CHECK_INTERVAL_MS;
    if (cfg.scheme === 'http') return new ScrapeClient(cfg, new Http1Client(), '', every);
    const stamp = await tlsFilesStamp(cfg);
    return new ScrapeClient(cfg, new Http1Client(await readTlsOptions(cfg)), stamp, every);
  }

  close(): void {
    this.closed = true;
    this.http.close();
  }

  /**
   * Rotated certificates take effect without a reload, as in Prometheus: every
   * `tlsCheckIntervalMs` the files are stat'ed; when one changed, new connections use the
   * new files (idle ones are closed, requests in flight finish on theirs). A file that cannot
   * be read mid-rotation keeps the previous settings until the next check. Returns the check
   * when one is due or running (the scrape waits for it: a stat, rarely a read).
   */
  private maybeReloadTls(): Promise<void> | undefined {
    if (this.tlsStamp === '') return undefined;
    if (this.tlsCheck !== undefined) return this.tlsCheck;
    if (performance.now() - this.tlsCheckedAt < this.tlsCheckIntervalMs) return undefined;
    this.tlsCheckedAt = performance.now();
    this.tlsCheck = (async () => {
      const stamp = await tlsFilesStamp(this.cfg);
      if (stamp === this.tlsStamp) return;
      const opts = await readTlsOptions(this.cfg);
      if (this.closed) return;
      const old = this.http;
      this.http = new Http1Client(opts);
      this.tlsStamp = stamp;
      old.close();
    })()
      .catch(() => undefined)
      .finally(() => (this.tlsCheck = undefined));
    return this.tlsCheck;
  }

  /**
   * GETs `url`. Aborts on `signal`; fails on a non-2xx status, an unknown Content-Encoding
   * or a body (compressed or not) above body_size_limit.
   */
  async get(url: string, acceptHeader: string, timeoutMs: number, signal: AbortSignal): Promise<ScrapeResponse> {
    const headers = [`Accept: ${acceptHeader}`, 'Accept-Encoding: gzip', 'User-Agent: Vigie', `X-Prometheus-Scrape-Timeout-Seconds: ${timeoutMs / 1000}`];
    const check = this.maybeReloadTls();
    if (check !== undefined) await check;
    const auth = await this.authHeader();
    if (auth !== undefined) headers.push(`Authorization: ${auth}`);
    const { origin, path } = this.parse(url);
    const limit = this.cfg.body_size_limit;
    let res: Http1Response;
    try {
      res = await this.http.get(origin, path, headers, limit, signal);
    } catch (e) {
      if (signal.aborted) throw new ScrapeError(signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? `scrape timed out after ${timeoutMs / 1000}s` : 'scrape aborted', { cause: e });
      throw new ScrapeError(transportMessage(e), { cause: e });
    }
    if (res.status < 200 || res.status > 299) {
      res.release();
      throw new ScrapeError(`server returned HTTP status ${res.status} ${res.reason}`.trimEnd());
    }
    const enc = (res.contentEncoding ?? '').trim().toLowerCase();
    if (enc === '' || enc === 'identity') return { body: res.body, contentType: res.contentType, release: res.release };
    if (enc !== 'gzip' && enc !== 'x-gzip') {
      res.release();
      throw new ScrapeError(`unsupported Content-Encoding ${JSON.stringify(res.contentEncoding)}`);
    }
    try {
      const body = await gunzipAsync(res.body, limit > 0 ? { maxOutputLength: limit } : {});
      return { body, contentType: res.contentType, release: noop };
    } catch (e) {
      const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ScrapeError(tooBig ? `body size limit exceeded (${limit} bytes)` : `reading the response: ${(e as Error).message}`, { cause: e });
    } finally {
      res.release();
    }
  }

  private parse(url: string): { origin: Origin; path: string } {
    let p = this.urls.get(url);
    if (p === undefined) {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
      p = { origin: { host, port: u.port === '' ? (secure ? 443 : 80) : Number(u.port), tls: secure }, path: `${u.pathname}${u.search}` };
      if (this.urls.size >= 100_000) this.urls.clear();
      this.urls.set(url, p);
    }
    return p;
  }

  /** Authorization header from basic_auth or authorization; files are re-read on each scrape. */
  private async authHeader(): Promise<string | undefined> {
    const read = async (f: string): Promise<string> => {
      try {
        return (await readFile(f, 'utf8')).trim();
      } catch (err) {
        throw new ScrapeError(`cannot read credentials file ${f}`, { cause: err });
      }
    };
    const b = this.cfg.basic_auth;
    if (b !== undefined) {
      const pw = b.password_file !== undefined ? await read(b.password_file) : (b.password ?? '');
      return 'Basic ' + Buffer.from(`${b.username}:${pw}`).toString('base64');
    }
    const a = this.cfg.authorization;
    if (a !== undefined) {
      const cred = a.credentials_file !== undefined ? await read(a.credentials_file) : (a.credentials ?? '');
      return `${a.type} ${cred}`;
    }
    return undefined;
  }
}

function tlsFiles(cfg: ScrapeConfig): string[] {
  const t = cfg.tls_config;
  return [t.ca_file, t.cert_file, t.key_file].filter((f): f is string => f !== undefined);
}

/** Identity of the job's TLS files: inode, size and mtime of each (a missing one is marked). */
async function tlsFilesStamp(cfg: ScrapeConfig): Promise<string> {
  const parts = await Promise.all(
    tlsFiles(cfg).map(async (f) => {
      try {
        const st = await stat(f, { bigint: true });
        return `${st.ino}:${st.size}:${st.mtimeNs}`;
      } catch {
        return 'missing';
      }
    }),
  );
  return parts.join('|') || 'none';
}

/** The TLS options of a job, its files read now; throws ScrapeError naming an unreadable file. */
export async function readTlsOptions(cfg: Pick<ScrapeConfig, 'job_name' | 'tls_config'>): Promise<TlsOptions> {
  const t = cfg.tls_config;
  const read = async (f: string | undefined): Promise<Buffer | undefined> => {
    if (f === undefined) return undefined;
    try {
      return await readFile(f);
    } catch (err) {
      throw new ScrapeError(`job ${cfg.job_name}: cannot read TLS file ${f}`, { cause: err });
    }
  };
  const [ca, cert, key] = await Promise.all([read(t.ca_file), read(t.cert_file), read(t.key_file)]);
  const opts: { -readonly [K in keyof TlsOptions]: TlsOptions[K] } = { rejectUnauthorized: !t.insecure_skip_verify };
  if (ca !== undefined) opts.ca = ca;
  if (cert !== undefined) opts.cert = cert;
  if (key !== undefined) opts.key = key;
  if (t.server_name !== undefined) opts.servername = t.server_name;
  try {
    // Fails here, naming the job, rather than at each connection: a bad PEM, a key that does not
    // match. Node ignores a CA file without a valid certificate; Prometheus refuses it.
    if (ca !== undefined) checkCertificates(ca);
    createSecureContext({ ...opts });
  } catch (err) {
    throw new ScrapeError(`job ${cfg.job_name}: invalid TLS files (${[t.ca_file, t.cert_file, t.key_file].filter((f) => f !== undefined).join(', ')}): ${(err as Error).message}`, { cause: err });
  }
  return opts;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Throws unless `pem` holds at least one certificate and every certificate in it parses. */
function checkCertificates(pem: Buffer): void {
  const blocks = pem.toString('latin1').match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in the CA file');
  for (const b of blocks) new X509Certificate(b);
}
