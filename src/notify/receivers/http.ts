import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { NotifyError } from './errors.js';

type Opt<T> = T | undefined;

/**
 * The part of Prometheus' common `http_config` that integrations apply (the shape the
 * `alerting:` schema produces). Not supported yet: oauth2, proxies, http2 (a config using
 * them still loads; the request goes direct).
 */
export interface HttpClientConfig {
  readonly basic_auth?: Opt<{ readonly username?: Opt<string>; readonly username_file?: Opt<string>; readonly password?: Opt<string>; readonly password_file?: Opt<string> }>;
  readonly authorization?: Opt<{ readonly type: string; readonly credentials?: Opt<string>; readonly credentials_file?: Opt<string> }>;
  readonly bearer_token?: Opt<string>;
  readonly bearer_token_file?: Opt<string>;
  readonly tls_config?: Opt<TlsClientConfig>;
}

export interface TlsClientConfig {
  readonly ca?: Opt<string>;
  readonly ca_file?: Opt<string>;
  readonly cert?: Opt<string>;
  readonly cert_file?: Opt<string>;
  readonly key?: Opt<string>;
  readonly key_file?: Opt<string>;
  readonly server_name?: Opt<string>;
  readonly insecure_skip_verify?: Opt<boolean>;
}

/** A secret given inline or as a file; the file is read (and trimmed) at each use, like Prometheus. */
export function readSecret(inline: string | undefined, file: string | undefined, what: string): string | undefined {
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new NotifyError(`reading ${what} from ${file}: ${(err as Error).message}`, false, 'other', undefined, { cause: err });
    }
  }
  return inline;
}

/** The Authorization header that `http` asks for, if any. */
export function authorizationHeader(http: HttpClientConfig | undefined): string | undefined {
  if (http === undefined) return undefined;
  if (http.basic_auth !== undefined) {
    const b = http.basic_auth;
    const user = readSecret(b.username, b.username_file, 'basic_auth username') ?? '';
    const pw = readSecret(b.password, b.password_file, 'basic_auth password') ?? '';
    return `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
  }
  if (http.authorization !== undefined) {
    const a = http.authorization;
    return `${a.type} ${readSecret(a.credentials, a.credentials_file, 'authorization credentials') ?? ''}`;
  }
  const tok = readSecret(http.bearer_token, http.bearer_token_file, 'bearer_token');
  return tok === undefined ? undefined : `Bearer ${tok}`;
}

/** node:tls options for a tls_config (files read now). */
export function tlsOptions(tls: TlsClientConfig | undefined): Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'> {
  if (tls === undefined) return {};
  const read = (inline: string | undefined, file: string | undefined, what: string): string | undefined => {
    if (file === undefined) return inline;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new NotifyError(`reading tls_config ${what} ${file}: ${(err as Error).message}`, false, 'other', undefined, { cause: err });
    }
  };
  const ca = read(tls.ca, tls.ca_file, 'ca_file');
  const cert = read(tls.cert, tls.cert_file, 'cert_file');
  const key = read(tls.key, tls.key_file, 'key_file');
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(tls.server_name !== undefined ? { servername: tls.server_name } : {}),
    rejectUnauthorized: tls.insecure_skip_verify !== true,
  };
}

/** Scheme and host only: URLs of chat webhooks carry their secret in the path or query. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/<redacted>`;
  } catch {
    return '<invalid URL>';
  }
}

export interface HttpRequest {
  readonly url: string;
  readonly method?: 'POST' | 'PUT' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  readonly http?: HttpClientConfig | undefined;
  readonly userAgent: string;
}

export interface HttpResponse {
  readonly status: number;
  /** At most the first 64 KiB, decoded as UTF-8. */
  readonly body: string;
}

const MAX_BODY = 64 * 1024;

/**
 * Sends one request and reads the answer. Throws a NotifyError for a network failure or an
 * abort (retryable); the status is returned as is (see `expectSuccess`). No redirects are
 * followed. Timeouts come with `signal`.
 */
export function httpSend(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch (err) {
    return Promise.reject(new NotifyError(`invalid URL ${redactUrl(req.url)}`, false, 'other', undefined, { cause: err }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new NotifyError(`unsupported URL scheme ${url.protocol}`, false, 'other'));
  }
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  const where = redactUrl(req.url);
  return new Promise<HttpResponse>((resolve, reject) => {
    let headers: OutgoingHttpHeaders;
    let tls: ReturnType<typeof tlsOptions> = {};
    try {
      headers = { 'User-Agent': req.userAgent, ...req.headers, 'Content-Length': String(body.length) };
      const auth = authorizationHeader(req.http);
      if (auth !== undefined) headers['Authorization'] = auth;
      if (url.protocol === 'https:') tls = tlsOptions(req.http?.tls_config);
    } catch (err) {
      reject(err instanceof NotifyError ? err : new NotifyError(String(err), false, 'other', undefined, { cause: err }));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const r = send(url, { method: req.method ?? 'POST', headers, signal, ...tls }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (d: Buffer) => {
        if (n < MAX_BODY) chunks.push(d);
        n += d.length;
      });
      res.on('error', (err) => reject(networkError(where, err, signal)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') }));
    });
    r.on('error', (err) => reject(networkError(where, err, signal)));
    r.end(body);
  });
}

function networkError(where: string, err: Error, signal: AbortSignal): NotifyError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return new NotifyError(`${where}: ${timedOut ? 'timed out' : 'aborted'}`, true, 'timeout', undefined, { cause: err });
  }
  return new NotifyError(`${where}: ${err.message}`, true, 'network', undefined, { cause: err });
}

/**
 * Alertmanager's rule for HTTP answers: 2xx is delivered; 5xx (and 429, too many requests)
 * may succeed later; anything else (4xx, 3xx) will not. The body is kept for the message.
 */
export function expectSuccess(res: HttpResponse, where: string): void {
  const s = res.status;
  if (s >= 200 && s < 300) return;
  const snippet = res.body.trim().slice(0, 300);
  const msg = `${redactUrl(where)}: unexpected status code ${s}${snippet === '' ? '' : `: ${snippet}`}`;
  if (s >= 500 || s === 429) throw new NotifyError(msg, true, 'serverError', s);
  throw new NotifyError(msg, false, 'clientError', s);
}

/** POSTs `body` as JSON and checks the answer with `expectSuccess`. */
export async function postJson(
  url: string,
  json: string,
  opts: { readonly http?: HttpClientConfig | undefined; readonly userAgent: string; readonly headers?: Readonly<Record<string, string>> },
  signal: AbortSignal,
): Promise<HttpResponse> {
  const res = await httpSend({ url, body: json, headers: { 'Content-Type': 'application/json', ...opts.headers }, http: opts.http, userAgent: opts.userAgent }, signal);
  expectSuccess(res, url);
  return res;
}
