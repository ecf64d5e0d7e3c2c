// PromQL compliance against Prometheus, after github.com/prometheus/compliance (promql/):
// the 539 expanded queries of ../shared/conformance/compliance are sent as range queries
// (window of 10 min ending 12 min before "now", step 10 s, as the upstream tester's defaults)
// to Vigie (`bin/vigie server`) and to Debian's Prometheus, both holding identical data, and
// the two matrices are compared with the tester's rules (series sorted by labels, identical
// label sets and timestamps, values within a relative 1e-5, NaN equal to NaN).
//
// The upstream data is 3 PromLabs demo-service instances scraped every 5 s. There is no
// network here, so `demoData` below generates the same series names, label sets, types and
// scrape cadence (per-target scrape offset, a few ms of jitter, staleness markers when
// demo_intermittent_metric disappears, one target restart resetting its counters) for 2 h,
// and the same remote-write requests are sent to both systems.
// Queries go by GET; --post sends them as POSTed forms, as the upstream tester (Go client_golang) does.
// Usage: node dist/bench/compliance.js [--filter REGEX] [--verbose] [--post] [--out bench/results]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compress } from '../src/remote/snappy.js';
import { PROM_URL, ROOT, VIGIE_AUTH, sleep, start, startPrometheus, vigieEnv, waitHttp } from './peers.js';

