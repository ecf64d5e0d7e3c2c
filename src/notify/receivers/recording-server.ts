import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the recording server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Status and body to answer a request with. */
export interface ScriptedReply {
  readonly status: number;
  readonly body?: string;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) that records every request and answers from
 * `reply` (default 200 `{"ok":true}`); for tests of integrations and delivery. Close it.
 */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Decides the answer to each request; replace it between steps of a test. */
  reply: (r: RecordedRequest, index: number) => ScriptedReply;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let closed = false;
  const rec: RecordingServer = {
    url: '',
    requests,
    reply: () => ({ status: 200, body: '{"ok":true}' }),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const r: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const out = rec.reply(r, requests.length - 1);
      res.writeHead(out.status, { 'Content-Type': 'application/json' });
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(rec, { url: `http://127.0.0.1:${port}` });
}
