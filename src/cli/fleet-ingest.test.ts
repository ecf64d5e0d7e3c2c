// Remote-write ingestion under load, end to end: the real server (bin/vigie, host monitoring
// off) receives the shared synthetic fleet of ../shared/bench/fleet-write.mjs while hostile
// requests hit the same endpoint, then every sample acknowledged must be there: in the
// receiver's counters, in PromQL answers, and again after a SIGTERM and a restart on the
// same data dir. Loopback only; the load is bounded by its arguments.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { freePort } from '../common/index.js';
import { labelsFromRecord } from '../model/index.js';
import { WriteRequestEncoder, compress, encodeLabels } from '../remote/index.js';

// dist/src/cli/fleet-ingest.test.js -> repo root; the shared bench tools sit beside the repo.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const SHARED_BENCH = resolve(ROOT, '..', 'shared', 'bench');
// Preloaded into the generator (which sends no credentials): adds the bearer token (bench/peers.ts toolWithVigieAuth).
const AUTH_FETCH = join(ROOT, 'dist', 'bench', 'auth-fetch.js');
const TOKEN = 'vigie_fleet-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

// The load: HOSTS node_exporter-like hosts, HOURS of 15 s samples ending at `end` (10,140
// series, 4.87M samples). Sized for well under a minute on a 2-core machine shared with other
// work; 4 h (where the head cuts a block during the load) took 26-57 s there, too close.
const HOSTS = 20;
const HOURS = 2;
const STEP_S = 15;
const STEPS = Math.floor((HOURS * 3600) / STEP_S);

interface Server {
  readonly port: number;
  readonly base: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  logs(): string;
}

async function startServer(dir: string): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // bin/vigie itself (its shebang's Node flags), as shipped.
  const child = spawn(BIN, ['server', '--config', join(dir, 'vigie.yml'), '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
  });
  let logs = '';
  child.stdout.on('data', (b: Buffer) => (logs += b.toString()));
  child.stderr.on('data', (b: Buffer) => (logs += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode} before ready: ${logs}`);
    try {
      const r = await fetch(`${base}/-/ready`);
      await r.text();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/-/ready not ready in time: ${logs}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, base, child, exited, logs: () => logs };
}

async function stop(s: Server): Promise<number | null> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  return s.exited;
}

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

async function query(s: Server, promql: string, timeMs: number): Promise<Sample[]> {
  const q = new URLSearchParams({ query: promql, time: String(timeMs / 1000) });
  const r = await fetch(`${s.base}/api/v1/query?${q.toString()}`, { headers: AUTH });
  const text = await r.text();
  assert.equal(r.status, 200, `${promql}: ${text}`);
  const body = JSON.parse(text) as { status: string; data: { resultType: string; result: Sample[] } };
  assert.equal(body.data.resultType, 'vector', promql);
  return body.data.result;
}

/** The single value of a one-element vector answer. */
async function scalarOf(s: Server, promql: string, timeMs: number): Promise<number> {
  const res = await query(s, promql, timeMs);
  assert.equal(res.length, 1, `${promql}: ${JSON.stringify(res)}`);
  return Number(res[0]!.value[1]);
}

/** Sum of every line of metric `name` (any labels) on the server's /metrics; NaN when absent. */
async function metric(s: Server, name: string): Promise<number> {
  const r = await fetch(`${s.base}/metrics`, { headers: AUTH });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  let sum = NaN;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[1]);
  return sum;
}

/** Copies the shared generator into `dir` (never into ../shared) where `snappyjs` resolves from the repo's node_modules. */
function generatorCopy(dir: string): string {
  for (const f of ['fleet-write.mjs', 'node-template.prom']) {
    const src = join(SHARED_BENCH, f);
    if (!existsSync(src)) throw new Error(`${src} is missing: this test needs the shared bench tools beside the repo (../shared/bench)`);
    copyFileSync(src, join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  try {
    createRequire(join(dir, 'fleet-write.mjs')).resolve('snappyjs');
  } catch {
    throw new Error('snappyjs (a devDependency, for ../shared/bench/fleet-write.mjs) does not resolve from the repo\'s node_modules: run npm ci');
  }
  return join(dir, 'fleet-write.mjs');
}

interface LoadResult {
  series: number;
  samples: number;
  requests: number;
  errors: number;
  seconds: number;
  start: number;
  end: number;
}

const RW_HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };

/**
 * Requests the receiver must refuse with a 4xx, storing nothing. The well-formed WriteRequest
 * they start from carries job="hostile" series, so any sample of theirs that got stored shows.
 */
function hostileRequests(s: Server, endMs: number): { name: string; status: number; send: () => Promise<Response> }[] {
  const enc = new WriteRequestEncoder();
  for (let i = 0; i < 5; i++) {
    enc.series(encodeLabels(labelsFromRecord({ __name__: 'hostile_metric', instance: `intruder-${i}`, job: 'hostile' })));
    for (let k = 0; k < 4; k++) enc.sample(endMs - 60_000 + k * STEP_S * 1000, i * 10 + k);
  }
  const valid = compress(enc.finish().slice());
  const truncated = valid.slice(0, Math.floor(valid.length / 2));
  // Snappy that decodes, to bytes that are not a WriteRequest: field 1, length-delimited, announcing more than there is.
  const notProtobuf = compress(Uint8Array.from([0x0a, 0xff, 0xff, 0x03, 0x0a, 0x01]));
  // A snappy preamble announcing 64 MiB decompressed (the limit is 32 MiB).
  const huge = Uint8Array.from([0x80, 0x80, 0x80, 0x20, 0x00]);
  const url = `${s.base}/api/v1/write`;
  const post = (body: Uint8Array, headers: Record<string, string>) => () => fetch(url, { method: 'POST', body, headers });
  return [
    { name: 'garbage body', status: 400, send: post(new TextEncoder().encode('this is not a snappy block, only some text'), { ...AUTH, ...RW_HEADERS }) },
    { name: 'truncated snappy', status: 400, send: post(truncated, { ...AUTH, ...RW_HEADERS }) },
    { name: 'snappy of a non-WriteRequest', status: 400, send: post(notProtobuf, { ...AUTH, ...RW_HEADERS }) },
    { name: 'empty body', status: 400, send: post(new Uint8Array(0), { ...AUTH, ...RW_HEADERS }) },
    { name: 'wrong content type', status: 415, send: post(valid, { ...AUTH, ...RW_HEADERS, 'content-type': 'application/json' }) },
    { name: 'remote write 2.0 message', status: 415, send: post(valid, { ...AUTH, ...RW_HEADERS, 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }) },
    { name: 'gzip encoding', status: 415, send: post(valid, { ...AUTH, ...RW_HEADERS, 'content-encoding': 'gzip' }) },
    { name: 'announced 64 MiB', status: 413, send: post(huge, { ...AUTH, ...RW_HEADERS }) },
    { name: 'no credentials', status: 401, send: post(valid, RW_HEADERS) },
    { name: 'wrong token', status: 401, send: post(valid, { ...RW_HEADERS, authorization: 'Bearer not-the-token' }) },
  ];
}

/** An upload that announces 100 kB, sends a few bytes of a valid request and drops the connection. */
async function abortedUpload(s: Server, body: Uint8Array): Promise<void> {
  await new Promise<void>((res, rej) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write(
        `POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
          'Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\nContent-Length: 100000\r\n\r\n',
      );
      sock.write(body.subarray(0, 40), () => {
        sock.destroy();
        res();
      });
    });
    sock.on('error', rej);
  });
}

