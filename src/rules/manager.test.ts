import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, silentLogger, systemClock, waitUntil } from '../common/index.js';
import { Matcher, isStaleNaN, labelsFromRecord } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import { Engine } from '../promql/index.js';
import { type AlertingRuleState, type AlertTransition, type GroupEvaluation, type RuleAlert, type RuleFile, RuleManager, memAppendable } from './index.js';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);

function rig(files: RuleFile[], opts: { restore?: boolean; mem?: MemStorage; clock?: ManualClock } = {}) {
  const mem = opts.mem ?? new MemStorage();
  const clock = opts.clock ?? new ManualClock(T0);
  const sent: RuleAlert[][] = [];
  const transitions: AlertTransition[] = [];
  const manager = new RuleManager({
    engine: new Engine({ clock }),
    queryable: mem,
    appendable: memAppendable(mem),
    sendAlerts: (a) => sent.push([...a]),
    evaluationIntervalMs: 15_000,
    externalURL: 'http://vigie.test:9090/',
    externalLabels: { site: 'paris' },
    restoreForState: opts.restore ?? false,
    onTransitions: (t) => transitions.push(...t),
    clock,
    logger: silentLogger(),
  });
  return { mem, clock, sent, transitions, manager };
}

function file(rules: RuleFile['groups'][number]['rules'], extra: Partial<RuleFile['groups'][number]> = {}): RuleFile {
  return { path: 'rules.yml', groups: [{ name: 'g', limit: 0, labels: {}, rules, ...extra }] };
}

const alert = (name: string, expr: string, forMs: number, more: Partial<{ keepFiringForMs: number; labels: Record<string, string>; annotations: Record<string, string> }> = {}) =>
  ({ kind: 'alerting', alert: name, expr, forMs, keepFiringForMs: more.keepFiringForMs ?? 0, labels: more.labels ?? {}, annotations: more.annotations ?? {} }) as const;

/** Values of the series matching `selector` at `t` through the engine. */
async function instant(mem: MemStorage, expr: string, t: number): Promise<Record<string, number>> {
  const r = await new Engine().instantQuery(mem, expr, t);
  assert.equal(r.type, 'vector');
  const out: Record<string, number> = {};
  if (r.type === 'vector') for (const e of r.value) out[e.metric.map((l) => `${l.name}=${l.value}`).join(',')] = e.v;
  return out;
}

function rawSamples(mem: MemStorage, name: string): { t: number; v: number }[] {
  const q = mem.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', name)]);
  const out: { t: number; v: number }[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push({ t: it.t, v: it.v });
  }
  return out;
}

test('recording rule: __name__ and labels applied, stale marker when a series disappears', async () => {
  const { mem, manager } = rig([file([{ kind: 'recording', record: 'job:up:sum', expr: 'sum by (job) (up)', labels: { team: 'ops' } }])]);
  mem.append(labelsFromRecord({ __name__: 'up', job: 'api', instance: 'a' }), T0 - 1000, 1);
  mem.append(labelsFromRecord({ __name__: 'up', job: 'db', instance: 'b' }), T0 - 1000, 1);
  await manager.update([file([{ kind: 'recording', record: 'job:up:sum', expr: 'sum by (job) (up)', labels: { team: 'ops' } }])]);
  const g = manager.groups()[0]!;
  await g.evaluate(T0);
  assert.deepEqual(await instant(mem, 'job:up:sum', T0), { '__name__=job:up:sum,job=api,team=ops': 1, '__name__=job:up:sum,job=db,team=ops': 1 });
  mem.append(labelsFromRecord({ __name__: 'up', job: 'api', instance: 'a' }), T0 + 1000, 1);
  // db's sample is now older than the lookback at T0 + 6m: only api remains.
  await g.evaluate(T0 + 301_000);
  const all = rawSamples(mem, 'job:up:sum');
  assert.equal(all.length, 4);
  assert.ok(all.some((s) => s.t === T0 + 301_000 && isStaleNaN(s.v)), 'the db series got a stale marker');
  assert.equal(g.rules[0]!.health, 'ok');
});

