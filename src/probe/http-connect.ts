import { lookup } from 'node:dns/promises';
import { type Socket, connect as netConnect } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { type ProberContext, ProbeFailure, describeNetError, raceAbort } from './context.js';

/** A connection ready for one HTTP exchange, with how long each step took (seconds). */
export interface OpenConnection {
  readonly socket: Socket;
  readonly tls: TLSSocket | undefined;
  readonly connectSeconds: number;
  readonly tlsSeconds: number;
}

/** Where and how to connect: a TCP address, and TLS options for https. */
export interface ConnectTarget {
  readonly address: string;
  readonly port: number;
  readonly tls: ConnectionOptions | undefined;
  /** Through an HTTP proxy: its address; for https a CONNECT tunnel to `tunnelTo` is opened first. */
  readonly proxy?: { readonly address: string; readonly port: number; readonly tunnelTo: string; readonly connectHeaders: Readonly<Record<string, readonly string[]>> } | undefined;
}

/** Opens a TCP connection; rejects (and destroys the socket) on error or abort. */
export function tcpConnect(address: string, port: number, ctx: ProberContext, localAddress?: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host: address, port, ...(localAddress !== undefined ? { localAddress } : {}) });
    const onAbort = (): void => {
      socket.destroy();
      reject(new ProbeFailure('aborted'));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      // Every later abort destroys the socket too.
      ctx.signal.addEventListener('abort', () => socket.destroy(), { once: true });
      resolve(socket);
    });
    socket.once('error', (err) => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new ProbeFailure(`dial tcp ${address.includes(':') ? `[${address}]` : address}:${port}: ${describeNetError(err)}`, { cause: err }));
    });
  });
}

/** Runs a TLS client handshake over `socket`; rejects with the handshake error (certificate problems named). */
export function tlsHandshake(socket: Socket, options: ConnectionOptions, ctx: ProberContext): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    const tls = tlsConnect({ ...options, socket });
    const onAbort = (): void => {
      tls.destroy();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    tls.once('secureConnect', () => {
      tls.removeAllListeners('error');
      tls.on('error', () => undefined);
      resolve(tls);
    });
    tls.once('error', (err: Error) => {
      tls.destroy();
      socket.destroy();
      const code = (err as NodeJS.ErrnoException).code;
      reject(new ProbeFailure(`TLS handshake failed: ${code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message}`, { cause: err }));
    });
  });
}

/** Opens an HTTP CONNECT tunnel through an already connected proxy socket. */
function connectTunnel(socket: Socket, to: string, headers: Readonly<Record<string, readonly string[]>>, ctx: ProberContext): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let head = `CONNECT ${to} HTTP/1.1\r\nHost: ${to}\r\n`;
    for (const [k, vs] of Object.entries(headers)) for (const v of vs) head += `${k}: ${v}\r\n`;
    socket.write(`${head}\r\n`);
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16_384) fail('proxy CONNECT response headers too large');
        return;
      }
      socket.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'));
      if (status?.[1] !== '200') return fail(`proxy refused CONNECT ${to}: ${buf.subarray(0, buf.indexOf('\r\n')).toString('latin1')}`);
      if (end + 4 < buf.length) socket.unshift(buf.subarray(end + 4));
      resolve();
    };
    const fail = (message: string): void => {
      socket.destroy();
      reject(new ProbeFailure(message));
    };
    socket.on('data', onData);
    socket.once('end', () => fail('proxy closed the connection during CONNECT'));
    ctx.signal.addEventListener('abort', () => fail('aborted'), { once: true });
  });
}

/** Connects (directly or through the proxy), then TLS for https; timings in seconds. */
export async function openConnection(t: ConnectTarget, ctx: ProberContext): Promise<OpenConnection> {
  const start = performance.now();
  const via = t.proxy ?? { address: t.address, port: t.port };
  const socket = await tcpConnect(via.address, via.port, ctx);
  if (t.proxy !== undefined && t.tls !== undefined) await connectTunnel(socket, t.proxy.tunnelTo, t.proxy.connectHeaders, ctx);
  const connected = performance.now();
  if (t.tls === undefined) return { socket, tls: undefined, connectSeconds: (connected - start) / 1000, tlsSeconds: 0 };
  const tls = await tlsHandshake(socket, t.tls, ctx);
  return { socket: tls, tls, connectSeconds: (connected - start) / 1000, tlsSeconds: (performance.now() - connected) / 1000 };
}

/** Resolves a proxy's or a redirect's host name (no probe metrics); IP literals as they are. */
export async function lookupHost(host: string, ctx: ProberContext): Promise<string> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (/^[0-9.]+$/.test(bare) || bare.includes(':')) return bare;
  try {
    const r = await raceAbort(lookup(bare), ctx.signal, ctx.timeoutMs);
    return r.address;
  } catch (err) {
    if (err instanceof ProbeFailure) throw err;
    throw new ProbeFailure(`cannot resolve ${JSON.stringify(bare)}: ${describeNetError(err)}`, { cause: err });
  }
}
