import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { labelsFromRecord } from '../model/index.js';
import { type HttpServer, createHttpServer, createMetricsRegistry, remoteWriteRoute } from '../server/index.js';
import { SeriesCache, WriteRequestEncoder, compress, encodeLabels } from './index.js';
import { ProtoWriter } from './protobuf.js';
import { RecordingAppendable } from './testutil.js';

function server(maxBodyBytes?: number): { http: HttpServer; store: RecordingAppendable; cache: SeriesCache } {
  const store = new RecordingAppendable();
  const cache = new SeriesCache();
  const deps = {
    logger: silentLogger(),
    registry: createMetricsRegistry('test'),
    isReady: () => true,
    reload: () => Promise.resolve(),
    config: () => parseConfig('', 'test').config,
    version: 'test',
  };
  const http = createHttpServer(deps, [remoteWriteRoute({ appendable: store, logger: silentLogger(), cache, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) })]);
  return { http, store, cache };
}

const HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };

/** A WriteRequest with `n` series of `k` samples from t0 (step 1000). */
function request(n: number, k: number, t0: number): Uint8Array {
  const enc = new WriteRequestEncoder();
  for (let i = 0; i < n; i++) {
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'm', instance: `h${i}`, job: 'x' })));
    for (let j = 0; j < k; j++) enc.sample(t0 + j * 1000, i + j / 10);
  }
  return compress(enc.finish()).slice();
}

/** A TimeSeries with raw label pairs (any order, duplicates allowed) and one sample. */
function rawSeries(pairs: [Uint8Array | string, Uint8Array | string][], t: number): Uint8Array {
  const w = new ProtoWriter();
  const ts = w.beginLen(0x0a);
  const te = new TextEncoder();
  for (const [k, v] of pairs) {
    const l = w.beginLen(0x0a);
    const kb = typeof k === 'string' ? te.encode(k) : k;
    const vb = typeof v === 'string' ? te.encode(v) : v;
    w.byte(0x0a); w.varint(kb.length); w.bytes(kb);
    w.byte(0x12); w.varint(vb.length); w.bytes(vb);
    w.endLen(l);
  }
  const s = w.beginLen(0x12);
  w.byte(0x09); w.double(1.5); w.byte(0x10); w.varint(t);
  w.endLen(s);
  w.endLen(ts);
  return w.result().slice();
}