test('recording rule: duplicate output and limit fail the evaluation with Prometheus messages', async () => {
  const { mem, manager } = rig([]);
  mem.append(labelsFromRecord({ __name__: 'a', x: '1' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'b', x: '1' }), T0, 2);
  await manager.update([file([{ kind: 'recording', record: 'r', expr: '{x="1"}', labels: {} }])]);
  await manager.groups()[0]!.evaluate(T0);
  assert.equal(manager.groups()[0]!.rules[0]!.health, 'err');
  assert.equal(manager.groups()[0]!.rules[0]!.lastError, 'vector contains metrics with the same labelset after applying rule labels');
  mem.append(labelsFromRecord({ __name__: 'c', y: '1' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'c', y: '2' }), T0, 1);
  await manager.update([{ path: 'rules.yml', groups: [{ name: 'lim', limit: 1, labels: {}, rules: [{ kind: 'recording', record: 'r2', expr: 'c', labels: {} }] }] }]);
  await manager.groups()[0]!.evaluate(T0);
  assert.equal(manager.groups()[0]!.rules[0]!.lastError, 'exceeded limit of 1 with 2 series');
});

test('alerting rule: inactive → pending → firing → resolved, ALERTS series, sends per the notifier contract', async () => {
  const f = file([alert('ApiDown', 'up{job="api"} == 0', 60_000, { labels: { severity: 'page' } })]);
  const { mem, manager, sent, transitions } = rig([f]);
  await manager.update([f]);
  const g = manager.groups()[0]!;
  const rule = g.rules[0] as AlertingRuleState;
  const up = labelsFromRecord({ __name__: 'up', job: 'api', instance: 'a' });
  for (let t = T0; t <= T0 + 120_000; t += 15_000) mem.append(up, t, t < T0 + 15_000 ? 1 : 0);
  await g.evaluate(T0);
  assert.equal(rule.state(), 'inactive');
  await g.evaluate(T0 + 15_000);
  assert.equal(rule.state(), 'pending');
  assert.deepEqual(Object.keys(await instant(mem, 'ALERTS', T0 + 15_000)), ['__name__=ALERTS,alertname=ApiDown,alertstate=pending,instance=a,job=api,severity=page']);
  assert.deepEqual(Object.values(await instant(mem, 'ALERTS_FOR_STATE', T0 + 15_000)), [(T0 + 15_000) / 1000]);
  assert.equal(sent.length, 0, 'pending alerts are not sent');
  await g.evaluate(T0 + 60_000);
  assert.equal(rule.state(), 'pending', 'for not yet elapsed (45 s)');
  await g.evaluate(T0 + 75_000);
  assert.equal(rule.state(), 'firing');
  assert.equal(sent.length, 1);
  const a = sent[0]![0]!;
  assert.deepEqual(a.labels, { alertname: 'ApiDown', instance: 'a', job: 'api', severity: 'page', site: 'paris' });
  assert.equal(a.startsAt, T0 + 75_000);
  assert.equal(a.endsAt, T0 + 75_000 + 4 * 60_000, 'endsAt = now + 4 × max(resend delay, interval)');
  assert.equal(a.generatorURL, 'http://vigie.test:9090/graph?g0.expr=up%7Bjob%3D%22api%22%7D+%3D%3D+0&g0.tab=1');
  assert.deepEqual(Object.keys(await instant(mem, 'ALERTS', T0 + 75_000)), ['__name__=ALERTS,alertname=ApiDown,alertstate=firing,instance=a,job=api,severity=page']);
  await g.evaluate(T0 + 90_000);
  assert.equal(sent.length, 1, 'not re-sent before the resend delay');
  // Recovery: up = 1 from T0 + 165 s.
  for (let t = T0 + 165_000; t <= T0 + 300_000; t += 15_000) mem.append(up, t, 1);
  await g.evaluate(T0 + 150_000);
  assert.equal(sent.length, 2, 'a firing alert is re-sent after the resend delay');
  await g.evaluate(T0 + 165_000);
  assert.equal(rule.state(), 'inactive');
  assert.equal(sent.length, 3, 'the resolution is sent at once');
  assert.equal(sent[2]![0]!.endsAt, T0 + 165_000);
  const alerts = rawSamples(mem, 'ALERTS');
  assert.ok(isStaleNaN(alerts.at(-1)!.v), 'ALERTS gets a stale marker when the alert ends');
  await g.evaluate(T0 + 240_000);
  assert.equal(sent.length, 4, 'resolved alerts are re-sent while kept');
  assert.equal(rule.active.size, 1);
  await g.evaluate(T0 + 165_000 + 15 * 60_000 + 15_000);
  assert.equal(rule.active.size, 0, 'resolved alerts are dropped after 15 min');
  assert.deepEqual(
    transitions.map((t) => `${t.from}>${t.state}@${(t.t - T0) / 1000}`),
    ['inactive>pending@15', 'pending>firing@75', 'firing>resolved@165'],
  );
});

