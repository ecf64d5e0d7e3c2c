import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type ClientHttp2Session, connect as http2Connect, constants as h2 } from 'node:http2';
import type { Readable } from 'node:stream';
import type { HttpProbeConfig } from './config.js';
import { type ProberContext, ProbeFailure } from './context.js';
import { type OpenConnection, lookupHost, openConnection } from './http-connect.js';
import { tlsOptions } from './tls-metrics.js';

/** A response of HTTP/1.1 or HTTP/2, headers read, body not yet. */
export interface ProbeResponse {
  readonly status: number;
  /** `1.1`, `1.0` or `2.0` (as Go's resp.Proto without `HTTP/`). */
  readonly httpVersion: string;
  /** Header names and values in pairs, as received (HTTP/2 pseudo-headers left out). */
  readonly rawHeaders: readonly string[];
  readonly body: Readable;
}

/** One request/response of the chain (the first, then each redirect); `close` releases it. */
export interface Exchange {
  readonly res: ProbeResponse;
  readonly conn: OpenConnection;
  /** performance.now() when the connection was ready and the request went out. */
  readonly requestStart: number;
  close(): void;
}

/** The request of one hop. Header names lowercase; `host` is the Host header (HTTP/2 :authority). */
export interface HopRequest {
  readonly url: URL;
  readonly address: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly host: string;
  readonly serverName: string;
  readonly body: string | undefined;
}

/** First value of a header, case-insensitive. */
export function firstHeader(res: ProbeResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === lower) return res.rawHeaders[i + 1];
  return undefined;
}

/** Every value of a header, case-insensitive. */
export function headerValues(res: ProbeResponse, name: string): string[] {
  const out: string[] = [];
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === lower) out.push(res.rawHeaders[i + 1]!);
  return out;
}

function proxyFor(cfg: HttpProbeConfig, url: URL): URL | undefined {
  let text = cfg.proxy_url;
  if (cfg.proxy_from_environment) {
    const env = process.env;
    text = url.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  }
  if (text === undefined || text === '') return undefined;
  try {
    return new URL(text);
  } catch {
    throw new ProbeFailure(`invalid proxy URL ${JSON.stringify(text)}`);
  }
}

function requestFailure(r: HopRequest, err: Error): ProbeFailure {
  const text = err.message === 'socket hang up' ? 'server closed the connection without a response' : err.message;
  return new ProbeFailure(`${r.method} ${r.url.href}: ${text}`, { cause: err });
}

function exchangeHTTP1(r: HopRequest, path: string, conn: OpenConnection, ctx: ProberContext): Promise<Exchange> {
  const requestStart = performance.now();
  return new Promise<Exchange>((resolve, reject) => {
    const flat: Record<string, string | string[]> = { host: r.host, connection: 'close' };
    for (const [k, v] of Object.entries(r.headers)) flat[k] = v.length === 1 ? v[0]! : [...v];
    if (r.body !== undefined) flat['content-length'] = String(Buffer.byteLength(r.body));
    const req = httpRequest({ method: r.method, path, headers: flat, createConnection: () => conn.socket, setHost: false, maxHeaderSize: 1024 * 1024 });
    const onAbort = (): void => {
      req.destroy();
      conn.socket.destroy();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      resolve({
        res: { status: res.statusCode ?? 0, httpVersion: res.httpVersion, rawHeaders: res.rawHeaders, body: res },
        conn,
        requestStart,
        close: () => {
          res.destroy();
          conn.socket.destroy();
        },
      });
    });
    req.once('error', (err) => {
      ctx.signal.removeEventListener('abort', onAbort);
      conn.socket.destroy();
      reject(requestFailure(r, err));
    });
    req.end(r.body);
  });
}

function exchangeHTTP2(r: HopRequest, path: string, conn: OpenConnection, ctx: ProberContext): Promise<Exchange> {
  const requestStart = performance.now();
  return new Promise<Exchange>((resolve, reject) => {
    const tls = conn.tls!;
    const session: ClientHttp2Session = http2Connect(`https://${r.host}`, { createConnection: () => tls, maxHeaderListPairs: 4096 });
    const close = (): void => {
      session.destroy();
      conn.socket.destroy();
    };
    const onAbort = close;
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const fail = (err: Error): void => {
      close();
      reject(requestFailure(r, err));
    };
    session.on('error', fail);
    const headers: Record<string, string | string[]> = { [h2.HTTP2_HEADER_METHOD]: r.method, [h2.HTTP2_HEADER_PATH]: path, [h2.HTTP2_HEADER_AUTHORITY]: r.host, [h2.HTTP2_HEADER_SCHEME]: 'https' };
    for (const [k, v] of Object.entries(r.headers)) headers[k] = v.length === 1 ? v[0]! : [...v];
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    const stream = session.request(headers, { endStream: r.body === undefined });
    stream.on('error', fail);
    stream.once('response', (h) => {
      const raw: string[] = [];
      for (const [k, v] of Object.entries(h)) {
        if (k.startsWith(':') || v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [String(v)]) raw.push(k, one);
      }
      resolve({ res: { status: Number(h[h2.HTTP2_HEADER_STATUS] ?? 0), httpVersion: '2.0', rawHeaders: raw, body: stream }, conn, requestStart, close });
    });
    if (r.body !== undefined) stream.end(r.body);
  });
}

/**
 * Opens a new connection for one hop (directly or through the proxy, TLS for https with ALPN
 * offering h2 when enable_http2) and sends the request; resolves when the response headers
 * arrived. Rejects with a ProbeFailure naming the request.
 */
export async function exchange(r: HopRequest, cfg: HttpProbeConfig, ctx: ProberContext): Promise<Exchange> {
  const https = r.url.protocol === 'https:';
  const port = r.url.port === '' ? (https ? 443 : 80) : Number(r.url.port);
  const proxy = proxyFor(cfg, r.url);
  const proxyAddr = proxy === undefined ? undefined : await lookupHost(proxy.hostname, ctx);
  const bracketed = r.address.includes(':') ? `[${r.address}]` : r.address;
  const tls = https ? { ...tlsOptions(cfg.tls_config, r.serverName), ALPNProtocols: cfg.enable_http2 ? ['h2', 'http/1.1'] : ['http/1.1'] } : undefined;
  const conn = await openConnection(
    {
      address: r.address,
      port,
      tls,
      proxy:
        proxy === undefined || proxyAddr === undefined
          ? undefined
          : { address: proxyAddr, port: proxy.port === '' ? (proxy.protocol === 'https:' ? 443 : 80) : Number(proxy.port), tunnelTo: `${bracketed}:${port}`, connectHeaders: cfg.proxy_connect_header },
    },
    ctx,
  );
  const path = proxy !== undefined && !https ? `http://${bracketed}:${port}${r.url.pathname}${r.url.search}` : `${r.url.pathname}${r.url.search}`;
  if (conn.tls?.alpnProtocol === 'h2') return exchangeHTTP2(r, path, conn, ctx);
  return exchangeHTTP1(r, path, conn, ctx);
}

/** Reads a file the module names (body_file, *_file credentials), trimmed for credentials. */
export function fileText(file: string, what: string, trim = true): string {
  try {
    const text = readFileSync(file, 'utf8');
    return trim ? text.trim() : text;
  } catch (err) {
    throw new ProbeFailure(`cannot read ${what} ${JSON.stringify(file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
