// remote_write keys from Prometheus with an effect on sends: tls_config min/max_version and
// inline ca, queue_config.sample_age_limit. Parsing: src/config/prometheus-compat.test.ts.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { opensslMissing, selfSigned, silentLogger, waitUntil } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { RemoteWriteClient, type RemoteSample, type SendResult, SeriesCache, compress, WriteRequestEncoder, WriteRequestIngester, createRemoteWrite, encodeLabels, uncompress } from './index.js';
import { dropOldSamples } from './encode.js';
import { RecordingAppendable } from './testutil.js';


/** The samples of an uncompressed WriteRequest as `name@t`, in order. */
function decode(req: Uint8Array): string[] {
  const app = new RecordingAppendable();
  const a = app.appender();
  new WriteRequestIngester(new SeriesCache()).ingest(Buffer.from(req), req.length, a);
  void a.commit();
  return [...app.series.values()].flatMap((s) => s.samples.map(([t]) => `${s.labels.find((l) => l.name === '__name__')!.value}@${t}`));
}

/** A remote-write endpoint (http or https) answering each POST with the next status of `script` (then 204). */
class Endpoint {
  readonly bodies: string[][] = [];
  script: number[] = [];
  private constructor(private readonly server: Server, private readonly scheme: string) {}

  static async start(tls?: ServerOptions): Promise<Endpoint> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        ep.bodies.push(decode(uncompress(Buffer.concat(chunks))));
        res.statusCode = ep.script.shift() ?? 204;
        res.end();
      });
    };
    const ep: Endpoint = new Endpoint(tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler), tls === undefined ? 'http' : 'https');
    await new Promise<void>((r) => ep.server.listen(0, '127.0.0.1', r));
    return ep;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/write`;
  }

  /** Serves another certificate from now on; open connections are dropped (new handshakes). */
  async rotate(tls: ServerOptions): Promise<void> {
    (this.server as ReturnType<typeof createHttpsServer>).setSecureContext(tls);
    this.server.closeAllConnections();
    // Let the client see its kept-alive socket close, or its next request races the FIN.
    await new Promise((r) => setTimeout(r, 50));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const sample = (name: string, t: number): RemoteSample => ({ labels: labelsFromRecord({ __name__: name }), t, v: 1 });

describe('dropOldSamples', () => {
  it('removes the samples older than the bound, and series left empty, keeping the rest byte for byte', () => {
    const enc = new WriteRequestEncoder();
    const a = encodeLabels(labelsFromRecord({ __name__: 'a' }));
    const b = encodeLabels(labelsFromRecord({ __name__: 'b' }));
    enc.series(a);
    enc.sample(100, 1);
    enc.sample(200, 2);
    enc.series(b);
    enc.sample(150, 3);
    enc.series(a);
    enc.sample(300, 4);
    const req = enc.finish().slice();
    assert.deepEqual(decode(req), ['a@100', 'a@200', 'a@300', 'b@150']);
    const none = dropOldSamples(req, 100);
    assert.equal(none.req, req, 'nothing old: the same bytes');
    assert.deepEqual([none.dropped, none.lowest], [0, 100]);
    const some = dropOldSamples(req, 160);
    assert.deepEqual([some.dropped, some.lowest], [2, 200]);
    assert.deepEqual(decode(some.req), ['a@200', 'a@300']);
    const all = dropOldSamples(req, 1000);
    assert.deepEqual([all.dropped, all.lowest, all.req.length], [4, Infinity, 0]);
  });
});

describe('remote write: Prometheus keys with an effect', () => {
  it('sample_age_limit drops samples too old when queued, and those that aged while retries failed', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-age-'));
    const ep = await Endpoint.start();
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const yml = `remote_write:\n  - url: ${ep.url}\n    queue_config: {sample_age_limit: 1s, batch_send_deadline: 20ms, min_backoff: 1s, max_backoff: 1s}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const rw = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'q'), logger: silentLogger(), userAgent: 'Vigie/test' });
    try {
      // Already too old: never queued.
      rw.enqueue([sample('ancient', Date.now() - 60_000), sample('ancient2', Date.now() - 1_500)]);
      assert.equal(rw.stats()[0]!.samplesDropped, 2);
      assert.equal(rw.stats()[0]!.samplesEnqueued, 0);
      // `aging` is fine at the first attempt (refused with a 503), too old at the retry a second later.
      ep.script = [503];
      const now = Date.now();
      rw.enqueue([sample('aging', now - 500), sample('fresh', now + 60_000)]);
      await waitUntil(() => rw.stats()[0]!.samplesSent === 1, 10_000, 'the fresh sample sent');
      const st = rw.stats()[0]!;
      assert.deepEqual([st.samplesDropped, st.samplesPending, st.samplesFailed], [3, 0, 0]);
      assert.equal(st.samplesRetried, 2, 'the failed attempt carried both');
      assert.deepEqual(ep.bodies, [
        [`aging@${now - 500}`, `fresh@${now + 60_000}`],
        [`fresh@${now + 60_000}`],
      ]);
    } finally {
      await rw.close();
    }
  });

  it('without sample_age_limit an old sample is sent', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-noage-'));
    const ep = await Endpoint.start();
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const cfg = parseConfig(`remote_write:\n  - url: ${ep.url}\n    queue_config: {batch_send_deadline: 20ms}\n`, 'test.yml').config;
    const rw = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'q'), logger: silentLogger(), userAgent: 'Vigie/test' });
    try {
      rw.enqueue([sample('old', 1000)]);
      await waitUntil(() => rw.stats()[0]!.samplesSent === 1, 10_000, 'sent');
      assert.deepEqual(ep.bodies, [['old@1000']]);
    } finally {
      await rw.close();
    }
  });

  it('tls_config: a rotated ca_file applies without a reload; a garbled one keeps the previous CA', { skip: opensslMissing() }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-rotate-'));
    const a = selfSigned(dir, 'a', 'vigie-test', 'IP:127.0.0.1');
    const b = selfSigned(dir, 'b', 'vigie-test', 'IP:127.0.0.1');
    const caFile = join(dir, 'ca.pem');
    const replace = (content: Buffer | string): void => {
      writeFileSync(`${caFile}.tmp`, content);
      renameSync(`${caFile}.tmp`, caFile);
    };
    replace(a.cert);
    const ep = await Endpoint.start({ cert: a.cert, key: a.key });
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const cfg = parseConfig(`remote_write:\n  - url: ${ep.url}\n    tls_config: {ca_file: ${caFile}}\n`, 'test.yml').config.remote_write[0]!;
    const client = new RemoteWriteClient(cfg, 'Vigie/test', 0);
    const enc = new WriteRequestEncoder();
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'rotated' })));
    enc.sample(1_700_000_000_000, 1);
    const body = compress(enc.finish());
    const send = (): Promise<SendResult> => client.send(body, AbortSignal.timeout(5_000));
    try {
      assert.deepEqual(await send(), { ok: true, status: 204 });
      replace('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');
      await ep.rotate({ cert: a.cert, key: a.key });
      assert.deepEqual(await send(), { ok: true, status: 204 }, 'a garbled CA file keeps the previous CA');
      await ep.rotate({ cert: b.cert, key: b.key });
      replace(a.cert);
      const refused = await send();
      assert.ok(!refused.ok && refused.retryable && /self[- ]signed/i.test(refused.message), JSON.stringify(refused));
      replace(b.cert);
      assert.deepEqual(await send(), { ok: true, status: 204 }, 'the new CA at the next send, no reload');
      assert.equal(ep.bodies.length, 3);
    } finally {
      client.close();
    }
  });

  it('tls_config: inline ca is trusted, min_version / max_version bound the handshake', { skip: opensslMissing() }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-tls-'));
    const { cert, key } = selfSigned(dir, 'srv', 'vigie-test', 'IP:127.0.0.1');
    const ep = await Endpoint.start({ cert, key, maxVersion: 'TLSv1.2' });
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const ca = JSON.stringify(cert.toString());
    const q = 'queue_config: {batch_send_deadline: 20ms, min_backoff: 20ms, max_backoff: 50ms}';
    const yml = `remote_write:\n  - url: ${ep.url}\n    name: ok\n    tls_config: {ca: ${ca}, max_version: TLS12}\n    ${q}\n  - url: ${ep.url}\n    name: too_new\n    tls_config: {ca: ${ca}, min_version: TLS13}\n    ${q}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const rw = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'q'), logger: silentLogger(), userAgent: 'Vigie/test' });
    try {
      rw.enqueue([sample('x', Date.now())]);
      await waitUntil(() => rw.stats()[0]!.samplesSent === 1 && rw.stats()[1]!.samplesRetried >= 2, 10_000, 'one sent, the other retrying');
      const [ok, tooNew] = rw.stats();
      assert.equal(ok!.samplesSent, 1);
      assert.equal(tooNew!.samplesSent, 0, 'a TLS 1.3 minimum cannot talk to a TLS 1.2 server');
      assert.equal(tooNew!.samplesPending, 1, 'kept queued (a network error is retried)');
    } finally {
      await rw.close();
    }
  });
});
