import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Logger } from '../common/index.js';
import type { HttpSDConfig } from '../config/index.js';
import { authorizationHeader } from './auth-header.js';
import { originOf, readTlsOptions } from './http.js';
import { Http1Client, type Http1Response, type Origin } from './http1.js';
import { RefreshDiscovery } from './refresh-sd.js';
import { parseTargetGroups, type TargetGroup } from './target.js';

const gunzipAsync = promisify(gunzip);

/**
 * Largest response accepted, before and after gzip decoding (bytes): room for about 150,000
 * targets with a few labels each. Prometheus has no limit.
 */
export const HTTP_SD_MAX_BYTES = 16 * 2 ** 20;
/**
 * Most `{` and `[` bytes a response may hold (counted before parsing, strings included). JSON.parse
 * blocks the event loop for about 0.5 s per million objects, and 16 MiB of `{},` is 5.6 million.
 */
export const HTTP_SD_MAX_STRUCTURES = 1_000_000;

/** Prometheus' check of the Content-Type (discovery/http matchContentType). */
const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

/**
 * Prometheus' http_sd: every refresh_interval, GET the URL (timeout: the refresh interval) with
 * `Accept: application/json` and `X-Prometheus-Refresh-Interval-Seconds`; the answer must be
 * 200, `Content-Type: application/json` and a JSON list of target groups, each of which gets
 * `__meta_url`. Any failure (connection, status, type, size, JSON, a bad group) is logged and
 * the previous targets stay. basic_auth / authorization files and TLS files are read at each
 * refresh, so rotated files take effect at the next one.
 */
export class HttpDiscovery extends RefreshDiscovery {
  private readonly origin: Origin;
  private readonly path: string;

  constructor(
    private readonly cfg: HttpSDConfig,
    /** Names the client in TLS file errors: `<job> http_sd_configs[i]`. */
    private readonly name: string,
    onUpdate: (groups: TargetGroup[]) => void,
    logger: Logger,
    private readonly maxBytes = HTTP_SD_MAX_BYTES,
  ) {
    super('http_sd', cfg.refresh_interval, onUpdate, logger);
    ({ origin: this.origin, path: this.path } = originOf(new URL(cfg.url)));
  }

  protected describe(): Record<string, unknown> {
    return { url: this.cfg.url };
  }

  protected async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const timeout = AbortSignal.timeout(this.cfg.refresh_interval);
    const client = new Http1Client(this.origin.tls ? await readTlsOptions({ job_name: this.name, tls_config: this.cfg.tls_config }) : undefined);
    try {
      const headers = ['Accept: application/json', 'Accept-Encoding: gzip', 'User-Agent: Vigie', `X-Prometheus-Refresh-Interval-Seconds: ${this.cfg.refresh_interval / 1000}`];
      const auth = await this.authHeader();
      if (auth !== undefined) headers.push(`Authorization: ${auth}`);
      let res: Http1Response;
      try {
        res = await client.get(this.origin, this.path, headers, this.maxBytes, AbortSignal.any([signal, timeout]));
      } catch (err) {
        if (timeout.aborted) throw new Error(`no answer within ${this.cfg.refresh_interval / 1000}s (the refresh interval)`, { cause: err });
        if (err instanceof Error && err.message.startsWith('body size limit exceeded')) throw new Error(`response larger than ${this.maxBytes} bytes`, { cause: err });
        throw err;
      }
      let body: Buffer;
      try {
        if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status} ${res.reason}`.trimEnd());
        const ct = (res.contentType ?? '').trim();
        if (!JSON_CONTENT_TYPE.test(ct)) throw new Error(`unsupported content type ${JSON.stringify(res.contentType ?? '')}`);
        body = await this.decode(res);
      } finally {
        res.release();
      }
      if (countStructures(body) > HTTP_SD_MAX_STRUCTURES) throw new Error(`response has more than ${HTTP_SD_MAX_STRUCTURES} JSON objects and lists`);
      let data: unknown;
      try {
        data = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new Error(`invalid JSON: ${(err as Error).message.slice(0, 200)}`, { cause: err });
      }
      return parseTargetGroups(data, { __meta_url: this.cfg.url }, (i) => `${this.cfg.url}:${i}`);
    } finally {
      client.close();
    }
  }

  /** The body, gzip-decoded when so encoded, copied out of the client's buffer. */
  private async decode(res: Http1Response): Promise<Buffer> {
    const enc = (res.contentEncoding ?? '').trim().toLowerCase();
    if (enc === '' || enc === 'identity') return Buffer.from(res.body);
    if (enc !== 'gzip' && enc !== 'x-gzip') throw new Error(`unsupported Content-Encoding ${JSON.stringify(res.contentEncoding)}`);
    try {
      return await gunzipAsync(res.body, { maxOutputLength: this.maxBytes });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`response larger than ${this.maxBytes} bytes once decompressed`, { cause: err });
      throw new Error(`reading the gzip response: ${(err as Error).message}`, { cause: err });
    }
  }

  /** From basic_auth or authorization (files read now), else the URL's user:password, as Go's client. */
  private async authHeader(): Promise<string | undefined> {
    const configured = await authorizationHeader(this.cfg);
    if (configured !== undefined) return configured;
    const u = new URL(this.cfg.url);
    if (u.username !== '' || u.password !== '') return 'Basic ' + Buffer.from(`${percentDecoded(u.username)}:${percentDecoded(u.password)}`).toString('base64');
    return undefined;
  }
}

/** Number of `{` and `[` bytes in `b`. */
function countStructures(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x7b || c === 0x5b) n++;
  }
  return n;
}

/** Percent-decoding that leaves a malformed escape as written. */
function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
