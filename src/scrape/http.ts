import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { VigieError } from '../common/index.js';
import type { ScrapeConfig } from '../config/index.js';

/** A scrape request failed: connection, HTTP status, timeout, size limit, decoding. */
export class ScrapeError extends VigieError {
  override name = 'ScrapeError';
}

/** Connection settings shared by the targets of one job (keep-alive agents, TLS, auth). */
export class ScrapeClient {
  private readonly agent: http.Agent | https.Agent;

  private constructor(
    private readonly cfg: ScrapeConfig,
    agent: http.Agent | https.Agent,
  ) {
    this.agent = agent;
  }

  /** Reads the TLS files of the config (throws ScrapeError if one is unreadable). Call `close` when done. */
  static async create(cfg: ScrapeConfig): Promise<ScrapeClient> {
    if (cfg.scheme === 'http') return new ScrapeClient(cfg, new http.Agent({ keepAlive: true, maxSockets: 4 }));
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
    const opts: https.AgentOptions = { keepAlive: true, maxSockets: 4, rejectUnauthorized: !t.insecure_skip_verify };
    if (ca !== undefined) opts.ca = ca;
    if (cert !== undefined) opts.cert = cert;
    if (key !== undefined) opts.key = key;
    if (t.server_name !== undefined) opts.servername = t.server_name;
    return new ScrapeClient(cfg, new https.Agent(opts));
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * GETs `url` and returns the (decompressed) body and its Content-Type.
   * Aborts on `signal`; fails on a non-2xx status or a body above body_size_limit.
   */
  async get(url: string, acceptHeader: string, timeoutMs: number, signal: AbortSignal): Promise<{ body: Buffer; contentType: string | undefined }> {
    const headers: Record<string, string> = {
      Accept: acceptHeader,
      'Accept-Encoding': 'gzip',
      'User-Agent': 'Vigie',
      'X-Prometheus-Scrape-Timeout-Seconds': String(timeoutMs / 1000),
    };
    const auth = await this.authHeader();
    if (auth !== undefined) headers.Authorization = auth;
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const limit = this.cfg.body_size_limit;
    return new Promise((resolve, reject) => {
      const req = mod.request(u, { method: 'GET', headers, agent: this.agent, signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          res.resume();
          reject(new ScrapeError(`server returned HTTP status ${status} ${res.statusMessage ?? ''}`.trimEnd()));
          return;
        }
        let stream: Readable = res;
        if ((res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
          const gunzip = createGunzip();
          res.pipe(gunzip);
          res.on('error', (e) => gunzip.destroy(e));
          stream = gunzip;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (limit > 0 && size > limit) {
            req.destroy();
            stream.destroy();
            reject(new ScrapeError(`body size limit exceeded (${limit} bytes)`));
            return;
          }
          chunks.push(c);
        });
        stream.on('error', (e) => reject(new ScrapeError(`reading the response: ${e.message}`, { cause: e })));
        stream.on('end', () => {
          resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), contentType: res.headers['content-type'] });
        });
      });
      req.on('error', (e) => {
        if (signal.aborted) reject(new ScrapeError(signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? `scrape timed out after ${timeoutMs / 1000}s` : 'scrape aborted', { cause: e }));
        else reject(new ScrapeError(e.message, { cause: e }));
      });
      req.end();
    });
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
