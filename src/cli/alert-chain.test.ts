// The whole alerting chain through bin/vigie: a rule goes pending, fires when its `for`
// expires (not at the next regular evaluation), the built-in router waits `group_wait` and
// a real webhook receiver on loopback gets Alertmanager's version-4 payload. The history
// API shows the transitions, and the attempt log the delivery.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { freePort, waitUntil } from '../common/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const TOKEN = 'alert-chain-token';


function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

interface Received {
  readonly at: number;
  readonly payload: {
    version: string;
    status: string;
    receiver: string;
    groupKey: string;
    commonLabels: Record<string, string>;
    alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; fingerprint: string }[];
  };
}

// A regular evaluation every 20 s, `for` 3 s, group_wait 1 s: Prometheus would fire at the
// next regular evaluation (20 s after pending); Vigie evaluates again when `for` expires.
const EVAL_INTERVAL_S = 20;
const FOR_S = 3;
const GROUP_WAIT_S = 1;

test('a rule with `for` notifies a webhook within group_wait of the `for` expiring', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-alert-chain-'));
  const received: Received[] = [];
  const hook = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ at: Date.now(), payload: JSON.parse(body) as Received['payload'] });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookAddr = hook.address();
  const hookPort = typeof hookAddr === 'object' && hookAddr !== null ? hookAddr.port : 0;
  let proc: ReturnType<typeof spawn> | undefined;
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'chain.rules.yml'),
      `groups:
  - name: chain
    rules:
      - alert: ChainTest
        expr: vector(42)
        for: ${FOR_S}s
        labels: { severity: critical, team: ops }
        annotations: { summary: "value is {{ $value }}" }
`,
    );
    const config = join(dir, 'vigie.yml');
    await writeFile(
      config,
      `global:
  evaluation_interval: ${EVAL_INTERVAL_S}s
host:
  enabled: false
rule_files: ["*.rules.yml"]
alerting:
  route:
    receiver: hook
    group_by: [alertname]
    group_wait: ${GROUP_WAIT_S}s
    group_interval: 1m
  receivers:
    - name: hook
      webhook_configs:
        - url: http://127.0.0.1:${hookPort}/alerts
`,
    );
    proc = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
    });
    let logs = '';
    proc.stdout?.on('data', (b: Buffer) => (logs += b.toString()));
    proc.stderr?.on('data', (b: Buffer) => (logs += b.toString()));
    const headers = { authorization: `Bearer ${TOKEN}` };
    const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers })).json()) as T;

    try {
      // The group's first evaluation comes at its slot within the 20 s interval.
      await waitUntil(() => received.length > 0, 60_000, 'webhook notification');
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; server logs:\n${logs.slice(-3000)}`, { cause: e });
    }
    const first = received[0]!;
    assert.equal(first.payload.version, '4');
    assert.equal(first.payload.status, 'firing');
    assert.equal(first.payload.receiver, 'hook');
    assert.equal(first.payload.commonLabels['alertname'], 'ChainTest');
    assert.equal(first.payload.alerts.length, 1);
    const alert = first.payload.alerts[0]!;
    assert.deepEqual(alert.labels, { alertname: 'ChainTest', severity: 'critical', team: 'ops' });
    assert.equal(alert.annotations['summary'], 'value is 42');
    assert.match(alert.fingerprint, /^[0-9a-f]{16}$/);

    // When did it go pending and firing? The alert history has every transition.
    const history = await getJson<{ status: string; data: { state: string; time?: string; timestamp?: number; ts?: number }[] }>('/api/v1/alerts/history?alertname=ChainTest');
    assert.equal(history.status, 'success');
    const timeOf = (state: string): number => {
      const h = history.data.find((x) => x.state === state);
      assert.ok(h !== undefined, `a ${state} transition in ${JSON.stringify(history.data)}`);
      const t = h.time ?? h.timestamp ?? h.ts;
      return typeof t === 'string' ? Date.parse(t) : (t ?? NaN) < 1e11 ? (t ?? NaN) * 1000 : (t ?? NaN);
    };
    const pendingAt = timeOf('pending');
    const firingAt = timeOf('firing');
    assert.ok(Number.isFinite(pendingAt) && Number.isFinite(firingAt), `times ${pendingAt} ${firingAt}`);
    // Fired when `for` expired (with scheduling slack), far before the next regular evaluation.
    const forMs = firingAt - pendingAt;
    assert.ok(forMs >= FOR_S * 1000 - 50 && forMs < FOR_S * 1000 + 2_500, `fired ${forMs} ms after pending (for: ${FOR_S}s)`);
    // Delivered within group_wait of firing (plus delivery slack), not an interval later.
    const deliveredAfter = first.at - firingAt;
    assert.ok(deliveredAfter >= GROUP_WAIT_S * 1000 - 100 && deliveredAfter < GROUP_WAIT_S * 1000 + 3_000, `delivered ${deliveredAfter} ms after firing (group_wait ${GROUP_WAIT_S}s)`);

    // The attempt log records the delivery.
    const attempts = await getJson<{ status: string; data: { receiver: string; status: string }[] }>('/api/v1/notifications?receiver=hook');
    assert.equal(attempts.status, 'success');
    assert.ok(attempts.data.some((a) => a.receiver === 'hook' && a.status === 'ok'), JSON.stringify(attempts.data));
    // And the alert is firing in the Alertmanager API that amtool reads.
    const am = await getJson<{ labels: Record<string, string>; status: { state: string } }[]>('/api/v2/alerts');
    assert.ok(am.some((a) => a.labels['alertname'] === 'ChainTest' && a.status.state === 'active'), JSON.stringify(am));
  } finally {
    proc?.kill('SIGTERM');
    if (proc !== undefined && proc.exitCode === null) await new Promise((r) => proc?.once('exit', r));
    await new Promise((r) => hook.close(r));
    await rm(dir, { recursive: true, force: true });
  }
});