describe('remote write receiver', () => {
  const { http, store, cache } = server(1 << 20);
  after(() => http.close());
  const post = (body: Uint8Array, headers: Record<string, string> = HEADERS) => http.app.inject({ method: 'POST', url: '/api/v1/write', payload: Buffer.from(body), headers });

  it('stores hand-built requests and answers 204; repeated series hit the cache', async () => {
    let r = await post(request(50, 10, 1_000_000));
    assert.equal(r.statusCode, 204, r.body);
    assert.equal(store.samples, 500);
    assert.equal(cache.size, 50);
    r = await post(request(50, 10, 2_000_000));
    assert.equal(r.statusCode, 204);
    assert.equal(store.samples, 1000);
    assert.equal(cache.size, 50);
    const s = store.series.get('__name__\u0000m\u0001instance\u0000h3\u0001job\u0000x\u0001')!;
    assert.deepEqual(s.samples[1], [1_001_000, 3.1]);
  });

  it('out-of-order samples: the valid ones are committed, 400 names the counts', async () => {
    const before = store.samples;
    const enc = new WriteRequestEncoder();
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'm', instance: 'h0', job: 'x' })));
    enc.sample(5, 1); // older than stored: out of order
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'new', job: 'x' })));
    enc.sample(10, 1);
    const r = await post(compress(enc.finish()));
    assert.equal(r.statusCode, 400);
    const body = r.json<{ error: string; stored: number; rejected: Record<string, number> }>();
    assert.equal(body.stored, 1);
    assert.equal(body.rejected['out_of_order'], 1);
    assert.match(body.error, /stored 1 of 2 samples; 1 out-of-order/);
    assert.equal(store.samples, before + 1);
  });

  it('invalid labels are refused by series, naming it; the others are stored', async () => {
    const before = store.samples;
    const parts = [
      rawSeries([['__name__', 'dup'], ['a', '1'], ['a', '2']], 1),
      rawSeries([['__name__', 'bad'], ['a', Uint8Array.of(0xff, 0xfe)]], 1),
      rawSeries([['', 'x'], ['__name__', 'empty']], 1),
      rawSeries([['job', 'y'], ['__name__', 'unsorted']], 1),
      rawSeries([['job', 'noname']], 1),
    ];
    const r = await post(compress(Buffer.concat(parts)));
    assert.equal(r.statusCode, 400);
    const err = r.json<{ error: string }>().error;
    assert.match(err, /stored 2 of 5 samples; 3 series with invalid labels/);
    assert.match(err, /duplicate label name "a"/);
    assert.match(err, /not valid UTF-8/);
    assert.match(err, /empty label name/);
    assert.equal(store.samples, before + 2);
    assert.ok(store.series.has('__name__\u0000unsorted\u0001job\u0000y\u0001'));
  });

  it('native histograms are refused with a clear 400 (floats stored)', async () => {
    const w = new ProtoWriter();
    const ts = w.beginLen(0x0a);
    w.bytes(encodeLabels(labelsFromRecord({ __name__: 'h' })));
    const h = w.beginLen(0x22);
    w.byte(0x08); w.varint(3);
    w.endLen(h);
    w.endLen(ts);
    const r = await post(compress(w.result()));
    assert.equal(r.statusCode, 400);
    assert.match(r.json<{ error: string }>().error, /1 native histogram samples not stored/);
  });

  it('hostile bodies: garbage, truncation, bombs and huge label counts give 4xx, never a crash', async () => {
    const good = request(20, 5, 9_000_000);
    let r = await post(good.subarray(0, good.length - 7));
    assert.equal(r.statusCode, 400);
    assert.match(r.json<{ error: string }>().error, /invalid snappy body/);
    // Valid snappy around truncated protobuf: nothing stored.
    const before = store.samples;
    const enc = new WriteRequestEncoder();
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'trunc' })));
    for (let i = 0; i < 10; i++) enc.sample(i, i);
    const pb = enc.finish();
    r = await post(compress(pb.subarray(0, pb.length - 3)));
    assert.equal(r.statusCode, 400);
    assert.match(r.json<{ error: string }>().error, /invalid WriteRequest \(nothing stored\): protobuf: .* at byte \d+/);
    assert.equal(store.samples, before);
    // Random bytes, compressed or not.
    let seed = 1;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    for (let k = 0; k < 200; k++) {
      const b = new Uint8Array(1 + Math.floor(rnd() * 300)).map(() => Math.floor(rnd() * 256));
      r = await post(k % 2 ? b : compress(b));
      assert.ok(r.statusCode === 400 || r.statusCode === 204 || r.statusCode === 413, `status ${r.statusCode}: ${r.body}`);
    }
    // A snappy header claiming 4 GiB: 413 without allocating.
    r = await post(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00));
    assert.equal(r.statusCode, 413);
    // A real bomb: 2 MiB of zeros compresses to ~100 KB but exceeds the 1 MiB limit.
    r = await post(compress(new Uint8Array(2 << 20)));
    assert.equal(r.statusCode, 413);
    // Compressed body over the limit: fastify's 413.
    r = await post(new Uint8Array(2 << 20));
    assert.equal(r.statusCode, 413);
    // 20,000 labels in one series.
    const pairs: [string, string][] = [];
    for (let i = 0; i < 20_000; i++) pairs.push([`l${i}`, 'v']);
    r = await post(compress(rawSeries(pairs, 5)));
    assert.equal(r.statusCode, 204);
    // Empty body.
    r = await post(new Uint8Array(0));
    assert.equal(r.statusCode, 400);
  });

  it('wrong content type or encoding: 415; missing ones mean 1.0 + snappy', async () => {
    let r = await post(request(1, 1, 20_000_000), { 'content-type': 'application/json' });
    assert.equal(r.statusCode, 415);
    r = await post(request(1, 1, 20_000_000), { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' });
    assert.equal(r.statusCode, 415);
    r = await post(request(1, 1, 20_000_000), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    assert.equal(r.statusCode, 415);
    r = await post(request(1, 1, 20_000_000), {});
    assert.equal(r.statusCode, 204);
  });
});

describe('a real Prometheus remote-writes into the receiver', () => {
  it('scrapes a target and its samples arrive', { timeout: 90_000 }, async (t) => {
    const { http, store } = server();
    const addr = await http.listen('127.0.0.1', 0);
    const target = createServer((_req, res) => res.end('# TYPE demo_value gauge\ndemo_value{kind="a"} 42\n'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const tport = (target.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'vigie-prom-rw-'));
    writeFileSync(
      join(dir, 'prom.yml'),
      `global: {scrape_interval: 1s, external_labels: {replica: r1}}\n` +
        `scrape_configs: [{job_name: demo, static_configs: [{targets: ['127.0.0.1:${tport}']}]}]\n` +
        `remote_write: [{url: 'http://127.0.0.1:${addr.port}/api/v1/write', queue_config: {batch_send_deadline: 1s}}]\n`,
    );
    const prom = spawn('prometheus', [`--config.file=${join(dir, 'prom.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0'], { stdio: 'ignore' });
    t.after(async () => {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
      target.close();
      await http.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const key = '__name__\u0000demo_value\u0001instance\u0000127.0.0.1:' + tport + '\u0001job\u0000demo\u0001kind\u0000a\u0001replica\u0000r1\u0001';
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000 && (store.series.get(key)?.samples.length ?? 0) < 3) await new Promise((r) => setTimeout(r, 250));
    const s = store.series.get(key);
    assert.ok(s && s.samples.length >= 3, `got series: ${[...store.series.keys()].slice(0, 5).join(' | ')}`);
    assert.equal(s.samples[0]![1], 42);
    assert.ok([...store.series.values()].some((x) => x.labels.some((l) => l.value === 'up')));
  });
});