test('alerting rule: a pending alert that clears is recorded as resolved from pending; for: 0 fires at once', async () => {
  const f = file([alert('Flappy', 'x > 0', 60_000), alert('Now', 'x > 0', 0)]);
  const { mem, manager, transitions, sent } = rig([f]);
  await manager.update([f]);
  const g = manager.groups()[0]!;
  mem.append(labelsFromRecord({ __name__: 'x' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'x' }), T0 + 10_000, 0);
  await g.evaluate(T0);
  await g.evaluate(T0 + 15_000);
  assert.deepEqual(
    transitions.map((t) => `${t.alertname}:${t.from}>${t.state}`),
    ['Flappy:inactive>pending', 'Now:inactive>firing', 'Flappy:pending>resolved', 'Now:firing>resolved'],
  );
  assert.equal(sent.flat().filter((a) => a.labels['alertname'] === 'Flappy').length, 0);
});

test('alerting rule: duplicate label sets after alert labels, and limit, are evaluation errors', async () => {
  const f = file([alert('Dup', '{x="1"}', 0)]);
  const { mem, manager } = rig([f]);
  mem.append(labelsFromRecord({ __name__: 'a', x: '1' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'b', x: '1' }), T0, 1);
  await manager.update([f]);
  await manager.groups()[0]!.evaluate(T0);
  assert.equal(manager.groups()[0]!.rules[0]!.lastError, 'vector contains metrics with the same labelset after applying alert labels');
  mem.append(labelsFromRecord({ __name__: 'c', y: '1' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'c', y: '2' }), T0, 1);
  const f2: RuleFile = { path: 'rules.yml', groups: [{ name: 'lim', limit: 1, labels: {}, rules: [alert('Many', 'c', 0)] }] };
  await manager.update([f2]);
  await manager.groups()[0]!.evaluate(T0);
  assert.equal(manager.groups()[0]!.rules[0]!.lastError, 'exceeded limit of 1 with 2 alerts');
});

test('keep_firing_for keeps an alert firing after the condition clears', async () => {
  const f = file([alert('Sticky', 'x > 0', 0, { keepFiringForMs: 60_000 })]);
  const { mem, manager } = rig([f]);
  await manager.update([f]);
  const g = manager.groups()[0]!;
  const rule = g.rules[0] as AlertingRuleState;
  mem.append(labelsFromRecord({ __name__: 'x' }), T0, 1);
  mem.append(labelsFromRecord({ __name__: 'x' }), T0 + 10_000, 0);
  await g.evaluate(T0);
  assert.equal(rule.state(), 'firing');
  await g.evaluate(T0 + 15_000);
  assert.equal(rule.state(), 'firing');
  assert.equal(rule.activeAlerts()[0]!.keepFiringSince, T0 + 15_000);
  await g.evaluate(T0 + 60_000);
  assert.equal(rule.state(), 'firing');
  await g.evaluate(T0 + 75_000);
  assert.equal(rule.state(), 'inactive');
});

test('query_offset shifts the evaluation time back; group labels are added to every rule', async () => {
  const f = file([{ kind: 'recording', record: 'r', expr: 'x', labels: { own: 'y' } }], { queryOffsetMs: 60_000, labels: { grp: 'z' } });
  const { mem, manager } = rig([f]);
  mem.append(labelsFromRecord({ __name__: 'x' }), T0 - 60_000, 7);
  mem.append(labelsFromRecord({ __name__: 'x' }), T0, 9);
  await manager.update([f]);
  await manager.groups()[0]!.evaluate(T0);
  assert.deepEqual(rawSamples(mem, 'r'), [{ t: T0 - 60_000, v: 7 }]);
  assert.deepEqual(Object.keys(await instant(mem, 'r', T0 - 60_000)), ['__name__=r,grp=z,own=y']);
});

