import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, silentLogger } from '../common/index.js';
import { type Labels, labelsFromRecord } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import { Engine } from '../promql/index.js';
import { parseRuleFile } from './file/index.js';
import { type AlertTransition, type RuleAlert, RuleManager, memAppendable } from './index.js';

// The alert rules of the SaaS runbook (../shared/design/USERS.md, setup 2), as a user writes them.
const RUNBOOK = `
groups:
  - name: runbook-high
    interval: 15s
    rules:
      - alert: ApiDown
        expr: up{job="api"} == 0
        for: 1m
        labels: { severity: critical }
        annotations:
          summary: "API instance {{ $labels.instance }} is down"
          runbook_url: https://runbooks.example/api-down
      - alert: DatabaseDown
        expr: up{job="postgresql"} == 0
        for: 30s
        labels: { severity: critical }
      - alert: DiskAlmostFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.10
        for: 2m
        labels: { severity: critical }
        annotations:
          summary: "{{ $labels.mountpoint }} has {{ $value | humanizePercentage }} free"
      - alert: HighErrorRate
        expr: sum(rate(http_requests_errors_total[5m])) > 10
        for: 2m
        labels: { severity: critical }
      - alert: MemoryExhaustion
        expr: node_memory_MemAvailable_bytes < 100 * 1024 * 1024
        for: 2m
        labels: { severity: critical }
  - name: runbook-medium
    interval: 15s
    rules:
      - alert: SlowP99
        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1
        for: 5m
        labels: { severity: warning }
      - alert: HighCpu
        expr: 100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > 80
        for: 5m
        labels: { severity: warning }
      - alert: TooManyDbConnections
        expr: db_connections_active > 80
        for: 2m
        labels: { severity: warning }
`;

const MIN = 60_000;
const T0 = Date.UTC(2024, 5, 1);
/** The incident: every metric goes bad at 10 min and recovers at 25 min. */
const BAD_FROM = T0 + 10 * MIN;
const BAD_UNTIL = T0 + 25 * MIN;
const END = T0 + 40 * MIN;
const STEP = 15_000;

/** 15-s samples of the SaaS's metrics through the incident. Counters grow at a per-second rate. */
function incident(mem: MemStorage): void {
  const bad = (t: number): boolean => t >= BAD_FROM && t < BAD_UNTIL;
  const counters = new Map<string, { labels: Labels; v: number }>();
  const counter = (rec: Record<string, string>, perSecond: number, t: number): void => {
    const key = JSON.stringify(rec);
    const c = counters.get(key) ?? { labels: labelsFromRecord(rec), v: 0 };
    counters.set(key, c);
    c.v += perSecond * (STEP / 1000);
    mem.append(c.labels, t, c.v);
  };
  const gauge = (rec: Record<string, string>, t: number, v: number): void => mem.append(labelsFromRecord(rec), t, v);
  for (let t = T0; t <= END; t += STEP) {
    const b = bad(t);
    gauge({ __name__: 'up', job: 'api', instance: 'api-1:8080' }, t, b ? 0 : 1);
    gauge({ __name__: 'up', job: 'api', instance: 'api-2:8080' }, t, 1);
    gauge({ __name__: 'up', job: 'postgresql', instance: 'pg-1:9187' }, t, b ? 0 : 1);
    gauge({ __name__: 'node_filesystem_avail_bytes', instance: 'web-1', mountpoint: '/' }, t, b ? 5e9 : 50e9);
    gauge({ __name__: 'node_filesystem_size_bytes', instance: 'web-1', mountpoint: '/' }, t, 100e9);
    gauge({ __name__: 'node_memory_MemAvailable_bytes', instance: 'web-1' }, t, b ? 50 * 1024 * 1024 : 2e9);
    gauge({ __name__: 'db_connections_active', instance: 'api-1:8080' }, t, b ? 95 : 20);
    counter({ __name__: 'http_requests_errors_total', instance: 'api-1:8080' }, b ? 25 : 0.5, t);
    counter({ __name__: 'node_cpu_seconds_total', instance: 'web-1', cpu: '0', mode: 'idle' }, b ? 0.05 : 0.9, t);
    // 100 requests/s; during the incident 10 % of them take 2.5–5 s.
    const slow = b ? 10 : 0;
    for (const le of ['0.1', '0.5', '1', '2.5']) counter({ __name__: 'http_request_duration_seconds_bucket', le }, 100 - slow, t);
    for (const le of ['5', '+Inf']) counter({ __name__: 'http_request_duration_seconds_bucket', le }, 100, t);
  }
}

