import net from 'node:net';
import tls from 'node:tls';
import { Http1Error } from './http1-errors.js';
import { ResponseParser, type ParsedHead } from './http1-parser.js';

export { Http1Error };

/**
 * A small HTTP/1.1 client for scrapes: keep-alive connections per origin, each reading into
 * one shared 64 KiB buffer and assembling the body in a buffer it keeps between responses.
 * A scrape of a 60 KB page then costs no ArrayBuffer, no stream and no request object (node's
 * http client cost ~100 KB of promoted garbage per scrape at 67 scrapes/s: bench/README.md).
 * GET only; no proxies. Redirects are followed above it, by ScrapeClient.
 */

/** Where to connect: host name or IP address (IPv6 without brackets), port, TLS or not. */
export interface Origin {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/** TLS settings of one client, as tls.connect takes them. */
export interface TlsOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
}

/** A complete response. `body` is the raw payload (not decoded), valid until `release()`. */
export interface Http1Response extends ParsedHead {
  readonly body: Uint8Array;
  /** Gives the connection back (to the idle pool when reusable). Call exactly once. */
  readonly release: () => void;
}

/** Idle connections kept per origin; more are closed when released. */
const MAX_IDLE_PER_ORIGIN = 16;
/** An idle connection is closed after this long (ms), as Prometheus' transport does. */
const IDLE_TIMEOUT_MS = 5 * 60_000;
/** A kept body buffer larger than this is dropped on release (a huge page is rare). */
const MAX_KEPT_BODY = 4 << 20;

export class Http1Client {
  private readonly idle = new Map<string, Connection[]>();
  /** One read buffer for every socket of this client: JS consumes a read before the next one. */
  private readonly readBuf = Buffer.allocUnsafe(64 * 1024);
  private closed = false;

  constructor(private readonly tlsOptions?: TlsOptions) {}

  /**
   * GETs `path` from `origin` with the request head lines `headers` (each `Name: value`,
   * without CRLF; Host is added). Body bytes beyond `maxBody` (> 0) fail the request.
   * Rejects with the signal's reason when it aborts.
   */
  async get(origin: Origin, path: string, headers: readonly string[], maxBody: number, signal: AbortSignal): Promise<Http1Response> {
    const head = `GET ${path} HTTP/1.1\r\nHost: ${hostHeader(origin)}\r\n${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}\r\n`;
    const key = originKey(origin);
    for (;;) {
      signal.throwIfAborted();
      const reused = this.takeIdle(key);
      const conn = reused ?? (await this.connect(origin, key, signal));
      try {
        return await conn.request(head, maxBody, signal);
      } catch (err) {
        // A kept connection the server closed meanwhile: try once more on a new one.
        if (reused !== undefined && err instanceof Http1Error && err.retryable) continue;
        throw err;
      }
    }
  }

  /** Closes every idle connection; requests in flight finish or fail on their own. */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const c of list) c.destroy();
    this.idle.clear();
  }

  /** @internal A connection finished a response and may be reused. */
  giveBack(conn: Connection): void {
    let list = this.idle.get(conn.key);
    if (list === undefined) this.idle.set(conn.key, (list = []));
    if (this.closed || list.length >= MAX_IDLE_PER_ORIGIN) conn.destroy();
    else list.push(conn);
  }

  /** @internal An idle connection closed: forget it. */
  forget(conn: Connection): void {
    const list = this.idle.get(conn.key);
    const i = list?.indexOf(conn) ?? -1;
    if (i >= 0) list!.splice(i, 1);
  }

  /** Number of idle connections (tests). */
  idleCount(): number {
    let n = 0;
    for (const l of this.idle.values()) n += l.length;
    return n;
  }

  private takeIdle(key: string): Connection | undefined {
    const list = this.idle.get(key);
    for (let c = list?.pop(); c !== undefined; c = list!.pop()) if (c.usable()) return c;
    return undefined;
  }

  private connect(origin: Origin, key: string, signal: AbortSignal): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const onread = { buffer: this.readBuf, callback: (n: number, buf: Uint8Array): boolean => conn.onRead(buf, n) };
      const host = origin.host;
      let socket: net.Socket;
      if (origin.tls) {
        const t = this.tlsOptions;
        const servername = t?.servername ?? (net.isIP(host) === 0 ? host : undefined);
        // tls.connect takes onread like net.connect (node docs); @types/node omits it.
        const opts = {
          host,
          port: origin.port,
          onread,
          rejectUnauthorized: t?.rejectUnauthorized ?? true,
          ca: t?.ca,
          cert: t?.cert,
          key: t?.key,
          ...(servername !== undefined ? { servername } : {}),
          ...(t?.minVersion !== undefined ? { minVersion: t.minVersion } : {}),
          ...(t?.maxVersion !== undefined ? { maxVersion: t.maxVersion } : {}),
        };
        socket = tls.connect(opts as tls.ConnectionOptions);
      } else {
        socket = net.connect({ host, port: origin.port, onread });
      }
      const conn = new Connection(this, key, socket);
      const fail = (err: Error): void => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(err);
      };
      const onAbort = (): void => fail(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once(origin.tls ? 'secureConnect' : 'connect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.removeListener('error', fail);
        conn.start();
        resolve(conn);
      });
      socket.once('error', fail);
    });
  }
}

