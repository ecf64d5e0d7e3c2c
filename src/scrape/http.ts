import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type ScrapeConfig, TlsSettingsError, nodeTlsOptions, tlsFilePaths, tlsFilesStamp } from '../config/index.js';
import { authorizationHeader } from './auth-header.js';
import { Http1Client, type Http1Response, type Origin, type TlsOptions } from './http1.js';
import { ScrapeError } from './errors.js';
import { acceptHeader } from './protocols.js';

export { ScrapeError };

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


/** What a scrape got: the decompressed body, valid until `release()` (call it exactly once). */
export interface ScrapeResponse {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  readonly release: () => void;
}

/** The statuses Go's http.Client follows for a GET. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Go's http.Client fails the request at the 10th redirect response ("stopped after 10 redirects"). */
const MAX_REDIRECTS = 10;

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
    /** Identity (inode, size, mtime) of the TLS files the client was built from; '' when it uses none. */
    private tlsStamp: string,
    private readonly tlsCheckIntervalMs: number,
  ) {
    this.acceptHeader = acceptHeader(cfg.scrape_protocols);
  }

  /** The Accept header of the job's scrape_protocols. */
  readonly acceptHeader: string;

  /**
   * Reads the TLS files of the config (throws ScrapeError if one is unreadable), whatever the
   * job's scheme, as Prometheus: tls_config also applies to targets relabeled to https and to
   * redirects from http to https. Call `close` when done.
   */
  static async create(cfg: ScrapeConfig, opts: ScrapeClientOptions = {}): Promise<ScrapeClient> {
    const every = opts.tlsCheckIntervalMs ?? TLS_CHECK_INTERVAL_MS;
    const stamp = tlsFilesStamp(cfg.tls_config);
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
      const stamp = tlsFilesStamp(this.cfg.tls_config);
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
   * GETs `url`, following redirects as Go's http.Client does for a GET when follow_redirects
   * is on (see `request`). Aborts on `signal`; fails on a final status other than 200, an
   * unknown Content-Encoding or a body (compressed or not) above body_size_limit.
   */
  async get(url: string, acceptHeader: string, timeoutMs: number, signal: AbortSignal): Promise<ScrapeResponse> {
    const headers = [`Accept: ${acceptHeader}`, `Accept-Encoding: ${this.cfg.enable_compression ? 'gzip' : 'identity'}`, 'User-Agent: Vigie', `X-Prometheus-Scrape-Timeout-Seconds: ${timeoutMs / 1000}`];
    const check = this.maybeReloadTls();
    if (check !== undefined) await check;
    const auth = await authorizationHeader(this.cfg);
    const limit = this.cfg.body_size_limit;
    let res: Http1Response;
    try {
      res = await this.request(url, headers, auth, limit, signal);
    } catch (e) {
      if (e instanceof ScrapeError) throw e;
      if (signal.aborted) throw new ScrapeError(signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? `scrape timed out after ${timeoutMs / 1000}s` : 'scrape aborted', { cause: e });
      throw new ScrapeError(transportMessage(e), { cause: e });
    }
    // As Prometheus' readResponse: anything but 200 fails the scrape (a 204 or 206 too).
    if (res.status !== 200) {
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

  /**
   * The final response of `url`. With follow_redirects, a 301/302/303/307/308 with a Location
   * is followed as Go's http.Client follows it for a GET: the Location is resolved against the
   * current URL (relative ones included), http and https only, at most 9 hops (the 10th
   * redirect fails); every header is sent again, plus Referer (not from https to http), and
   * Authorization only while every hop stays on the first host or a subdomain of it (once
   * off it, never again: prometheus/common's isCrossHostRedirect). A 3xx without Location,
   * or any 3xx without follow_redirects, is the final response. Errors are worded as Go's.
   */
  private async request(url: string, headers: readonly string[], auth: string | undefined, limit: number, signal: AbortSignal): Promise<Http1Response> {
    let current = url;
    let { origin, path } = this.parse(url);
    const firstHost = origin.host.toLowerCase();
    let crossHost = false;
    let referer = '';
    for (let requests = 1; ; requests++) {
      const hop = [...headers];
      if (auth !== undefined && !crossHost) hop.push(`Authorization: ${auth}`);
      if (referer !== '') hop.push(`Referer: ${referer}`);
      const res = await this.http.get(origin, path, hop, limit, signal);
      const loc = res.location;
      if (!this.cfg.follow_redirects || !REDIRECT_STATUSES.has(res.status) || loc === undefined || loc === '') return res;
      res.release();
      let next: URL;
      try {
        next = new URL(loc, current);
      } catch (e) {
        throw new ScrapeError(`Get ${JSON.stringify(current)}: failed to parse Location header ${JSON.stringify(loc)}: not a valid URL`, { cause: e });
      }
      if (requests >= MAX_REDIRECTS) throw new ScrapeError(`Get ${JSON.stringify(loc)}: stopped after ${MAX_REDIRECTS} redirects`);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ScrapeError(`Get ${JSON.stringify(next.href)}: unsupported protocol scheme ${JSON.stringify(next.protocol.slice(0, -1))}`);
      referer = refererFor(new URL(current), next);
      ({ origin, path } = originOf(next));
      if (!isDomainOrSubdomain(origin.host.toLowerCase(), firstHost)) crossHost = true;
      current = next.href;
    }
  }

  private parse(url: string): { origin: Origin; path: string } {
    let p = this.urls.get(url);
    if (p === undefined) {
      p = originOf(new URL(url));
      if (this.urls.size >= 100_000) this.urls.clear();
      this.urls.set(url, p);
    }
    return p;
  }
}

/** Where to connect for `u` (http or https) and the request target. */
export function originOf(u: URL): { origin: Origin; path: string } {
  const secure = u.protocol === 'https:';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { origin: { host, port: u.port === '' ? (secure ? 443 : 80) : Number(u.port), tls: secure }, path: `${u.pathname}${u.search}` };
}

/** Go's refererForURL: the previous URL without credentials; none from https to http. */
function refererFor(last: URL, next: URL): string {
  if (last.protocol === 'https:' && next.protocol === 'http:') return '';
  const r = new URL(last.href);
  r.username = '';
  r.password = '';
  return r.href;
}

/** Go's isDomainOrSubdomain (lower-cased host names; an IPv6 address only equals itself). */
function isDomainOrSubdomain(sub: string, parent: string): boolean {
  if (parent === '') return false;
  if (sub === parent) return true;
  if (/[:%]/.test(sub)) return false;
  return sub.endsWith(parent) && sub[sub.length - parent.length - 1] === '.';
}

/**
 * The TLS options of a job: inline `ca`/`cert`/`key` as written (they never change), the
 * files read now; throws ScrapeError naming an unreadable file or unusable settings.
 */
export async function readTlsOptions(cfg: Pick<ScrapeConfig, 'job_name' | 'tls_config'>): Promise<TlsOptions> {
  const contents = new Map<string, Buffer>();
  await Promise.all(
    tlsFilePaths(cfg.tls_config).map(async (f) => {
      try {
        contents.set(f, await readFile(f));
      } catch (err) {
        throw new ScrapeError(`job ${cfg.job_name}: cannot read TLS file ${f}`, { cause: err });
      }
    }),
  );
  try {
    return nodeTlsOptions(cfg.tls_config, (f) => contents.get(f)!);
  } catch (err) {
    if (err instanceof TlsSettingsError) throw new ScrapeError(`job ${cfg.job_name}: ${err.message}`, { cause: err });
    throw err;
  }
}
