import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger, systemClock, waitUntil } from '../common/index.js';
import { isStaleNaN, labelValue } from '../model/index.js';
import { DEFAULT_PROBE_MODULES } from '../probe/index.js';
import { openStateDb } from '../state/index.js';
import { MemStorage } from '../storage/index.js';
import { IncidentStore } from './incidents.js';
import { type ProbeJobConfig, ProbeScheduler, firstPlannedStart, probeTimeoutMs } from './scheduler.js';
import { Semaphore } from './semaphore.js';
import { BatchedAppender } from './batch.js';
import type { Appendable } from '../storage/index.js';
import { memAppendable, readSeries, startHttpServer, startTcpServer } from './testutil.js';

const job = (over: Partial<ProbeJobConfig> & { targets: readonly string[] }): ProbeJobConfig => ({
  job_name: 'web',
  module: 'http_2xx',
  interval: 400,
  timeout: 3000,
  slow_threshold: 0,
  labels: {},
  ...over,
});

function newScheduler(mem: MemStorage, extra: Partial<ConstructorParameters<typeof ProbeScheduler>[0]> = {}): ProbeScheduler {
  return new ProbeScheduler({ appendable: memAppendable(mem), clock: systemClock, logger: silentLogger(), ...extra });
}

const lastValue = (mem: MemStorage, sel: Record<string, string>): number | undefined => {
  const s = readSeries(mem, sel)[0];
  return s === undefined || s.t.length === 0 ? undefined : s.v[s.t.length - 1];
};