const { values: args } = parseArgs({
  options: { filter: { type: 'string' }, verbose: { type: 'boolean', default: false }, post: { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results' } },
});
const VIGIE_URL = 'http://127.0.0.1:19401';
const QUERIES = resolve(ROOT, '../shared/conformance/compliance/promql-test-queries.expanded.tsv');
const SCRAPE_MS = 5000;
const HISTORY_MS = 2 * 3600_000;
const RANGE_S = 600;
const STEP_S = 10;
const FRACTION = 1e-5;
const MARGIN = 0;

// ---------------------------------------------------------------- data -----------------

type Pairs = [string, string][];
interface Series { labels: Pairs; t: number[]; v: number[] }

let seed = 4242;
const rnd = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
/** Bits of Prometheus' staleness marker (value.StaleNaN). */
const STALE = Symbol('stale');

/** The demo service's series for 3 targets, scraped every 5 s over [end - 2 h, end]. */
function demoData(end: number): Series[] {
  const out = new Map<string, Series>();
  const put = (labels: Pairs, t: number, v: number | typeof STALE): void => {
    const sorted = [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const key = JSON.stringify(sorted);
    let s = out.get(key);
    if (!s) out.set(key, (s = { labels: sorted, t: [], v: [] }));
    s.t.push(t);
    s.v.push(v === STALE ? NaN : v);
    if (v === STALE) staleAt.add(`${key}@${t}`);
  };
  const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  const combos: [string, string, string, number, number][] = [ // path, method, status, requests/s, median latency
    ['/api/foo', 'GET', '200', 6, 0.03], ['/api/foo', 'GET', '500', 0.3, 0.2], ['/api/foo', 'POST', '200', 2, 0.08],
    ['/api/bar', 'GET', '200', 4, 0.05], ['/api/bar', 'POST', '200', 1.5, 0.12], ['/api/bar', 'POST', '500', 0.2, 0.6],
    ['/api/nonexistent', 'GET', '404', 0.5, 0.002],
  ];
  const memTypes: [string, number][] = [['buffers', 1.2e8], ['cached', 6.4e8], ['free', 1.7e9], ['used', 1.3e9]];
  const modes: [string, number][] = [['idle', 0.7], ['system', 0.1], ['user', 0.2]];
  for (let i = 0; i < 3; i++) {
    const instance = `demo.promlabs.com:${10000 + i}`;
    const base: Pairs = [['instance', instance], ['job', 'demo']];
    const offset = [1234, 2871, 4012][i]!;
    const cpus = [4, 8, 6][i]!;
    const restartAt = i === 1 ? Math.floor((end - 17 * 60_000) / SCRAPE_MS) * SCRAPE_MS : Infinity;
    const cpu = modes.map(() => rnd() * 1e5);
    const hist = combos.map(() => ({ b: buckets.map(() => 0), sum: 0, count: 0 }));
    let disk = 3e10 + rnd() * 1e10;
    let lastSuccess = 0, present = false, restarted = false;
    const phase = rnd() * 6;
    for (let t0 = Math.ceil((end - HISTORY_MS) / SCRAPE_MS) * SCRAPE_MS + offset; t0 <= end; t0 += SCRAPE_MS) {
      const t = t0 + Math.floor(rnd() * 4); // scrape timestamps jitter by a few ms
      const sec = t / 1000;
      if (!restarted && t >= restartAt) { // the target restarts: counters start over
        restarted = true;
        cpu.fill(0);
        for (const h of hist) { h.b.fill(0); h.sum = 0; h.count = 0; }
      }
      put([['__name__', 'up'], ...base], t, 1);
      put([['__name__', 'scrape_duration_seconds'], ...base], t, 0.002 + rnd() * 0.004);
      put([['__name__', 'scrape_samples_scraped'], ...base], t, 113);
      put([['__name__', 'demo_num_cpus'], ...base], t, cpus);
      for (const [type, m] of memTypes) {
        const v = m * (1 + 0.15 * Math.sin(sec / 900 + phase + m)) + Math.round(rnd() * 4096) * 1024;
        put([['__name__', 'demo_memory_usage_bytes'], ['type', type], ...base], t, v);
      }
      modes.forEach(([mode, share], k) => {
        cpu[k]! += cpus * share * (SCRAPE_MS / 1000) * (0.8 + 0.4 * rnd());
        put([['__name__', 'demo_cpu_usage_seconds_total'], ['mode', mode], ...base], t, cpu[k]!);
      });
      disk += 2e4 + rnd() * 4e4;
      if (disk > 9e10) disk = 3e10; // cleanup
      put([['__name__', 'demo_disk_usage_bytes'], ...base], t, disk);
      put([['__name__', 'demo_disk_total_bytes'], ...base], t, 1e11);
      if (t - lastSuccess * 1000 >= 3 * 60_000 + i * 20_000) lastSuccess = Math.floor(sec);
      put([['__name__', 'demo_batch_last_success_timestamp_seconds'], ...base], t, lastSuccess);
      put([['__name__', 'demo_batch_last_run_duration_seconds'], ...base], t, 20 + rnd() * 10);
      const shouldBe = Math.floor(t / 60_000) % 5 < 2 + i % 2; // present 2 or 3 minutes out of 5
      if (shouldBe) put([['__name__', 'demo_intermittent_metric'], ...base], t, 1);
      else if (present) put([['__name__', 'demo_intermittent_metric'], ...base], t, STALE);
      present = shouldBe;
      combos.forEach(([path, method, status, rate, median], k) => {
        const h = hist[k]!;
        const n = Math.floor(rate * (SCRAPE_MS / 1000) * 2 * rnd() + rnd());
        for (let r = 0; r < n; r++) {
          const lat = median * Math.exp(0.8 * (rnd() + rnd() + rnd() - 1.5) * 2);
          h.sum += lat;
          h.count++;
          buckets.forEach((le, b) => { if (le === '+Inf' || lat <= Number(le)) h.b[b]!++; });
        }
        const lb: Pairs = [['method', method], ['path', path], ['status', status], ...base];
        buckets.forEach((le, b) => put([['__name__', 'demo_api_request_duration_seconds_bucket'], ['le', le], ...lb], t, h.b[b]!));
        put([['__name__', 'demo_api_request_duration_seconds_sum'], ...lb], t, h.sum);
        put([['__name__', 'demo_api_request_duration_seconds_count'], ...lb], t, h.count);
      });
    }
  }
  return [...out.values()];
}
const staleAt = new Set<string>();

// A minimal prometheus.WriteRequest encoder writing value bytes directly (so the staleness
// marker keeps its NaN payload).
class Proto {
  parts: number[] = [];
  varint(x: number): void {
    while (x >= 0x80) { this.parts.push((x % 128) | 0x80); x = Math.floor(x / 128); }
    this.parts.push(x);
  }
  len(tag: number, body: number[]): void { this.parts.push(tag); this.varint(body.length); for (const b of body) this.parts.push(b); }
}
function str(s: string): number[] { return [...Buffer.from(s)]; }
function sampleBytes(v: number, t: number, stale: boolean): number[] {
  const p = new Proto();
  const b = Buffer.alloc(8);
  if (stale) { b.writeUInt32LE(0x00000002, 0); b.writeUInt32LE(0x7ff00000, 4); } else b.writeDoubleLE(v, 0);
  p.parts.push(0x09, ...b);
  p.parts.push(0x10);
  p.varint(t);
  return p.parts;
}
/** Remote-write bodies, each holding every series' samples in [from, to). */
function writeRequests(series: Series[], from: number, to: number, chunkMs: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let a = from; a < to; a += chunkMs) {
    const req = new Proto();
    for (const s of series) {
      const key = JSON.stringify(s.labels);
      const ts = new Proto();
      for (const [k, v] of s.labels) {
        const l = new Proto();
        l.len(0x0a, str(k));
        l.len(0x12, str(v));
        ts.len(0x0a, l.parts);
      }
      let n = 0;
      s.t.forEach((t, j) => {
        if (t < a || t >= a + chunkMs) return;
        ts.len(0x12, sampleBytes(s.v[j]!, t, staleAt.has(`${key}@${t}`)));
        n++;
      });
      if (n) req.len(0x0a, ts.parts);
    }
    bodies.push(Buffer.from(compress(Uint8Array.from(req.parts))));
  }
  return bodies;
}

/** Vigie's bench token for requests to Vigie; nothing for the reference. */
function authFor(url: string): Record<string, string> {
  return url === VIGIE_URL ? { ...VIGIE_AUTH } : {};
}

async function remoteWrite(url: string, body: Buffer): Promise<void> {
  const r = await fetch(`${url}/api/v1/write`, {
    method: 'POST', body,
    headers: { ...authFor(url), 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
  });
  if (!r.ok) throw new Error(`${url}: remote write ${r.status} ${await r.text()}`);
}

// ------------------------------------------------------------ comparison ---------------

interface Sample { metric: Record<string, string>; values: [number, string][] }
interface Answer { ok: boolean; status: number; error?: string; resultType?: string; result?: Sample[] }

async function rangeQuery(url: string, q: string, startS: number, endS: number): Promise<Answer> {
  const body = new URLSearchParams({ query: q, start: startS.toFixed(3), end: endS.toFixed(3), step: String(STEP_S) });
  const r = args.post
    ? await fetch(`${url}/api/v1/query_range`, { method: 'POST', body, headers: { ...authFor(url), 'Content-Type': 'application/x-www-form-urlencoded' } })
    : await fetch(`${url}/api/v1/query_range?${body.toString()}`, { headers: authFor(url) });
  const text = await r.text();
  let j: { status?: string; error?: string; data?: { resultType: string; result: Sample[] } };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    return { ok: false, status: r.status, error: `HTTP ${r.status}: ${text.slice(0, 200)}` };
  }
  if (j.status !== 'success' || !j.data) return { ok: false, status: r.status, error: `HTTP ${r.status}: ${j.error ?? text.slice(0, 200)}` };
  return { ok: true, status: r.status, resultType: j.data.resultType, result: j.data.result ?? [] };
}

const labelKey = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
const num = (s: string): number => (s === '+Inf' || s === 'Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
function approxEqual(x: number, y: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= Math.max(MARGIN, FRACTION * Math.min(Math.abs(x), Math.abs(y)));
}

/** Why the two matrices differ, or undefined when they match. */
function diff(vigie: Sample[], prom: Sample[]): string | undefined {
  const sort = (r: Sample[]): Sample[] => [...r].sort((a, b) => (labelKey(a.metric) < labelKey(b.metric) ? -1 : labelKey(a.metric) > labelKey(b.metric) ? 1 : 0));
  const v = sort(vigie), p = sort(prom);
  const fmt = (m: Record<string, string>): string => labelKey(m).replace(/"/g, '');
  if (v.length !== p.length) {
    const pk = new Set(p.map((s) => labelKey(s.metric))), vk = new Set(v.map((s) => labelKey(s.metric)));
    const extra = v.find((s) => !pk.has(labelKey(s.metric))), missing = p.find((s) => !vk.has(labelKey(s.metric)));
    return `${v.length} series vs Prometheus ${p.length}${extra ? `; extra ${fmt(extra.metric)}` : ''}${missing ? `; missing ${fmt(missing.metric)}` : ''}`;
  }
  for (let i = 0; i < v.length; i++) {
    const a = v[i]!, b = p[i]!;
    if (labelKey(a.metric) !== labelKey(b.metric)) return `labels ${fmt(a.metric)} vs Prometheus ${fmt(b.metric)}`;
    const at = a.values.map((x) => x[0]), bt = b.values.map((x) => x[0]);
    if (at.length !== bt.length || at.some((t, j) => Math.round(t * 1000) !== Math.round(bt[j]! * 1000))) {
      const j = at.findIndex((t, k) => Math.round(t * 1000) !== Math.round((bt[k] ?? NaN) * 1000));
      return `${fmt(a.metric)}: ${at.length} points vs Prometheus ${bt.length}${j >= 0 ? `, first different timestamp ${at[j]} vs ${bt[j] ?? '-'}` : ''}`;
    }
    for (let j = 0; j < a.values.length; j++) {
      const x = num(a.values[j]![1]), y = num(b.values[j]![1]);
      if (!approxEqual(x, y)) return `${fmt(a.metric)} @${a.values[j]![0]}: ${a.values[j]![1]} vs Prometheus ${b.values[j]![1]}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- main -----------------

interface Outcome { query: string; shouldFail: boolean; verdict: 'pass' | 'fail' | 'unsupported'; reason: string; refSeries: number; refPoints: number }

async function main(): Promise<void> {
  const queries = readFileSync(QUERIES, 'utf8').trim().split('\n').slice(1).map((l) => {
    const [query, shouldFail, skip] = l.split('\t');
    return { query: query!, shouldFail: shouldFail === 'true', skip: skip === 'true' };
  }).filter((q) => !args.filter || new RegExp(args.filter).test(q.query));
  const work = mkdtempSync(join(tmpdir(), 'vigie-compliance-'));
  writeFileSync(join(work, 'vigie.yml'), 'host:\n  enabled: false\nstorage:\n  retention:\n    time: 30d\n');
  const vigie = start(join(ROOT, 'bin/vigie'), ['server', '--config', join(work, 'vigie.yml'), '--data-dir', join(work, 'vigie'), '--listen', '127.0.0.1:19401', '--log.level', 'warn'], vigieEnv());
  const prom = startPrometheus(work);
  try {
    await Promise.all([waitHttp(`${VIGIE_URL}/-/ready`), waitHttp(`${PROM_URL}/-/ready`)]);
    const now = Date.now();
    const dataEnd = now - 5000;
    const series = demoData(dataEnd);
    const bodies = writeRequests(series, dataEnd - HISTORY_MS - SCRAPE_MS, dataEnd + 1, 5 * 60_000);
    const samples = series.reduce((n, s) => n + s.t.length, 0);
    console.error(`loading ${series.length} series, ${samples} samples in ${bodies.length} requests into both...`);
    for (const b of bodies) await Promise.all([remoteWrite(VIGIE_URL, b), remoteWrite(PROM_URL, b)]);
    await sleep(1000);
    // The upstream tester's defaults: end = now - 12 min, 10 min window, 10 s step.
    const endS = (now - 12 * 60_000) / 1000, startS = endS - RANGE_S;
    const outcomes: Outcome[] = [];
    for (const { query, shouldFail, skip } of queries) {
      const [v, p] = await Promise.all([rangeQuery(VIGIE_URL, query, startS, endS), rangeQuery(PROM_URL, query, startS, endS)]);
      let verdict: Outcome['verdict'] = 'pass', reason = '';
      if (shouldFail) {
        if (p.ok) { verdict = 'fail'; reason = 'Prometheus (reference) succeeded on a should_fail query'; }
        else if (v.ok) { verdict = 'fail'; reason = `Vigie succeeded, Prometheus failed: ${p.error}`; }
      } else if (!p.ok) { verdict = 'fail'; reason = `reference error (upstream would abort): ${p.error}`; }
      else if (!v.ok) { verdict = v.error?.includes('501') ? 'unsupported' : 'fail'; reason = `Vigie error: ${v.error}`; }
      else if (!skip) {
        if (v.resultType !== p.resultType) { verdict = 'fail'; reason = `resultType ${v.resultType} vs Prometheus ${p.resultType}`; }
        else { const d = diff(v.result!, p.result!); if (d) { verdict = 'fail'; reason = d; } }
      }
      const refSeries = p.result?.length ?? 0, refPoints = p.result?.reduce((k, s) => k + s.values.length, 0) ?? 0;
      outcomes.push({ query, shouldFail, verdict, reason, refSeries, refPoints });
      if (verdict !== 'pass' || args.verbose) console.log(`${verdict.toUpperCase().padEnd(11)} ${query}${reason ? `\n            ${reason}` : ''}`);
    }
    const n = (k: Outcome['verdict']): number => outcomes.filter((o) => o.verdict === k).length;
    console.log(`\n${outcomes.length} queries: ${n('pass')} passed, ${n('fail')} failed, ${n('unsupported')} unsupported (501); ` +
      `match rate ${((100 * n('pass')) / outcomes.length).toFixed(1)}%. Native-histogram / experimental queries in this list: 0.`);
    const empty = outcomes.filter((o) => !o.shouldFail && o.refSeries === 0).length;
    console.log(`Prometheus returned ${outcomes.reduce((k, o) => k + o.refPoints, 0)} points in all; ${empty} queries that should succeed returned no series there.`);
    mkdirSync(resolve(ROOT, args.out), { recursive: true });
    writeFileSync(resolve(ROOT, args.out, `compliance-${new Date().toISOString().slice(0, 19)}.json`), JSON.stringify({ end: endS, outcomes }, null, 2));
  } finally {
    for (const p of [vigie, prom]) p.kill('SIGTERM');
    await sleep(1500);
    rmSync(work, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
