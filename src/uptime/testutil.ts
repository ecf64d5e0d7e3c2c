// Helpers for this folder's tests: loopback servers the tests control, and an Appendable over MemStorage.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type Server as NetServer, type Socket, createServer as createNetServer } from 'node:net';
import { type Labels, Matcher, formatLabels } from '../model/index.js';
import { type Appendable, type MemStorage, MemStorageError, SampleRejectedError, collectSamples } from '../storage/index.js';

/** An Appendable writing straight into `mem` (commit is a no-op; out-of-order samples are rejected). */
export function memAppendable(mem: MemStorage): Appendable {
  return {
    appender: () => ({
      append(_ref, labels, t, v) {
        try {
          mem.append(labels, t, v);
        } catch (err) {
          if (err instanceof MemStorageError) throw new SampleRejectedError('out_of_order', err.message);
          throw err;
        }
        return 0;
      },
      commit: () => Promise.resolve(),
      rollback: () => undefined,
    }),
  };
}

/** Every series of `mem` matching `sel` (name=value equality pairs), with its samples. */
export function readSeries(mem: MemStorage, sel: Readonly<Record<string, string>>): { labels: Labels; key: string; t: number[]; v: Float64Array }[] {
  const q = mem.querier(0, Number.MAX_SAFE_INTEGER);
  try {
    const set = q.select(Object.entries(sel).map(([n, v]) => new Matcher('=', n, v)));
    const out: { labels: Labels; key: string; t: number[]; v: Float64Array }[] = [];
    while (set.next()) {
      const s = set.at();
      out.push({ labels: s.labels, key: formatLabels(s.labels), ...collectSamples(s.iterator()) });
    }
    return out;
  } finally {
    q.close();
  }
}

export type HttpMode = 'ok' | 'error' | 'slow' | 'hang';

/** An HTTP server on 127.0.0.1 answering every path per `mode`, counting requests in flight and arrivals per path. */
export interface TestHttpServer {
  readonly url: string;
  mode: HttpMode;
  /** ms a `slow` answer waits. */
  slowMs: number;
  inFlight: number;
  maxInFlight: number;
  readonly arrivals: Map<string, number[]>;
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestHttpServer> {
  const sockets = new Set<Socket>();
  const srv: TestHttpServer & { server?: Server } = {
    url: '',
    mode: 'ok',
    slowMs: 300,
    inFlight: 0,
    maxInFlight: 0,
    arrivals: new Map(),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    let a = srv.arrivals.get(path);
    if (a === undefined) srv.arrivals.set(path, (a = []));
    a.push(Date.now());
    srv.inFlight++;
    srv.maxInFlight = Math.max(srv.maxInFlight, srv.inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      srv.inFlight--;
    };
    res.on('close', finish);
    const answer = (code: number): void => {
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(code === 200 ? 'ok\n' : 'broken\n');
    };
    switch (srv.mode) {
      case 'ok':
        return answer(200);
      case 'error':
        return answer(500);
      case 'slow': {
        const timer = setTimeout(() => answer(200), srv.slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'hang':
        return;
    }
  });
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return Object.assign(srv, { url: `http://127.0.0.1:${port}` });
}

/** A TCP server on 127.0.0.1 that writes `banner` to each connection; returns its `host:port`. */
export async function startTcpServer(banner: string): Promise<{ address: string; connections: () => number; close(): Promise<void> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((s) => {
    n++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.end(banner);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => n,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