test('update keeps the state of unchanged rules and drops changed ones', async () => {
  const f = file([alert('A', 'x > 0', 600_000), alert('B', 'x > 0', 600_000)]);
  const { mem, manager } = rig([f]);
  mem.append(labelsFromRecord({ __name__: 'x' }), T0, 1);
  await manager.update([f]);
  await manager.groups()[0]!.evaluate(T0);
  const f2 = file([alert('A', 'x > 0', 600_000), alert('B', 'x > 0.5', 600_000), { kind: 'recording', record: 'r', expr: 'x', labels: {} }]);
  await manager.update([f2]);
  const [a, b] = manager.groups()[0]!.rules as AlertingRuleState[];
  assert.equal(a!.state(), 'pending');
  assert.equal(a!.activeAlerts()[0]!.activeAt, T0);
  assert.equal(b!.state(), 'inactive', 'B changed (expr): starts over');
  assert.equal(b!.health, 'unknown');
  const same = manager.groups()[0];
  await manager.update([f2]);
  assert.equal(manager.groups()[0], same, 'an identical group keeps running as is');
  // A reload with a new global evaluation interval rebuilds the group, alerts kept.
  await manager.update([f2], { evaluationIntervalMs: 30_000, externalLabels: { site: 'paris' } });
  assert.notEqual(manager.groups()[0], same);
  assert.equal(manager.groups()[0]!.intervalMs, 30_000);
  assert.equal((manager.groups()[0]!.rules[0] as AlertingRuleState).activeAlerts()[0]!.activeAt, T0);
});

test("restart in the middle keeps the pending clock (for restored from ALERTS_FOR_STATE)", async () => {
  const mem = new MemStorage();
  const f = file([alert('ApiDown', 'up == 0', 60_000)]);
  const up = labelsFromRecord({ __name__: 'up', job: 'api' });
  for (let t = T0 - 30_000; t <= T0 + 300_000; t += 5_000) mem.append(up, t, 0);
  // First run: pending from T0, evaluated at T0 and T0 + 15 s, then the process stops.
  const first = rig([f], { mem, restore: false });
  await first.manager.update([f]);
  await first.manager.groups()[0]!.evaluate(T0);
  await first.manager.groups()[0]!.evaluate(T0 + 15_000);
  // Restart 30 s later: 15 s of pending were spent, the 30 s of downtime do not count.
  const clock = new ManualClock(T0 + 45_000);
  const second = rig([f], { mem, restore: true, clock });
  await second.manager.update([f]);
  const g = second.manager.groups()[0]!;
  const rule = g.rules[0] as AlertingRuleState;
  await g.evaluate(T0 + 45_000);
  assert.equal(rule.restored, true);
  assert.equal(rule.activeAlerts()[0]!.activeAt, T0 + 30_000, 'activeAt moved forward by the downtime');
  assert.equal(g.nextForExpiry(), T0 + 90_000, 'fires 45 s after the restart (60 s − 15 s spent)');
  await g.evaluate(T0 + 89_000);
  assert.equal(rule.state(), 'pending');
  await g.evaluate(T0 + 90_000);
  assert.equal(rule.state(), 'firing');
  // Without restoring, the clock would have started over at the restart.
  const third = rig([f], { mem: new MemStorage(), restore: true, clock: new ManualClock(T0 + 45_000) });
  for (let t = T0 - 30_000; t <= T0 + 300_000; t += 5_000) third.mem.append(up, t, 0);
  await third.manager.update([f]);
  await third.manager.groups()[0]!.evaluate(T0 + 45_000);
  assert.equal((third.manager.groups()[0]!.rules[0] as AlertingRuleState).activeAlerts()[0]!.activeAt, T0 + 45_000, 'nothing stored: a fresh clock');
});

test('restore gives a long `for` at least the grace period after a restart, as Prometheus', async () => {
  const mem = new MemStorage();
  const f = file([alert('Slow', 'up == 0', 20 * 60_000)]);
  for (let t = T0 - 30_000; t <= T0 + 3_600_000; t += 15_000) mem.append(labelsFromRecord({ __name__: 'up' }), t, 0);
  const first = rig([f], { mem });
  await first.manager.update([f]);
  await first.manager.groups()[0]!.evaluate(T0);
  await first.manager.groups()[0]!.evaluate(T0 + 15 * 60_000); // 15 min spent, 5 left: less than the grace period
  const second = rig([f], { mem, restore: true, clock: new ManualClock(T0 + 16 * 60_000) });
  await second.manager.update([f]);
  const g = second.manager.groups()[0]!;
  await g.evaluate(T0 + 16 * 60_000);
  assert.equal(g.nextForExpiry(), T0 + 26 * 60_000, 'fires 10 min (grace) after the restart');
});