test('the runbook alerts go pending, fire after their `for`, and resolve', async () => {
  const mem = new MemStorage();
  incident(mem);
  const clock = new ManualClock(T0);
  const transitions: AlertTransition[] = [];
  const sent: RuleAlert[] = [];
  const manager = new RuleManager({
    engine: new Engine({ clock }),
    queryable: mem,
    appendable: memAppendable(mem),
    sendAlerts: (a) => sent.push(...a),
    evaluationIntervalMs: 60_000,
    externalURL: 'http://vigie:9090',
    restoreForState: false,
    onTransitions: (t) => transitions.push(...t),
    clock,
    logger: silentLogger(),
  });
  await manager.update([parseRuleFile(RUNBOOK, 'runbook.rules.yml')]);
  assert.equal(manager.groups().length, 2);
  // From 6 min on: rates over 5 m need a full window of data (before, rate() under-reads).
  for (let t = T0 + 6 * MIN; t <= END; t += STEP) {
    clock.set(t);
    for (const g of manager.groups()) await g.evaluate(t);
  }
  for (const g of manager.groups()) for (const r of g.rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError ?? ''}`);

  const at = (name: string, state: AlertTransition['state']): number[] => transitions.filter((x) => x.alertname === name && x.state === state).map((x) => x.t);
  const forOf: Record<string, number> = { ApiDown: MIN, DatabaseDown: 30_000, DiskAlmostFull: 2 * MIN, HighErrorRate: 2 * MIN, MemoryExhaustion: 2 * MIN, SlowP99: 5 * MIN, HighCpu: 5 * MIN, TooManyDbConnections: 2 * MIN };
  // Gauges cross their threshold with the first bad sample; rates once enough of the 5 m window is bad.
  const gauges = new Set(['ApiDown', 'DatabaseDown', 'DiskAlmostFull', 'MemoryExhaustion', 'TooManyDbConnections']);
  for (const [name, forMs] of Object.entries(forOf)) {
    const pending = at(name, 'pending');
    const firing = at(name, 'firing');
    const resolved = at(name, 'resolved');
    assert.equal(pending.length, 1, `${name} went pending once: ${JSON.stringify(transitions.filter((x) => x.alertname === name).map((x) => [x.state, (x.t - T0) / 1000, x.labels]))}`);
    assert.equal(firing.length, 1, `${name} fired once`);
    assert.equal(resolved.length, 1, `${name} resolved once`);
    if (gauges.has(name)) {
      assert.equal(pending[0], BAD_FROM, `${name} pending with the first bad sample`);
      assert.equal(resolved[0], BAD_UNTIL, `${name} resolved with the first good sample`);
    } else {
      assert.ok(pending[0]! > BAD_FROM && pending[0]! < BAD_FROM + 5 * MIN, `${name} pending within the rate window`);
      assert.ok(resolved[0]! > BAD_UNTIL && resolved[0]! <= BAD_UNTIL + 5 * MIN, `${name} resolved within the rate window`);
    }
    assert.equal(firing[0], pending[0]! + forMs, `${name} fired exactly \`for\` after going pending`);
  }
  const api = sent.find((a) => a.labels['alertname'] === 'ApiDown');
  assert.deepEqual(api?.labels, { alertname: 'ApiDown', instance: 'api-1:8080', job: 'api', severity: 'critical' }, 'only the down instance alerts');
  assert.equal(api?.annotations['summary'], 'API instance api-1:8080 is down');
  assert.equal(api?.annotations['runbook_url'], 'https://runbooks.example/api-down');
  assert.equal(sent.find((a) => a.labels['alertname'] === 'DiskAlmostFull')?.annotations['summary'], '/ has 5% free');
  const resolvedSends = sent.filter((a) => a.endsAt <= BAD_UNTIL + 5 * MIN && a.endsAt >= BAD_UNTIL);
  assert.ok(resolvedSends.length >= 8, 'every alert was sent as resolved');
});
