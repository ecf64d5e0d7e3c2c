import { waitUntil } from '../common/index.js';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { type Labels, Matcher, labelsFromRecord } from '../model/index.js';
import { Engine, type Result } from '../promql/index.js';
import { type RemoteSample, createRemoteWrite } from '../remote/index.js';
import { MemoryQueryable, type MemorySeries, collectSamples } from '../storage/index.js';
import { RemoteQueryable, parseExport } from './index.js';


const until = waitUntil;

const hasVm = spawnSync('sh', ['-c', 'command -v victoria-metrics'], { stdio: 'ignore' }).status === 0;

/** Comparable form of a result: series keyed by labels, points as "t:v". */
function norm(r: Result): string[] {
  const key = (m: Labels) => m.map((l) => `${l.name}=${l.value}`).join(',');
  switch (r.type) {
    case 'vector':
      return r.value.map((s) => `${key(s.metric)} ${s.t}:${s.v}`).sort();
    case 'matrix':
      return r.value.map((s) => `${key(s.metric)} ${Array.from(s.t, (t, i) => `${t}:${s.v[i]}`).join(' ')}`).sort();
    case 'scalar':
    case 'string':
      return [`${r.value.t}:${r.value.v}`];
  }
}

describe('RemoteQueryable against a real VictoriaMetrics fed by Vigie remote write', () => {
  it('answers PromQL (instant, range, rate, sum by, subquery) and label queries like the same samples in memory', { timeout: 120_000 }, async (t) => {
    if (!hasVm) {
      t.skip('SKIPPED: victoria-metrics binary not found (apt-get install victoria-metrics)');
      console.warn('remoteread.test: victoria-metrics not installed, end-to-end test SKIPPED');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'vigie-rr-vm-'));
    const port = 20000 + Math.floor(Math.random() * 2000);
    const vm: ChildProcess = spawn(
      'victoria-metrics',
      [`-storageDataPath=${join(dir, 'vm')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-search.disableCache'],
      { stdio: 'ignore' },
    );
    const senders: ReturnType<typeof createRemoteWrite>[] = [];
    t.after(async () => {
      for (const s of senders) await s.close();
      if (vm.exitCode === null) {
        vm.kill('SIGTERM');
        await new Promise((r) => vm.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    });
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok === true, 30_000, 'VM to start');

    // 6 counters and 2 gauges (one with a 10-minute gap), every 15s for 1h. Values exact in VM's decimal encoding.
    const t0 = 1_700_000_000_000;
    const steps = 240;
    const mem: MemorySeries[] = [];
    const samples: RemoteSample[] = [];
    const add = (rec: Record<string, string>, value: (i: number) => number | undefined): void => {
      const labels = labelsFromRecord(rec);
      const ts: number[] = [];
      const vs: number[] = [];
      for (let i = 0; i < steps; i++) {
        const v = value(i);
        if (v === undefined) continue;
        ts.push(t0 + i * 15_000);
        vs.push(v);
        samples.push({ labels, t: t0 + i * 15_000, v });
      }
      mem.push({ labels, t: ts, v: vs });
    };
    for (const instance of ['a', 'b', 'c']) {
      for (const code of ['200', '500']) {
        const k = instance.charCodeAt(0) - 96;
        add({ __name__: 'rr_requests_total', job: 'api', instance, code }, (i) => (code === '200' ? i * 10 * k : Math.floor(i / 7) * k) + (i > 150 && instance === 'b' ? -1000 * k : 0) + (i > 150 && instance === 'b' ? 1000 * k : 0));
      }
    }
    add({ __name__: 'rr_temp', room: 'kitchen' }, (i) => 20 + (i % 10) * 0.25);
    add({ __name__: 'rr_temp', room: 'cellar' }, (i) => (i >= 100 && i < 140 ? undefined : 12.5 + (i % 4)));

    const yml = `remote_write:\n  - url: ${base}/api/v1/write\n    name: vm\n    queue_config: {batch_send_deadline: 100ms, max_samples_per_send: 1000}\n`;
    const cfg = parseConfig(yml, 'test.yml').config;
    const sender = createRemoteWrite({ configs: cfg.remote_write, externalLabels: {}, dataDir: join(dir, 'vigie'), logger: silentLogger(), userAgent: 'Vigie/test' });
    senders.push(sender);
    sender.enqueue(samples);
    await until(() => sender.stats()[0]!.samplesPending === 0, 30_000, 'samples sent');
    assert.equal(sender.stats()[0]!.samplesSent, samples.length);
    await fetch(`${base}/internal/force_flush`).then((r) => r.text());

    const remote = new RemoteQueryable({ url: base, timeoutMs: 10_000 });
    const local = new MemoryQueryable(mem);
    await until(async () => {
      const snap = await remote.prepare([{ matchers: [new Matcher('=~', '__name__', 'rr_.*')], mint: t0, maxt: t0 + steps * 15_000 }]);
      const set = snap.querier(t0, t0 + steps * 15_000).select([new Matcher('=~', '__name__', 'rr_.*')]);
      let n = 0;
      while (set.next()) n += collectSamples(set.at().iterator()).t.length;
      return n === samples.length;
    }, 30_000, 'every sample searchable in VM');

    const engine = new Engine();
    const end = t0 + 59 * 60_000;
    const instant = [
      'rr_requests_total',
      'rate(rr_requests_total[5m])',
      'sum by (code) (rate(rr_requests_total[5m]))',
      'rr_temp',
      'max_over_time(rate(rr_requests_total{code="200"}[1m])[10m:1m] offset 2m)',
      'sum(rr_requests_total) / on() group_left count(rr_temp)',
      'absent(nope_total)',
      'rr_temp[3m]',
    ];
    for (const q of instant) {
      for (const at of [end, t0 + 100 * 15_000 + 120_000]) {
        const [a, b] = await Promise.all([engine.instantQuery(remote, q, at), engine.instantQuery(local, q, at)]);
        assert.deepEqual(norm(a), norm(b), `instant ${q} @ ${at}`);
        if (q !== 'absent(nope_total)') assert.ok(norm(a).length > 0, `instant ${q} has a result`);
      }
    }
    const range = ['rr_temp', 'rate(rr_requests_total[5m])', 'sum by (code) (rate(rr_requests_total[5m]))', 'increase(rr_requests_total{instance="b"}[2m]) and on(instance) rr_requests_total > 10'];
    for (const q of range) {
      const [a, b] = await Promise.all([engine.rangeQuery(remote, q, t0, end, 60_000), engine.rangeQuery(local, q, t0, end, 60_000)]);
      assert.deepEqual(norm(a), norm(b), `range ${q}`);
      assert.ok(norm(a).length > 0, `range ${q} has a result`);
    }

    // Label names and values through the standard endpoints.
    const rq = remote.querier(t0, end);
    const lq = local.querier(t0, end);
    const byName = [new Matcher('=', '__name__', 'rr_requests_total')];
    assert.deepEqual(await rq.labelNames(byName), await lq.labelNames(byName));
    assert.deepEqual(await rq.labelValues('instance', byName), ['a', 'b', 'c']);
    assert.deepEqual(await rq.labelValues('room', [new Matcher('=~', '__name__', 'rr_.*')]), ['cellar', 'kitchen']);

    // Labels-only selections (the series endpoint) go through /api/v1/series.
    const snap = await remote.prepare([{ matchers: [new Matcher('=', '__name__', 'rr_temp')], mint: t0, maxt: end, labelsOnly: true }]);
    const set = snap.querier(t0, end).select([new Matcher('=', '__name__', 'rr_temp')], { labelsOnly: true });
    const names: string[] = [];
    while (set.next()) names.push(set.at().labels.map((l) => l.value).join('/'));
    assert.deepEqual(names, ['rr_temp/cellar', 'rr_temp/kitchen']);

    // Without prepare, or outside what was prepared, select reports an error instead of an empty answer.
    assert.match(remote.querier(t0, end).select(byName).err()?.message ?? '', /needs Queryable.prepare/);
    assert.match(snap.querier(t0 - 1, end).select([new Matcher('=', '__name__', 'rr_temp')], { labelsOnly: true }).err()?.message ?? '', /not prepared/);
  });
});

describe('RemoteQueryable without VictoriaMetrics', () => {
  it('reads the query section of the config', () => {
    const d = parseConfig('', 'a.yml').config.query;
    assert.deepEqual(d, { remote_timeout: 30_000, headers: {}, lookback_delta: 300_000, timeout: 120_000, max_samples: 50_000_000 });
    const q = parseConfig('query:\n  remote_url: http://vm:8428\n  lookback_delta: 1m\n  authorization: {credentials: x}\n', 'a.yml').config.query;
    assert.equal(q.remote_url, 'http://vm:8428');
    assert.equal(q.lookback_delta, 60_000);
    assert.equal(q.authorization?.type, 'Bearer');
    assert.throws(() => parseConfig('query:\n  remote_url: ftp://x\n', 'a.yml'), /a\.yml:2.*http/s);
    assert.throws(() => parseConfig('query:\n  basic_auth: {username: u}\n  authorization: {credentials: x}\n', 'a.yml'), /at most one/);
  });

  it('parses export lines: merges a series split over lines, sorts, keeps one sample per timestamp, clips to the range', () => {
    const text = [
      '{"metric":{"__name__":"x","a":"1"},"values":[3,4],"timestamps":[3000,4000]}',
      '{"metric":{"a":"1","__name__":"x"},"values":[1,"NaN",5],"timestamps":[1000,2000,4000]}',
      '{"metric":{"__name__":"y"},"values":["+Inf","-Inf"],"timestamps":[1000,9000]}',
      '',
    ].join('\n');
    const s = parseExport(text, 0, 5000);
    assert.equal(s.length, 2);
    assert.deepEqual(s[0]!.t, [1000, 2000, 3000, 4000]);
    assert.deepEqual(Array.from(s[0]!.v), [1, NaN, 3, 5]);
    assert.deepEqual(s[1]!.t, [1000]);
    assert.deepEqual(Array.from(s[1]!.v), [Infinity]);
    assert.throws(() => parseExport('{"metric":{},"values":[1],"timestamps":[]}', 0, 1), /equal lengths/);
  });

  it('sends credentials and headers, times out, reports non-2xx answers', async (t) => {
    const seen: { auth?: string | undefined; tenant?: string | undefined; body: string }[] = [];
    let mode: 'ok' | 'slow' | 'error' = 'ok';
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, tenant: req.headers['x-scope-orgid'] as string | undefined, body });
        if (mode === 'slow') return void setTimeout(() => res.end('{}'), 500);
        if (mode === 'error') return void res.writeHead(503).end('overloaded');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: ['job', '__name__'] }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => srv.close());
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/prefix/`;
    const basic = new RemoteQueryable({ url, timeoutMs: 200, headers: { 'X-Scope-OrgID': 't1' }, basicAuth: { username: 'u', password: 'p' } });
    assert.deepEqual(await basic.querier(1000, 2000).labelNames([new Matcher('=', 'job', 'x')]), ['__name__', 'job']);
    assert.equal(seen[0]!.auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(seen[0]!.tenant, 't1');
    assert.equal(new URLSearchParams(seen[0]!.body).get('match[]'), '{job="x"}');
    assert.equal(new URLSearchParams(seen[0]!.body).get('start'), '1.000');
    const bearer = new RemoteQueryable({ url, timeoutMs: 200, authorization: { type: 'Bearer', credentials: 'tok' } });
    await bearer.querier(0, 1).labelValues('job');
    assert.equal(seen[1]!.auth, 'Bearer tok');
    mode = 'slow';
    await assert.rejects(bearer.querier(0, 1).labelNames(), /timed out after 200ms/);
    mode = 'error';
    await assert.rejects(bearer.prepare([{ matchers: [new Matcher('=', '__name__', 'up')], mint: 0, maxt: 1 }]), /HTTP 503: overloaded/);
  });
});
