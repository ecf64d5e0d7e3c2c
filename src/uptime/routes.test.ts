import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, silentLogger, systemClock, waitUntil } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { formatLabels, labelsFromRecord } from '../model/index.js';
import { DEFAULT_PROBE_MODULES } from '../probe/index.js';
import { type HttpServer, createHttpServer, createMetricsRegistry } from '../server/index.js';
import { openStateDb, type StateDb } from '../state/index.js';
import { MemStorage } from '../storage/index.js';
import { probeApiRoutes } from './api-routes.js';
import { IncidentStore } from './incidents.js';
import { probeRoute, requestTimeoutSeconds } from './probe-route.js';
import { ProbeScheduler } from './scheduler.js';
import { type TestHttpServer, memAppendable, readSeries, startHttpServer } from './testutil.js';


describe('probe routes', () => {
  let target: TestHttpServer;
  let server: HttpServer;
  let base = '';
  let db: StateDb;
  let store: IncidentStore;
  let scheduler: ProbeScheduler;
  const mem = new MemStorage();
  const stop = new AbortController();

  before(async () => {
    target = await startHttpServer();
    db = openStateDb(':memory:');
    store = new IncidentStore(db);
    const registry = createMetricsRegistry('test');
    scheduler = new ProbeScheduler({ appendable: memAppendable(mem), clock: systemClock, logger: silentLogger(), incidents: store, registry });
    await scheduler.applyConfig(
      [
        { job_name: 'blackbox', module: 'http_2xx', targets: [`${target.url}/ok`], interval: 1000, timeout: 0, slow_threshold: 0, labels: {} },
        { job_name: 'broken', module: 'tcp_connect', targets: ['127.0.0.1:1'], interval: 1000, timeout: 0, slow_threshold: 0, labels: {} },
      ],
      DEFAULT_PROBE_MODULES,
    );
    server = createHttpServer(
      { logger: silentLogger(), registry, isReady: () => true, reload: () => Promise.resolve(), config: () => parseConfig('', 'test').config, version: 'test' },
      [probeRoute({ modules: () => scheduler.currentModules() }), probeApiRoutes({ clock: systemClock, targets: () => scheduler.targets(), incidents: store })],
    );
    const addr = await server.listen('127.0.0.1', 0);
    base = `http://127.0.0.1:${addr.port}`;
    scheduler.start(stop.signal);
  });
  after(async () => {
    stop.abort();
    await scheduler.stop();
    await server.close();
    db.close();
    await target.close();
  });

  it('answers /probe like blackbox_exporter', { timeout: 30_000 }, async () => {
    let r = await fetch(`${base}/probe?module=http_2xx`);
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Target parameter is missing/);
    r = await fetch(`${base}/probe?module=nope&target=x`);
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Unknown module "nope"/);
    r = await fetch(`${base}/probe?target=${encodeURIComponent(`${target.url}/p`)}`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '3' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await r.text();
    assert.match(text, /^probe_success 1$/m);
    assert.match(text, /^# TYPE probe_http_status_code gauge$/m);
    assert.match(text, /^probe_timeout_seconds 2\.5$/m, 'scrape timeout minus the 0.5 s offset');
    r = await fetch(`${base}/probe?module=http_2xx&target=${encodeURIComponent(`${target.url}/p`)}`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': 'soon' } });
    assert.equal(r.status, 500);
    assert.match(await r.text(), /Failed to parse timeout from Prometheus header/);
    r = await fetch(`${base}/probe?module=http_2xx&debug=true&target=${encodeURIComponent(`${target.url}/p`)}`);
    const debug = await r.text();
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(debug, /^Logs for the probe:\n/);
    assert.match(debug, /\n\n\nMetrics that would have been returned:\n[^]*probe_success 1\n/);
    assert.match(debug, /\n\n\nModule configuration:\nprober: http\n/);
  });

  it('picks the probe timeout as blackbox_exporter does', () => {
    assert.equal(requestTimeoutSeconds(undefined, 0, 0.5), 119.5);
    assert.equal(requestTimeoutSeconds('10', 0, 0.5), 9.5);
    assert.equal(requestTimeoutSeconds('10', 5000, 0.5), 5);
    assert.equal(requestTimeoutSeconds('10', 20_000, 0.5), 9.5);
    assert.equal(requestTimeoutSeconds('0.2', 0, 0.5), 0, 'negative after the offset: the module timeout (unset)');
    assert.equal(requestTimeoutSeconds('0.2', 3000, 0.5), 3);
    for (const bad of ['abc', 'NaN', 'Infinity', '1s']) assert.throws(() => requestTimeoutSeconds(bad, 0, 0.5), RangeError, bad);
  });

  it('serves the targets and the incident history as JSON', { timeout: 30_000 }, async () => {
    await waitUntil(() => scheduler.targets().every((t) => t.health.status !== 'unknown'), 20_000, 'both targets probed');
    const body = (await (await fetch(`${base}/api/v1/probes`)).json()) as { status: string; data: Record<string, unknown>[] };
    assert.equal(body.status, 'success');
    const ok = body.data.find((t) => t['job'] === 'blackbox')!;
    assert.equal(ok['status'], 'up');
    assert.equal(ok['instance'], `${target.url}/ok`);
    assert.equal(ok['module'], 'http_2xx');
    const last = ok['lastProbe'] as Record<string, unknown>;
    assert.equal(last['httpStatusCode'], 200);
    assert.ok(typeof last['durationSeconds'] === 'number');
    assert.ok(typeof (last['phases'] as Record<string, number>)['connect'] === 'number');
    assert.deepEqual(ok['uptime'], { '24h': null, '7d': null, '30d': null });
    const down = body.data.find((t) => t['job'] === 'broken')!;
    assert.equal(down['status'], 'down');
    assert.match(String(down['reason']), /refused/i);
    assert.equal((down['incident'] as Record<string, unknown>)['open'], true);

    const inc = (await (await fetch(`${base}/api/v1/probes/incidents?job=broken&limit=5`)).json()) as { status: string; data: Record<string, unknown>[] };
    assert.equal(inc.data.length, 1);
    assert.equal(inc.data[0]!['instance'], '127.0.0.1:1');
    assert.equal(inc.data[0]!['status'], 'down');
    assert.equal(inc.data[0]!['end'], null);
    const none = (await (await fetch(`${base}/api/v1/probes/incidents?job=blackbox`)).json()) as { data: unknown[] };
    assert.equal(none.data.length, 0);
    const later = (await (await fetch(`${base}/api/v1/probes/incidents?until=2000-01-01T00:00:00Z`)).json()) as { data: unknown[] };
    assert.equal(later.data.length, 0);
    for (const q of ['limit=abc', 'limit=0', 'limit=99999999', 'since=yesterday', 'until=1e999', 'since=20&until=10']) {
      const r = await fetch(`${base}/api/v1/probes/incidents?${q}`);
      assert.equal(r.status, 400, q);
      const e = (await r.json()) as { status: string; errorType: string; error: string };
      assert.equal(e.status, 'error');
      assert.equal(e.errorType, 'bad_data');
      assert.match(e.error, /invalid parameter/, q);
    }
  });

  it('is scraped by a real Prometheus as its blackbox exporter, storing the series the scheduler stores', { timeout: 120_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-probe-prom-'));
    const port = await freePort();
    const addr = new URL(base).host;
    const probed = `${target.url}/ok`;
    const procs: ChildProcess[] = [];
    t.after(async () => {
      for (const p of procs) {
        if (p.exitCode !== null) continue;
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    });
    const config = `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets: ['${probed}']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: module
        replacement: http_2xx
      - target_label: __address__
        replacement: ${addr}
`;
    await writeFile(join(dir, 'prometheus.yml'), config);
    let stderr = '';
    const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(prom);
    prom.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const promApi = `http://127.0.0.1:${port}/api/v1`;
    type Series = Record<string, string>[];
    const series = async (): Promise<Series> => {
      const r = await fetch(`${promApi}/series?match[]=${encodeURIComponent('{job="blackbox"}')}`);
      return ((await r.json()) as { data: Series }).data;
    };
    await waitUntil(
      async () => {
        try {
          return (await series()).some((s) => s['__name__'] === 'probe_success');
        } catch {
          return false;
        }
      },
      90_000,
      `Prometheus storing probe_success (stderr: ${stderr.slice(-500)})`,
    );
    const r = await fetch(`${promApi}/query?query=${encodeURIComponent('probe_success{job="blackbox"}')}`);
    const q = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(q.data.result[0]?.value[1], '1');
    const fromProm = (await series()).map((s) => formatLabels(labelsFromRecord(s))).sort();
    await waitUntil(() => readSeries(mem, { job: 'blackbox' }).length > 0, 20_000, 'scheduler results');
    const fromVigie = readSeries(mem, { job: 'blackbox' })
      .map((s) => s.key)
      .sort();
    assert.deepEqual(fromVigie, fromProm);
    assert.ok(fromProm.includes(`probe_success{instance="${probed}", job="blackbox", module="http_2xx"}`), fromProm.join('\n'));
  });
});