describe('remote write ingestion under the shared fleet load (end to end)', () => {
  it(`stores every sample of ${HOSTS} hosts x ${HOURS} h, refuses hostile requests meanwhile, and keeps them all across a restart`, { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-fleet-'));
    let server: Server | undefined;
    let gen: ChildProcess | undefined;
    try {
      await writeFile(join(dir, 'vigie.yml'), 'host:\n  enabled: false\n');
      await mkdir(join(dir, 'tool'));
      const generator = generatorCopy(join(dir, 'tool'));
      const template = readFileSync(join(dir, 'tool', 'node-template.prom'), 'utf8');
      const perHost = template.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      assert.equal(perHost, 507, 'the template is the node_exporter of ../shared/bench/README.md (507 series per host)');
      const series = HOSTS * perHost;
      const samples = series * STEPS;
      // Whole minutes, as the benches do; the samples are at end - STEPS*15s ... end - 15s.
      const end = Math.floor(Date.now() / 60_000) * 60_000;
      const last = end - STEP_S * 1000;

      const t0 = Date.now();
      const phases: string[] = [];
      const phase = (name: string): void => void phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const a = (server = await startServer(dir));
      phase('ready');
      assert.equal(await metric(a, 'vigie_remote_write_received_samples_stored_total'), 0, 'nothing received before the load');

      gen = spawn(process.execPath, ['--import', AUTH_FETCH, generator, '--template', join(dir, 'tool', 'node-template.prom'), '--url', `${a.base}/api/v1/write`,
        '--hosts', String(HOSTS), '--hours', String(HOURS), '--step', String(STEP_S), '--end', String(end), '--conc', '4'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, VIGIE_BENCH_TOKEN: TOKEN, VIGIE_BENCH_ORIGINS: a.base },
      });
      let genOut = '';
      let genErr = '';
      gen.stdout!.on('data', (b: Buffer) => (genOut += b.toString()));
      gen.stderr!.on('data', (b: Buffer) => (genErr += b.toString()));
      const genExit = new Promise<number | null>((r) => gen!.on('exit', (code) => r(code)));
      let genDone = false;
      void genExit.then(() => (genDone = true));

      // While the load runs: rounds of hostile requests, each answered with its 4xx, and the server keeps serving.
      const hostile = hostileRequests(a, end);
      const validBody = compress(new TextEncoder().encode('x'.repeat(200)));
      let rounds = 0;
      let roundsDuringLoad = 0;
      const seen = new Map<string, number[]>();
      while (!genDone) {
        const answers = await Promise.all(hostile.map(async (h) => {
          const r = await h.send();
          return { h, status: r.status, text: await r.text() };
        }));
        await abortedUpload(a, validBody);
        for (const { h, status, text } of answers) {
          assert.equal(status, h.status, `${h.name}: ${status} ${text}`);
          assert.ok(status >= 400 && status < 500, h.name);
          seen.set(h.name, [...(seen.get(h.name) ?? []), status]);
        }
        const healthy = await fetch(`${a.base}/-/healthy`);
        assert.equal(healthy.status, 200, await healthy.text());
        rounds++;
        // A round counts as concurrent with the load when the generator was still running once it ended.
        if (!genDone) roundsDuringLoad++;
        await new Promise((r) => setTimeout(r, 200));
      }
      const code = await genExit;
      phase('loaded');
      assert.equal(code, 0, `fleet-write exited ${code}: ${genErr}`);
      const load = JSON.parse(genOut.trim().split('\n').pop()!) as LoadResult;
      console.log(`fleet load: ${JSON.stringify(load)}; ${rounds} hostile rounds (${roundsDuringLoad} during the load)`);
      assert.ok(roundsDuringLoad >= 2, `hostile rounds during the load: ${roundsDuringLoad}`);
      assert.equal(seen.size, hostile.length);

      // The generator: no failed request, the series and samples expected of its arguments.
      assert.equal(load.errors, 0, genErr);
      assert.equal(load.series, series);
      assert.equal(load.samples, samples);
      assert.equal(load.end, end);
      assert.equal(load.start, end - STEPS * STEP_S * 1000);

      // The receiver's own counters: every sample sent stored, none refused; the hostile requests counted nothing.
      assert.equal(await metric(a, 'vigie_remote_write_received_samples_stored_total'), samples);
      assert.equal(await metric(a, 'vigie_remote_write_received_samples_total'), samples);
      assert.equal(await metric(a, 'vigie_remote_write_received_requests_total'), load.requests);
      const rejected = await metric(a, 'vigie_remote_write_received_samples_rejected_total');
      assert.ok(Number.isNaN(rejected) || rejected === 0, `rejected samples: ${rejected}`);
      assert.equal(await metric(a, 'vigie_tsdb_head_series_created_total'), series);

      // PromQL: every series, and every sample of the window (start .. last, both ends included by (start - 15s, last]).
      const check = async (s: Server, when: string): Promise<void> => {
        assert.equal(await scalarOf(s, 'count({job="node"})', end), series, `${when}: series at the end of the window`);
        assert.equal(await scalarOf(s, 'count(count by (instance) ({job="node"}))', end), HOSTS, `${when}: hosts`);
        assert.equal(await scalarOf(s, `sum(count_over_time({job="node"}[${HOURS}h]))`, last), samples, `${when}: samples in the window`);
        assert.deepEqual(await query(s, `count_over_time({job="node"}[${HOURS}h]) != ${STEPS}`, last), [], `${when}: a series without exactly ${STEPS} samples`);
        // Each series' first and last samples sit exactly at the window's ends.
        assert.equal(await scalarOf(s, `count(count_over_time({job="node"}[${STEP_S}s]))`, load.start), series, `${when}: a sample of every series at the window's start`);
        assert.deepEqual(await query(s, 'count_over_time({job="node"}[1h])', load.start - 1), [], `${when}: nothing before the window`);
        assert.equal(await scalarOf(s, 'min(timestamp({job="node"}))', end), last / 1000, `${when}: last sample of every series`);
        // Nothing but the fleet landed: no hostile series, no other job.
        assert.deepEqual(await query(s, `count by (job) (count_over_time({__name__=~".+"}[${HOURS + 1}h]))`, end), [{ metric: { job: 'node' }, value: [end / 1000, String(series)] }], `${when}: only the fleet's series`);
      };
      await check(a, 'after the load');
      phase('checked');

      // Still alive and healthy after all that; a clean SIGTERM.
      assert.equal(a.child.exitCode, null, a.logs());
      const healthy = await fetch(`${a.base}/-/healthy`);
      assert.equal(healthy.status, 200, await healthy.text());
      assert.equal(await stop(a), 0, a.logs());
      assert.doesNotMatch(a.logs(), /"level":(5|6)0/, 'no error logged');
      server = undefined;
      phase('stopped');

      // Restarted on the same data dir: nothing acknowledged is lost.
      const b = (server = await startServer(dir));
      phase('restarted');
      await check(b, 'after a restart');
      phase('checked');
      assert.equal(await stop(b), 0, b.logs());
      server = undefined;
      phase('stopped');
      console.log(`fleet test phases: ${phases.join(', ')}`);
    } finally {
      if (gen !== undefined && gen.exitCode === null) gen.kill('SIGKILL');
      if (server !== undefined && server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