test('a pending alert fires when its `for` expires, not at the next interval (extra evaluation)', async (t) => {
  const mem = new MemStorage();
  const clock = systemClock;
  const start = clock.now();
  for (let i = -10; i <= 600; i++) mem.append(labelsFromRecord({ __name__: 'up', job: 'api' }), start + i * 1000, 0);
  const sent: RuleAlert[][] = [];
  const manager = new RuleManager({
    engine: new Engine(),
    queryable: mem,
    appendable: memAppendable(mem),
    sendAlerts: (a) => sent.push([...a]),
    evaluationIntervalMs: 3_600_000,
    restoreForState: false,
    clock,
    logger: silentLogger(),
  });
  // Interval 1 h: without the extra evaluation the alert would fire an hour after it went pending.
  const f: RuleFile = { path: 'x.yml', groups: [{ name: 'g', intervalMs: 2_000, limit: 0, labels: {}, rules: [alert('ApiDown', 'up{job="api"} == 0', 1_500)] }] };
  await manager.update([f]);
  manager.start();
  t.after(() => manager.stop());
  const rule = manager.groups()[0]!.rules[0] as AlertingRuleState;
  await waitUntil(() => rule.state() === 'pending', 30_000, 'pending');
  const activeAt = rule.activeAlerts()[0]!.activeAt;
  await waitUntil(() => rule.state() === 'firing', 30_000, 'firing');
  const firing = rule.activeAlerts()[0]!;
  assert.equal(firing.firedAt, activeAt + 1_500, 'evaluated exactly at activeAt + for');
  assert.notEqual((firing.firedAt - manager.groups()[0]!.offsetMs()) % 2_000, 0, 'an extra evaluation, off the group slots');
  assert.equal(sent.length, 1);
});

test('onEvaluated hears each group evaluation with its failures; slots an evaluation overran are counted as missed', async (t) => {
  const mem = new MemStorage();
  mem.append(labelsFromRecord({ __name__: 'up', job: 'api' }), systemClock.now(), 1);
  // Every query blocks for 300 ms: evaluations of a 100 ms group overrun two or three slots.
  const slow = {
    querier: (mint: number, maxt: number) => {
      const until = performance.now() + 300;
      while (performance.now() < until) { /* busy: the engine selects synchronously */ }
      return mem.querier(mint, maxt);
    },
  };
  const heard: GroupEvaluation[] = [];
  const manager = new RuleManager({
    engine: new Engine(),
    queryable: slow,
    appendable: memAppendable(mem),
    sendAlerts: () => undefined,
    evaluationIntervalMs: 100,
    restoreForState: false,
    onEvaluated: (e) => heard.push(e),
    clock: systemClock,
    logger: silentLogger(),
  });
  const f: RuleFile = { path: 'x.yml', groups: [{ name: 'g', limit: 0, labels: {}, rules: [
    { kind: 'recording', record: 'job:up:sum', expr: 'sum by (job) (up)', labels: {} },
    // Selects up and what the first rule just wrote: the same labels once renamed, an error.
    { kind: 'recording', record: 'bad', expr: '{job="api"}', labels: {} },
  ] }] };
  await manager.update([f]);
  manager.start();
  t.after(() => manager.stop());
  await waitUntil(() => heard.length >= 2, 20_000, 'two evaluations');
  await manager.stop();
  assert.equal(heard[0]!.group, 'x.yml;g');
  assert.equal(heard[0]!.rules, 2);
  assert.ok(heard[0]!.durationSeconds >= 0.3, `duration ${heard[0]!.durationSeconds}`);
  const g = manager.groups()[0]!;
  assert.ok(g.missedIterations >= heard.length, `missed ${g.missedIterations} after ${heard.length} evaluations`);
  assert.equal(g.rules[1]!.health, 'err');
  assert.deepEqual(heard.map((e) => e.failures), heard.map(() => 1));
});