describe('ProbeScheduler', () => {
  it('stores probe results labelled job/instance/module plus the job labels, with the report series', { timeout: 60_000 }, async () => {
    const http = await startHttpServer();
    const tcp = await startTcpServer('SSH-2.0-OpenSSH_9.2\r\n');
    const mem = new MemStorage();
    const s = newScheduler(mem);
    const ctl = new AbortController();
    try {
      await s.applyConfig(
        [job({ targets: [`${http.url}/a`], labels: { team: 'ops' } }), job({ job_name: 'ssh', module: 'ssh_banner', targets: [tcp.address] })],
        DEFAULT_PROBE_MODULES,
      );
      s.start(ctl.signal);
      await waitUntil(() => lastValue(mem, { __name__: 'probe_success', job: 'ssh' }) !== undefined && lastValue(mem, { __name__: 'probe_success', job: 'web' }) !== undefined, 30_000, 'first probes');
      const web = readSeries(mem, { __name__: 'probe_success', job: 'web' })[0]!;
      assert.equal(web.key, `probe_success{instance="${http.url}/a", job="web", module="http_2xx", team="ops"}`);
      assert.equal(lastValue(mem, { __name__: 'probe_success', job: 'ssh' }), 1);
      const phases = readSeries(mem, { __name__: 'probe_http_duration_seconds', job: 'web' }).map((x) => labelValue(x.labels, 'phase')).sort();
      assert.deepEqual(phases, ['connect', 'processing', 'resolve', 'tls', 'transfer'].filter((p) => phases.includes(p)));
      assert.ok(phases.includes('connect'), `phases: ${phases.join(',')}`);
      for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']) {
        assert.equal(readSeries(mem, { __name__: name, job: 'web', instance: `${http.url}/a`, module: 'http_2xx' }).length, 1, name);
      }
      assert.equal(lastValue(mem, { __name__: 'up', job: 'web' }), 1);
      const t = s.targets().find((x) => x.job === 'ssh')!;
      assert.equal(t.health.status, 'up');
    } finally {
      ctl.abort();
      await s.stop();
      await http.close();
      await tcp.close();
    }
  });

  it('moves a target between up, slow and down and records incidents that open and close', { timeout: 90_000 }, async () => {
    const http = await startHttpServer();
    const db = openStateDb(':memory:');
    const mem = new MemStorage();
    const store = new IncidentStore(db);
    const s = newScheduler(mem, { incidents: store });
    const ctl = new AbortController();
    const target = `${http.url}/x`;
    const health = () => s.targets()[0]!.health;
    try {
      http.slowMs = 600;
      await s.applyConfig([job({ targets: [target], slow_threshold: 300 })], DEFAULT_PROBE_MODULES);
      s.start(ctl.signal);
      await waitUntil(() => health().status === 'up', 30_000, 'up');
      assert.equal(store.list({ limit: 10 }).length, 0);

      http.mode = 'error';
      await waitUntil(() => health().status === 'down', 30_000, 'down');
      assert.equal(health().last?.httpStatusCode, 500);
      const [down] = store.list({ limit: 10 });
      assert.equal(down?.status, 'down');
      assert.equal(down?.endMs, undefined);
      assert.match(down.reason, /500/);

      http.mode = 'slow';
      await waitUntil(() => health().status === 'slow', 30_000, 'slow');
      const [slow, closedDown] = store.list({ limit: 10 });
      assert.equal(slow?.status, 'slow');
      assert.match(slow.reason, /over the 0.3s slow threshold/);
      assert.equal(closedDown?.id, down.id);
      assert.ok(closedDown.endMs !== undefined && closedDown.endMs >= down.startMs);

      http.mode = 'ok';
      await waitUntil(() => health().status === 'up', 30_000, 'recovered');
      assert.ok(store.list({ limit: 10 }).every((i) => i.endMs !== undefined), 'every incident closed');
      assert.equal(health().incident, undefined);
    } finally {
      ctl.abort();
      await s.stop();
      db.close();
      await http.close();
    }
  });

  it('opens an incident only after `incidentAfter` consecutive failures', { timeout: 60_000 }, async () => {
    const http = await startHttpServer();
    const db = openStateDb(':memory:');
    const store = new IncidentStore(db);
    const mem = new MemStorage();
    const s = newScheduler(mem, { incidents: store, incidentAfter: 3 });
    const ctl = new AbortController();
    try {
      http.mode = 'error';
      await s.applyConfig([job({ targets: [`${http.url}/n`] })], DEFAULT_PROBE_MODULES);
      s.start(ctl.signal);
      await waitUntil(() => (http.arrivals.get('/n')?.length ?? 0) >= 2, 30_000, 'two probes');
      const failuresSeen = readSeries(mem, { __name__: 'probe_success' })[0]?.t.length ?? 0;
      if (failuresSeen < 3) assert.equal(store.list({ limit: 10 }).length, 0, 'no incident before the third failure');
      await waitUntil(() => store.list({ limit: 10 }).length === 1, 30_000, 'incident after three failures');
      const i = store.list({ limit: 10 })[0]!;
      const samples = readSeries(mem, { __name__: 'probe_success' })[0]!;
      assert.equal(i.startMs, samples.t[0], 'dated from the first failure');
    } finally {
      ctl.abort();
      await s.stop();
      db.close();
      await http.close();
    }
  });

  it('keeps an open incident across a restart with the same state file and closes it on the next success', { timeout: 90_000 }, async () => {
    const http = await startHttpServer();
    const dir = await mkdtemp(join(tmpdir(), 'vigie-uptime-'));
    const file = join(dir, 'vigie.db');
    const target = `${http.url}/p`;
    try {
      http.mode = 'error';
      {
        const db = openStateDb(file);
        const s = newScheduler(new MemStorage(), { incidents: new IncidentStore(db) });
        const ctl = new AbortController();
        await s.applyConfig([job({ targets: [target] })], DEFAULT_PROBE_MODULES);
        s.start(ctl.signal);
        await waitUntil(() => s.targets()[0]!.health.incident !== undefined, 30_000, 'incident opened');
        ctl.abort();
        await s.stop();
        db.close();
      }
      const db = openStateDb(file);
      const store = new IncidentStore(db);
      const s = newScheduler(new MemStorage(), { incidents: store });
      const ctl = new AbortController();
      try {
        const [open] = store.openIncidents();
        assert.ok(open, 'incident still open after the restart');
        await s.applyConfig([job({ targets: [target] })], DEFAULT_PROBE_MODULES);
        assert.equal(s.targets()[0]!.health.incident?.id, open.id, 'the target carries its open incident');
        http.mode = 'ok';
        s.start(ctl.signal);
        await waitUntil(() => store.openIncidents().length === 0, 30_000, 'incident closed');
        const [closed] = store.list({ limit: 1 });
        assert.equal(closed?.id, open.id);
        assert.ok(closed.endMs! > open.startMs);
      } finally {
        ctl.abort();
        await s.stop();
        db.close();
      }
    } finally {
      await http.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes staleness markers for the series of a removed target and closes its incident', { timeout: 60_000 }, async () => {
    const http = await startHttpServer();
    const db = openStateDb(':memory:');
    const store = new IncidentStore(db);
    const mem = new MemStorage();
    const s = newScheduler(mem, { incidents: store });
    const ctl = new AbortController();
    const a = `${http.url}/a`;
    const b = `${http.url}/b`;
    try {
      http.mode = 'error';
      await s.applyConfig([job({ targets: [a, b] })], DEFAULT_PROBE_MODULES);
      s.start(ctl.signal);
      await waitUntil(() => store.openIncidents().length === 2, 30_000, 'both probed');
      await s.applyConfig([job({ targets: [b] })], DEFAULT_PROBE_MODULES);
      const gone = readSeries(mem, { instance: a });
      assert.ok(gone.length >= 8, `series of a: ${gone.length}`);
      for (const x of gone) assert.ok(isStaleNaN(x.v[x.t.length - 1]!), `${x.key} ends with a staleness marker`);
      const kept = readSeries(mem, { __name__: 'probe_success', instance: b })[0]!;
      assert.ok(!isStaleNaN(kept.v[kept.t.length - 1]!));
      assert.deepEqual(store.openIncidents().map((i) => i.instance), [b]);
      assert.deepEqual(s.targets().map((t) => t.instance), [b]);
      // a job's labels changing: old series stale, new ones written
      await s.applyConfig([job({ targets: [b], labels: { env: 'prod' } })], DEFAULT_PROBE_MODULES);
      const old = readSeries(mem, { __name__: 'probe_success', instance: b }).find((x) => labelValue(x.labels, 'env') === '')!;
      assert.ok(isStaleNaN(old.v[old.t.length - 1]!));
      await waitUntil(() => readSeries(mem, { __name__: 'probe_success', instance: b, env: 'prod' }).length === 1, 30_000, 'relabelled series');
    } finally {
      ctl.abort();
      await s.stop();
      db.close();
      await http.close();
    }
  });

  it('never runs more probes at once than its bound', { timeout: 90_000 }, async () => {
    const http = await startHttpServer();
    http.mode = 'slow';
    http.slowMs = 1500;
    const mem = new MemStorage();
    const s = newScheduler(mem, { maxConcurrency: 3 });
    const ctl = new AbortController();
    try {
      const targets = Array.from({ length: 12 }, (_, i) => `${http.url}/c${i}`);
      await s.applyConfig([job({ targets, interval: 1000 })], DEFAULT_PROBE_MODULES);
      s.start(ctl.signal);
      await waitUntil(() => http.arrivals.size === 12, 60_000, 'every target probed');
      assert.ok(http.maxInFlight <= 3, `max in flight ${http.maxInFlight}`);
      assert.ok(http.maxInFlight >= 2, `the bound was reached (max in flight ${http.maxInFlight})`);
    } finally {
      ctl.abort();
      await s.stop();
      await http.close();
    }
  });

  it('aborts probes in flight on stop', { timeout: 60_000 }, async () => {
    const http = await startHttpServer();
    http.mode = 'hang';
    const mem = new MemStorage();
    const s = newScheduler(mem);
    const ctl = new AbortController();
    try {
      await s.applyConfig([job({ targets: [`${http.url}/h`], interval: 2000, timeout: 120_000 })], DEFAULT_PROBE_MODULES);
      s.start(ctl.signal);
      await waitUntil(() => http.inFlight === 1, 50_000, 'probe in flight');
      const stopped = s.stop();
      await stopped;
      await waitUntil(() => http.inFlight === 0, 10_000, 'connection closed by the abort');
      assert.equal(readSeries(mem, { __name__: 'probe_success' }).length, 0, 'an aborted probe is not stored');
    } finally {
      ctl.abort();
      await s.stop();
      await http.close();
    }
  });

  it('spreads targets over the interval with a stable phase and derives timeouts', () => {
    const iv = 15_000;
    const now = 1_700_000_000_123;
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const key = `web\u0000http://127.0.0.1:8080/t/${i}`;
      const t = firstPlannedStart(now, iv, key);
      assert.ok(t >= now && t < now + iv, `${t} within [now, now + interval)`);
      assert.equal(firstPlannedStart(now + 7 * iv, iv, key) - t, 7 * iv, 'same phase later');
      buckets[Math.floor((t % iv) / (iv / 10))]!++;
    }
    for (const n of buckets) assert.ok(n >= 60 && n <= 140, `buckets ${buckets.join(',')}`);
    const m = DEFAULT_PROBE_MODULES['http_2xx']!;
    assert.equal(probeTimeoutMs(job({ targets: [], timeout: 2000 }), m), 2000);
    assert.equal(probeTimeoutMs(job({ targets: [], timeout: 0, interval: 10_000 }), { ...m, timeout: 4000 }), 4000);
    assert.equal(probeTimeoutMs(job({ targets: [], timeout: 0, interval: 10_000 }), { ...m, timeout: 0 }), 9000);
    assert.equal(probeTimeoutMs(job({ targets: [], timeout: 0, interval: 600_000 }), { ...m, timeout: 0 }), 120_000);
  });

  it('BatchedAppender commits many results in one batch, and flush commits at once', async () => {
    const commits: number[] = [];
    let pending = 0;
    const appendable: Appendable = {
      appender: () => {
        let n = 0;
        return {
          append: () => (n++, pending++, 0),
          commit: () => (commits.push(n), (pending -= n), Promise.resolve()),
          rollback: () => undefined,
        };
      },
    };
    const b = new BatchedAppender(appendable, 60_000, silentLogger());
    for (let i = 0; i < 5; i++) b.write((app) => app.append(0, [], i, 1));
    assert.deepEqual(commits, []);
    await b.flush();
    assert.deepEqual(commits, [5]);
    assert.equal(pending, 0);
    await b.flush();
    assert.deepEqual(commits, [5], 'nothing to commit');
    const short = new BatchedAppender(appendable, 10, silentLogger());
    short.write((app) => app.append(0, [], 1, 1));
    await waitUntil(() => commits.length === 2, 10_000, 'timed commit');
  });

  it('Semaphore hands slots out in order and drops waiters whose signal aborts', async () => {
    const sem = new Semaphore(1);
    const order: number[] = [];
    await sem.acquire(new AbortController().signal);
    const ac = new AbortController();
    const p1 = sem.acquire(new AbortController().signal).then(() => order.push(1));
    const p2 = sem.acquire(ac.signal).then(
      () => order.push(2),
      () => order.push(-2),
    );
    const p3 = sem.acquire(new AbortController().signal).then(() => order.push(3));
    assert.equal(sem.waiting, 3);
    ac.abort();
    await p2;
    sem.release();
    await p1;
    sem.release();
    await p3;
    assert.deepEqual(order, [-2, 1, 3]);
    assert.equal(sem.active, 1);
    assert.throws(() => new Semaphore(0), RangeError);
  });
});
