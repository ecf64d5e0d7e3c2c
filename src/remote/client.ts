import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type RemoteWriteConfig, type TLSConfig, nodeTlsOptions, tlsFilesStamp } from '../config/index.js';

/** The outcome of one POST. `retryable` is true for network errors, 5xx and (when configured) 429. */
export type SendResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly retryable: boolean; readonly status: number; readonly message: string };

/**
 * Posts snappy-compressed WriteRequests to one endpoint with the config's headers,
 * credentials (read from files at each request, as Prometheus does), TLS settings and
 * timeout. Keep-alive connections; `close()` destroys them.
 */
export class RemoteWriteClient {
  private readonly url: URL;
  private agent: HttpAgent | HttpsAgent;
  /** Identity of the TLS files the agent was built from ('' for http or no file); see maybeReloadTls. */
  private tlsStamp: string;
  /** performance.now() of the last TLS file check. */
  private tlsCheckedAt = performance.now();

  constructor(
    private readonly cfg: RemoteWriteConfig,
    private readonly userAgent: string,
    /** How often (ms) the TLS files are checked for a change (rotated certificates). */
    private readonly tlsCheckIntervalMs = 10_000,
  ) {
    this.url = new URL(cfg.url);
    const https = this.url.protocol === 'https:';
    this.tlsStamp = https ? tlsFilesStamp(cfg.tls_config) : '';
    this.agent = https ? httpsAgent(cfg.tls_config) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  /**
   * Rotated certificates apply without a reload, as in Prometheus: at most every
   * `tlsCheckIntervalMs` the files are stat'ed and, when one changed and all still read, the
   * next requests go through a new agent. The old one is destroyed after remote_timeout (its
   * requests in flight end by then). A file caught mid-rotation keeps the previous agent.
   */
  private maybeReloadTls(): void {
    if (this.tlsStamp === '' || performance.now() - this.tlsCheckedAt < this.tlsCheckIntervalMs) return;
    this.tlsCheckedAt = performance.now();
    const stamp = tlsFilesStamp(this.cfg.tls_config);
    if (stamp === this.tlsStamp) return;
    let next: HttpsAgent;
    try {
      next = httpsAgent(this.cfg.tls_config);
    } catch {
      return;
    }
    const old = this.agent;
    this.agent = next;
    this.tlsStamp = stamp;
    setTimeout(() => old.destroy(), this.cfg.remote_timeout).unref();
  }

  private headers(length: number): Record<string, string> {
    const h: Record<string, string> = {
      ...this.cfg.headers,
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'User-Agent': this.userAgent,
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      'Content-Length': String(length),
    };
    const c = this.cfg;
    if (c.basic_auth) {
      const pw = c.basic_auth.password_file !== undefined ? readFileSync(c.basic_auth.password_file, 'utf8').trim() : (c.basic_auth.password ?? '');
      h['Authorization'] = `Basic ${Buffer.from(`${c.basic_auth.username}:${pw}`).toString('base64')}`;
    } else if (c.authorization) {
      const a = c.authorization;
      const cred = a.credentials_file !== undefined ? readFileSync(a.credentials_file, 'utf8').trim() : (a.credentials ?? '');
      h['Authorization'] = `${a.type} ${cred}`;
    } else if (c.bearer_token !== undefined || c.bearer_token_file !== undefined) {
      const tok = c.bearer_token_file !== undefined ? readFileSync(c.bearer_token_file, 'utf8').trim() : (c.bearer_token ?? '');
      h['Authorization'] = `Bearer ${tok}`;
    }
    return h;
  }

  send(body: Uint8Array, signal: AbortSignal): Promise<SendResult> {
    this.maybeReloadTls();
    let headers: Record<string, string>;
    try {
      headers = this.headers(body.length);
    } catch (err) {
      return Promise.resolve({ ok: false, retryable: true, status: 0, message: `reading credentials: ${(err as Error).message}` });
    }
    const opts: RequestOptions = { method: 'POST', agent: this.agent, headers, timeout: this.cfg.remote_timeout, signal };
    const req = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      const r = req(this.url, opts, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (d: Buffer) => {
          if (n < 4096) chunks.push(d);
          n += d.length;
        });
        res.on('error', (err) => resolve({ ok: false, retryable: true, status: 0, message: err.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true, status });
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 512).trim();
          const retryable = status >= 500 || (status === 429 && this.cfg.queue_config.retry_on_http_429);
          resolve({ ok: false, retryable, status, message: `HTTP ${status}: ${text}` });
        });
      });
      r.on('timeout', () => r.destroy(new Error(`no answer within ${this.cfg.remote_timeout} ms`)));
      r.on('error', (err) => resolve({ ok: false, retryable: true, status: 0, message: err.message }));
      r.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function httpsAgent(tls: TLSConfig): HttpsAgent {
  return new HttpsAgent({ keepAlive: true, maxSockets: 1, ...nodeTlsOptions(tls, (f) => readFileSync(f)) });
}