/** One socket and the response being read on it. */
class Connection {
  private readonly parser = new ResponseParser();
  private pending: { resolve: (r: Http1Response) => void; reject: (e: Error) => void; signal: AbortSignal; onAbort: () => void } | undefined;
  private served = 0;
  private busy = false;
  private dead = false;

  constructor(
    private readonly client: Http1Client,
    readonly key: string,
    private readonly socket: net.Socket,
  ) {}

  /** Wires the socket once connected. */
  start(): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    s.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (!this.busy) this.destroy();
    });
    s.on('end', () => this.onEnd());
    s.on('error', (e) => this.onClose(e));
    s.on('close', () => this.onClose(undefined));
  }

  usable(): boolean {
    return !this.dead && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  request(head: string, maxBody: number, signal: AbortSignal): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.finish(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        this.destroy();
      };
      this.pending = { resolve, reject, signal, onAbort };
      this.busy = true;
      this.parser.reset(maxBody);
      signal.addEventListener('abort', onAbort, { once: true });
      this.socket.write(head, 'latin1');
    });
  }

  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }

  /** onread callback: bytes [0, n) of `buf` arrived. Returns true to keep reading. */
  onRead(buf: Uint8Array, n: number): boolean {
    if (this.pending === undefined) {
      // Bytes with no request outstanding: the stream is out of step; drop the connection.
      this.destroy();
      return false;
    }
    let r: number;
    try {
      r = this.parser.feed(buf, 0, n);
    } catch (err) {
      this.finish(err instanceof Error ? err : new Error(String(err)));
      this.destroy();
      return false;
    }
    if (r === n && !this.parser.done()) return true;
    if (r < n) {
      // Bytes after a complete response that came unasked: not reusable.
      this.parser.forbidReuse();
    }
    this.complete();
    return true;
  }

  private onEnd(): void {
    if (this.pending !== undefined && this.parser.endOfStream()) this.complete();
    else this.onClose(undefined);
  }

  private onClose(err: Error | undefined): void {
    this.dead = true;
    if (!this.busy) this.client.forget(this);
    if (this.pending === undefined) return;
    const nothing = this.parser.receivedNothing();
    const msg = nothing ? 'connection closed before any response' : 'connection closed before the response was complete';
    this.finish(new Http1Error(err !== undefined ? err.message : msg, nothing && this.served > 0, err !== undefined ? { cause: err } : undefined));
  }

  private complete(): void {
    const p = this.pending!;
    this.pending = undefined;
    p.signal.removeEventListener('abort', p.onAbort);
    this.served++;
    const head = this.parser.head()!;
    const reusable = this.parser.reusable();
    let released = false;
    p.resolve({
      ...head,
      body: this.parser.body(),
      release: () => {
        if (released) return;
        released = true;
        this.busy = false;
        this.parser.dropBodyIfOver(MAX_KEPT_BODY);
        if (reusable && this.usable()) this.client.giveBack(this);
        else this.destroy();
      },
    });
  }

  private finish(err: Error): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.busy = false;
    p.signal.removeEventListener('abort', p.onAbort);
    p.reject(err);
  }
}

function originKey(o: Origin): string {
  return `${o.tls ? 's' : 'p'}|${o.host}|${o.port}`;
}

function hostHeader(o: Origin): string {
  const h = net.isIPv6(o.host) ? `[${o.host}]` : o.host;
  return o.port === (o.tls ? 443 : 80) ? h : `${h}:${o.port}`;
}
