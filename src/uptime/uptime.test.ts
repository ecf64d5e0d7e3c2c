import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, silentLogger } from '../common/index.js';
import { labelsFromRecord } from '../model/index.js';
import { Engine } from '../promql/index.js';
import { MemStorage } from '../storage/index.js';
import { type InstantQueryFunc, UptimeCalculator, uptimeQuery } from './uptime.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function queryFunc(mem: MemStorage): { q: InstantQueryFunc; calls: string[] } {
  const engine = new Engine({});
  const calls: string[] = [];
  return {
    calls,
    q: async (expr, t, signal) => {
      calls.push(expr);
      const r = await engine.instantQuery(mem, expr, t, signal);
      assert.equal(r.type, 'vector');
      return r.type === 'vector' ? r.value : [];
    },
  };
}

describe('UptimeCalculator', () => {
  it('computes uptime over 24 h, 7 d and 30 d from stored probe_success samples', async () => {
    const now = 40 * DAY;
    const mem = new MemStorage();
    const series = (instance: string, job = 'web') => labelsFromRecord({ __name__: 'probe_success', job, instance, module: 'http_2xx' });
    // a: always up over 31 days, one sample a minute
    // b: down for the last 6 h (75% over 24 h), up before: 7 d = 1 - 6/168, 30 d = 1 - 6/720
    // c: probed only for the last 2 h, down half the time
    for (let t = now - 31 * DAY + MIN; t <= now; t += MIN) {
      mem.append(series('a'), t, 1);
      mem.append(series('b'), t, t > now - 6 * HOUR ? 0 : 1);
      if (t > now - 2 * HOUR) mem.append(series('c'), t, (t / MIN) % 2);
      mem.append(series('a', 'other'), t, 0);
    }
    const { q, calls } = queryFunc(mem);
    const clock = new ManualClock(now);
    const calc = new UptimeCalculator(q, clock, silentLogger());
    const u = await calc.forJob('web', new AbortController().signal);
    assert.deepEqual([...u.keys()].sort(), ['a', 'b', 'c']);
    assert.deepEqual(u.get('a'), { '24h': 1, '7d': 1, '30d': 1 });
    const b = u.get('b')!;
    // the window (now-24h, now] holds 1440 samples, 360 of them down
    assert.ok(Math.abs(b['24h']! - 0.75) < 1e-9, String(b['24h']));
    assert.ok(Math.abs(b['7d']! - (1 - 360 / (7 * 1440))) < 1e-9, String(b['7d']));
    assert.ok(Math.abs(b['30d']! - (1 - 360 / (30 * 1440))) < 1e-9, String(b['30d']));
    assert.ok(Math.abs(u.get('c')!['24h']! - 0.5) < 1e-9);
    assert.equal(calls.length, 3);
    // cached within the TTL, recomputed after
    await calc.forJob('web', new AbortController().signal);
    assert.equal(calls.length, 3);
    clock.advance(2 * MIN);
    await calc.forJob('web', new AbortController().signal);
    assert.equal(calls.length, 4, 'only the 24 h window expired');
  });

  it('answers from the previous figures while a refresh runs, and keeps them when it fails', async () => {
    let value = 1;
    let fail = false;
    let calls = 0;
    const q: InstantQueryFunc = () => {
      calls++;
      if (fail) return Promise.reject(new Error('storage unavailable'));
      return Promise.resolve([{ metric: labelsFromRecord({ instance: 'i' }), t: 0, v: value }]);
    };
    const clock = new ManualClock(DAY);
    const calc = new UptimeCalculator(q, clock, silentLogger());
    const get = async (): Promise<number | null | undefined> => (await calc.forJob('web', new AbortController().signal)).get('i')?.['24h'];
    assert.equal(await get(), 1);
    value = 0.5;
    clock.advance(2 * MIN);
    assert.equal(await get(), 1, 'stale figures while refreshing');
    await new Promise((r) => setImmediate(r));
    assert.equal(await get(), 0.5, 'refreshed');
    fail = true;
    clock.advance(2 * MIN);
    const before = calls;
    assert.equal(await get(), 0.5);
    await new Promise((r) => setImmediate(r));
    assert.equal(await get(), 0.5, 'a failed refresh keeps the previous figures');
    assert.ok(calls > before + 1, 'and is retried');
  });

  it('reports nothing for a job without samples and survives a failing query', async () => {
    const mem = new MemStorage();
    const calc = new UptimeCalculator(queryFunc(mem).q, new ManualClock(DAY), silentLogger());
    assert.equal((await calc.forJob('none', new AbortController().signal)).size, 0);
    const failing = new UptimeCalculator(() => Promise.reject(new Error('boom')), new ManualClock(DAY), silentLogger());
    assert.equal((await failing.forJob('web', new AbortController().signal)).size, 0);
  });

  it('quotes hostile job names into valid PromQL', async () => {
    const mem = new MemStorage();
    const job = 'we"b\\x\n}';
    mem.append(labelsFromRecord({ __name__: 'probe_success', job, instance: 'i' }), DAY - MIN, 1);
    assert.match(uptimeQuery(job, '24h'), /^avg by \(instance\) \(avg_over_time\(probe_success\{job="we\\"b\\\\x\\n\}"\}\[24h\]\)\)$/);
    const calc = new UptimeCalculator(queryFunc(mem).q, new ManualClock(DAY), silentLogger());
    assert.deepEqual((await calc.forJob(job, new AbortController().signal)).get('i'), { '24h': 1, '7d': 1, '30d': 1 });
  });
});
