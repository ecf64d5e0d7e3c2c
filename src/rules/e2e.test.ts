import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { freePort, waitUntil } from '../common/index.js';

// dist/src/rules/e2e.test.js -> repo root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const TOKEN = 'rules-e2e-token';


const RULES = `groups:
  - name: host
    interval: 1s
    rules:
      - record: instance:node_load1:sum
        expr: sum by (instance) (node_load1)
      - alert: HostReporting
        expr: count(node_load1) > 0
        labels: { severity: info }
        annotations: { summary: "{{ $value }} host(s) reporting" }
`;

interface RuleGroupJson {
  name: string;
  file: string;
  rules: { name: string; type: string; health: string; state?: string; lastError?: string }[];
}

test('vigie server evaluates rule_files over the host collector, serves /api/v1/rules and reloads them', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-e2e-'));
  const child = { proc: undefined as ReturnType<typeof spawn> | undefined };
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await writeFile(join(dir, 'host.rules.yml'), RULES);
    const config = join(dir, 'vigie.yml');
    await writeFile(config, 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nhost:\n  enabled: true\n  interval: 1s\nrule_files:\n  - "*.rules.yml"\n');
    const proc = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
    });
    child.proc = proc;
    let logs = '';
    proc.stdout?.on('data', (b: Buffer) => (logs += b.toString()));
    proc.stderr?.on('data', (b: Buffer) => (logs += b.toString()));
    const headers = { authorization: `Bearer ${TOKEN}` };
    const getJson = async <T>(path: string): Promise<T> => {
      const r = await fetch(`${base}${path}`, { headers });
      return (await r.json()) as T;
    };
    const groups = async (): Promise<RuleGroupJson[]> => {
      try {
        return (await getJson<{ data: { groups: RuleGroupJson[] } }>('/api/v1/rules')).data.groups;
      } catch {
        return [];
      }
    };
    try {
      await waitUntil(async () => (await groups()).some((g) => g.rules.every((r) => r.health === 'ok')), 40_000, 'rules evaluated');
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; server logs:\n${logs.slice(-3000)}`, { cause: e });
    }
    const [g] = await groups();
    assert.equal(g!.name, 'host');
    assert.equal(g!.file, join(dir, 'host.rules.yml'));
    assert.deepEqual(g!.rules.map((r) => [r.name, r.type]), [['instance:node_load1:sum', 'recording'], ['HostReporting', 'alerting']]);

    // The recorded series is queryable.
    await waitUntil(
      async () => (await getJson<{ data: { result: unknown[] } }>(`/api/v1/query?query=${encodeURIComponent('instance:node_load1:sum')}`)).data.result.length === 1,
      20_000,
      'recorded series',
    );
    // The alert fires (for: 0), shows in /api/v1/alerts, ALERTS and the history.
    await waitUntil(async () => (await getJson<{ data: { alerts: { state: string }[] } }>('/api/v1/alerts')).data.alerts.some((a) => a.state === 'firing'), 20_000, 'firing alert');
    const alerts = (await getJson<{ data: { alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] } }>('/api/v1/alerts')).data.alerts;
    assert.equal(alerts[0]!.labels['alertname'], 'HostReporting');
    assert.equal(alerts[0]!.annotations['summary'], '1 host(s) reporting');
    await waitUntil(
      async () => (await getJson<{ data: { result: unknown[] } }>(`/api/v1/query?query=${encodeURIComponent('ALERTS{alertname="HostReporting",alertstate="firing"}')}`)).data.result.length === 1,
      20_000,
      'ALERTS series',
    );
    const history = (await getJson<{ data: { alertname: string; state: string }[] }>('/api/v1/alerts/history?alertname=HostReporting')).data;
    assert.ok(history.some((h) => h.state === 'firing'));

    // Self-monitoring: the group's evaluations are timed and counted at /metrics.
    const selfMetric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`, { headers })).text();
      const key = `${join(dir, 'host.rules.yml')};host`.replace(/[\\"]/g, (c) => `\\${c}`);
      const line = text.split('\n').find((l) => l.startsWith(`${name}{rule_group="${key}"}`));
      return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const iterations = await selfMetric('vigie_rule_group_iterations_total');
    assert.ok(iterations >= 1, `iterations ${iterations}`);
    assert.ok((await selfMetric('vigie_rule_group_duration_seconds_count')) >= iterations);
    assert.ok((await selfMetric('vigie_rule_evaluations_total')) >= 2 * iterations);
    assert.equal(await selfMetric('vigie_rule_evaluation_failures_total'), NaN, 'no failures, no series');
    assert.equal(await selfMetric('vigie_rule_group_rules'), 2);
    assert.equal(await selfMetric('vigie_rule_group_interval_seconds'), 1);
    assert.ok((await selfMetric('vigie_rule_group_last_duration_seconds')) > 0);
    assert.ok(Math.abs((await selfMetric('vigie_rule_group_last_evaluation_timestamp_seconds')) - Date.now() / 1000) < 30);

    // A bad rule file: the reload is refused with the reason, the old rules keep running.
    await writeFile(join(dir, 'host.rules.yml'), 'groups:\n  - name: host\n    rules:\n      - record: broken\n        expr: sum(\n');
    const bad = await fetch(`${base}/-/reload`, { method: 'POST', headers });
    assert.equal(bad.status, 500);
    assert.match(await bad.text(), /host\.rules\.yml/);
    assert.equal((await groups())[0]!.rules.length, 2);

    // A good one: SIGHUP applies it; the unchanged alert keeps its state.
    await writeFile(join(dir, 'host.rules.yml'), `${RULES}      - record: instance:node_load5:sum\n        expr: sum by (instance) (node_load5)\n`);
    proc.kill('SIGHUP');
    await waitUntil(async () => (await groups())[0]?.rules.length === 3, 20_000, 'reloaded rules');
    const after = (await groups())[0]!;
    assert.equal(after.rules[1]!.state, 'firing', 'the alert kept its state across the reload');
    await waitUntil(async () => (await selfMetric('vigie_rule_group_rules')) === 3, 10_000, 'vigie_rule_group_rules after the reload');
  } finally {
    if (child.proc !== undefined && child.proc.exitCode === null) {
      const exited = new Promise((r) => child.proc?.once('exit', r));
      child.proc.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});

test('with no rule_files, vigie server runs the generated rules for its configuration', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-e2e-'));
  const proc = { p: undefined as ReturnType<typeof spawn> | undefined };
  try {
    const port = await freePort();
    const config = join(dir, 'vigie.yml');
    await writeFile(config, 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nhost:\n  enabled: true\n  interval: 1s\n');
    proc.p = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
    });
    const groups = async (): Promise<RuleGroupJson[]> => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/rules`, { headers: { authorization: `Bearer ${TOKEN}` } });
        return ((await r.json()) as { data: { groups: RuleGroupJson[] } }).data.groups;
      } catch {
        return [];
      }
    };
    await waitUntil(async () => (await groups()).some((g) => g.rules.length > 0 && g.rules.every((r) => r.health === 'ok')), 40_000, 'generated rules evaluated');
    const gs = await groups();
    assert.ok(gs.every((g) => g.file === '<generated>/alert.rules.yml'));
    assert.ok(gs.flatMap((g) => g.rules.map((r) => r.name)).includes('HostCpuHigh'));
  } finally {
    if (proc.p !== undefined && proc.p.exitCode === null) {
      const exited = new Promise((r) => proc.p?.once('exit', r));
      proc.p.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});
