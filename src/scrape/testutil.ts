import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A local exposition server; `page` and `delayMs` can change between scrapes. */
export class PageServer {
  page = '';
  delayMs = 0;
  contentType = 'text/plain; version=0.0.4';
  readonly requests: http.IncomingHttpHeaders[] = [];
  readonly urls: string[] = [];
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.headers);
      this.urls.push(req.url ?? '');
      const send = (): void => {
        res.setHeader('Content-Type', this.contentType);
        res.end(this.page);
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
  }

  static async start(): Promise<PageServer> {
    const s = new PageServer();
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
