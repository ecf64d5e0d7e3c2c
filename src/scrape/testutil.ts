import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { formatLabels, isStaleNaN, labelsKey, type Labels } from '../model/index.js';
import type { Appendable, Appender } from '../storage/index.js';

/** One committed sample, labels rendered as `name{a="b", ...}`. */
export interface Recorded {
  readonly series: string;
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

/** An Appendable that keeps committed samples in memory, in commit order (tests only). */
export class MemoryAppendable implements Appendable {
  readonly samples: Recorded[] = [];
  commits = 0;
  private readonly refs = new Map<string, number>();

  appender(): Appender {
    const batch: Recorded[] = [];
    return {
      append: (ref, labels, t, v) => {
        const k = labelsKey(labels);
        let r = this.refs.get(k);
        if (r === undefined) this.refs.set(k, (r = this.refs.size + 1));
        if (ref !== 0 && ref !== r) throw new Error(`wrong ref ${ref} for ${formatLabels(labels)}`);
        batch.push({ series: formatLabels(labels), labels, t, v, stale: isStaleNaN(v) });
        return r;
      },
      commit: () => {
        this.samples.push(...batch);
        this.commits++;
        return Promise.resolve();
      },
      rollback: () => {
        batch.length = 0;
      },
    };
  }

  /** Samples of series whose rendering starts with `prefix` (e.g. 'up{'). */
  of(prefix: string): Recorded[] {
    return this.samples.filter((s) => s.series.startsWith(prefix));
  }

  /** Latest value per series. */
  last(): Map<string, Recorded> {
    const m = new Map<string, Recorded>();
    for (const s of this.samples) m.set(s.series, s);
    return m;
  }

  clear(): void {
    this.samples.length = 0;
  }
}

/** A local exposition server; `page`, `delayMs` and `gzip` can change between scrapes. */
export class PageServer {
  page = '';
  delayMs = 0;
  /** Send the page gzip-compressed (Content-Encoding: gzip). */
  gzip = false;
  contentType = 'text/plain; version=0.0.4';
  readonly requests: http.IncomingHttpHeaders[] = [];
  readonly urls: string[] = [];
  /** Per request over TLS: the SNI name the client sent (undefined without one). */
  readonly serverNames: (string | undefined)[] = [];
  /** Per request over TLS: the client certificate's subject CN ('' without a certificate). */
  readonly clientCerts: string[] = [];
  private readonly server: http.Server;

  private constructor(tlsOptions: https.ServerOptions | undefined) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.requests.push(req.headers);
      this.urls.push(req.url ?? '');
      if (req.socket instanceof TLSSocket) {
        const sni = (req.socket as TLSSocket & { servername?: string | false }).servername;
        this.serverNames.push(typeof sni === 'string' ? sni : undefined);
        const cn = req.socket.getPeerCertificate().subject?.CN;
        this.clientCerts.push(typeof cn === 'string' ? cn : '');
      }
      const send = (): void => {
        res.setHeader('Content-Type', this.contentType);
        if (this.gzip) {
          res.setHeader('Content-Encoding', 'gzip');
          res.end(gzipSync(this.page));
        } else {
          res.end(this.page);
        }
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    };
    this.server = tlsOptions === undefined ? http.createServer(handler) : https.createServer(tlsOptions, handler);
  }

  /** Starts on 127.0.0.1, a random port; with `tlsOptions`, an HTTPS server. */
  static async start(tlsOptions?: https.ServerOptions): Promise<PageServer> {
    const s = new PageServer(tlsOptions);
    await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', r));
    return s;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export { opensslMissing, selfSigned } from '../common/index.js';
