import { readFileSync } from 'node:fs';
import { VigieError } from '../common/index.js';
import type { AuthorizationConfig, BasicAuthConfig } from '../config/index.js';

/** A remote read request failed (network, timeout, non-2xx answer, unreadable body). */
export class RemoteReadError extends VigieError {
  override name = 'RemoteReadError';
}

/** How to reach a Prometheus-compatible HTTP API. */
export interface RemoteApiOptions {
  /** Base URL without `/api/v1`, e.g. `http://vm:8428` or `http://vmselect:8481/select/0/prometheus`. */
  readonly url: string;
  /** ms per request. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly basicAuth?: BasicAuthConfig | undefined;
  readonly authorization?: AuthorizationConfig | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * Posts forms to one remote API with its headers and credentials (credential files are read
 * at each request, as Prometheus does) and a per-request timeout. Returns the body as text.
 */
export class RemoteApi {
  private readonly base: string;
  constructor(private readonly o: RemoteApiOptions) {
    this.base = o.url.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { ...this.o.headers, 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': this.o.userAgent ?? 'Vigie' };
    const { basicAuth: b, authorization: a } = this.o;
    if (b) {
      const pw = b.password_file !== undefined ? readFileSync(b.password_file, 'utf8').trim() : (b.password ?? '');
      h['Authorization'] = `Basic ${Buffer.from(`${b.username}:${pw}`).toString('base64')}`;
    } else if (a) {
      const cred = a.credentials_file !== undefined ? readFileSync(a.credentials_file, 'utf8').trim() : (a.credentials ?? '');
      h['Authorization'] = `${a.type} ${cred}`;
    }
    return h;
  }

  /** POSTs `form` to `base + path`; rejects with RemoteReadError unless the answer is 2xx. */
  async post(path: string, form: URLSearchParams, signal?: AbortSignal): Promise<string> {
    const url = this.base + path;
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const sig = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { method: 'POST', headers: this.headers(), body: form.toString(), signal: sig });
      body = await res.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new RemoteReadError(`${url}: aborted`, { cause });
      const why = timeout.aborted ? `timed out after ${this.o.timeoutMs}ms` : cause instanceof Error ? cause.message : String(cause);
      throw new RemoteReadError(`${url}: ${why}`, { cause });
    }
    if (!res.ok) throw new RemoteReadError(`${url}: HTTP ${res.status}: ${body.slice(0, 512)}`);
    return body;
  }

  /** POSTs to a Prometheus API endpoint answering `{"status":"success","data":...}`; returns `data`. */
  async postApi(path: string, form: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const text = await this.post(path, form, signal);
    let j: { status?: unknown; data?: unknown; error?: unknown };
    try {
      j = JSON.parse(text) as typeof j;
    } catch (cause) {
      throw new RemoteReadError(`${this.base}${path}: answer is not JSON`, { cause });
    }
    if (j.status !== 'success') throw new RemoteReadError(`${this.base}${path}: ${typeof j.error === 'string' ? j.error : 'request failed'}`);
    return j.data;
  }
}
