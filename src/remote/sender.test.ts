import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger, waitUntil } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { type RemoteSample, createRemoteWrite, uncompress } from './index.js';

/** A remote-write endpoint on loopback answering each POST with the next status of `script` (then 204). */
class Endpoint {
  readonly requests: { headers: IncomingHttpHeaders; bytes: number; status: number }[] = [];
  script: number[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Endpoint> {
    const ep: Endpoint = new Endpoint(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const status = ep.script.shift() ?? 204;
          ep.requests.push({ headers: req.headers, bytes: uncompress(Buffer.concat(chunks)).length, status });
          res.statusCode = status;
          if (status === 429) res.setHeader('Retry-After', '0');
          res.end(status >= 400 ? `status ${status} from the test endpoint` : '');
        });
      }),
    );
    await new Promise<void>((r) => ep.server.listen(0, '127.0.0.1', r));
    return ep;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/write`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const T0 = 1_700_000_000_000;
const samples = (n: number, from: number): RemoteSample[] =>
  Array.from({ length: n }, (_, i) => ({ labels: labelsFromRecord({ __name__: 'rw_sender', i: String(i) }), t: T0 + from * 1000, v: i }));

describe('remote write sender: credentials, headers and status handling', () => {
  it('sends the configured headers and credentials read from files at each request', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-send-'));
    const ep = await Endpoint.start();
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pw = join(dir, 'pw');
    writeFileSync(pw, 's3cret\n');
    const yml =
      `remote_write:\n  - url: ${ep.url}\n    headers: {X-Scope-OrgID: tenant-1}\n    basic_auth: {username: vigie, password_file: ${pw}}\n` +
      `    queue_config: {batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 50ms}\n` +
      `  - url: ${ep.url}\n    name: bearer\n    bearer_token: tok-1\n    queue_config: {batch_send_deadline: 50ms}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const rw = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'q'), logger: silentLogger(), userAgent: 'Vigie/test' });
    try {
      rw.enqueue(samples(3, 0));
      await waitUntil(() => rw.stats().every((s) => s.samplesSent === 3), 10_000, 'both destinations sent');
      const basic = ep.requests.filter((r) => r.headers['authorization']?.startsWith('Basic '));
      assert.equal(basic.length, 1);
      assert.equal(basic[0]!.headers['authorization'], `Basic ${Buffer.from('vigie:s3cret').toString('base64')}`);
      assert.equal(basic[0]!.headers['x-scope-orgid'], 'tenant-1');
      assert.equal(basic[0]!.headers['content-encoding'], 'snappy');
      assert.equal(basic[0]!.headers['content-type'], 'application/x-protobuf');
      assert.equal(basic[0]!.headers['x-prometheus-remote-write-version'], '0.1.0');
      assert.equal(basic[0]!.headers['user-agent'], 'Vigie/test');
      assert.ok(ep.requests.some((r) => r.headers['authorization'] === 'Bearer tok-1'));
      // The password file changes: the next request uses the new one, without a reload.
      writeFileSync(pw, 'rotated\n');
      rw.enqueue(samples(3, 1));
      await waitUntil(() => rw.stats().every((s) => s.samplesSent === 6), 10_000, 'second batch sent');
      assert.equal(ep.requests.filter((r) => r.headers['authorization']?.startsWith('Basic ')).at(-1)!.headers['authorization'], `Basic ${Buffer.from('vigie:rotated').toString('base64')}`);
    } finally {
      await rw.close();
    }
  });

  it('retries 5xx and 429 with backoff, drops a 4xx batch for good and goes on', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rw-status-'));
    const ep = await Endpoint.start();
    t.after(async () => {
      await ep.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const yml =
      `remote_write:\n  - url: ${ep.url}\n` +
      `    queue_config: {batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 40ms, retry_on_http_429: true}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const rw = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'q'), logger: silentLogger(), userAgent: 'Vigie/test' });
    try {
      ep.script = [503, 500, 429];
      rw.enqueue(samples(5, 0));
      await waitUntil(() => rw.stats()[0]!.samplesSent === 5, 10_000, 'delivered after three retryable failures');
      let st = rw.stats()[0]!;
      assert.deepEqual(ep.requests.map((r) => r.status), [503, 500, 429, 204]);
      assert.equal(st.samplesRetried, 15, 'three retries of five samples');
      assert.equal(st.samplesFailed, 0);
      assert.ok(new Set(ep.requests.map((r) => r.bytes)).size === 1, 'each retry sends the same request');

      ep.script = [400];
      rw.enqueue(samples(4, 1));
      await waitUntil(() => rw.stats()[0]!.samplesFailed === 4, 10_000, 'the refused batch counted as failed');
      rw.enqueue(samples(2, 2));
      await waitUntil(() => rw.stats()[0]!.samplesSent === 7, 10_000, 'the next batch is sent');
      st = rw.stats()[0]!;
      assert.equal(st.samplesPending, 0);
      assert.deepEqual(ep.requests.slice(4).map((r) => r.status), [400, 204], 'a 4xx batch is not retried');
    } finally {
      await rw.close();
    }
  });
});
