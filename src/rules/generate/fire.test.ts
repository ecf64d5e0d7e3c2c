import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runRuleUnitTests } from '../unittest/index.js';
import { generateAlertRules } from './generate.js';

const PROMTOOL = '/usr/bin/promtool';

/**
 * The generated rules fire on the situations they are written for, with the annotations
 * expanded: the same promtool unit test runs in the real promtool and in Vigie's runner.
 */
const RULES = generateAlertRules({
  hostEnabled: true,
  probeJobs: [
    { job: 'web', module: 'http_2xx', prober: 'http', expectsSshBanner: false },
    { job: 'ssh', module: 'ssh_banner', prober: 'tcp', expectsSshBanner: true },
  ],
  scrapeJobs: ['koprogo-api'],
});

const FS = 'job="node",instance="srv1",device="/dev/sda1",mountpoint="/var",fstype="ext4"';
const UNIT_TEST = `
rule_files: [alert.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'probe_success{job="web",instance="https://a.example"}'
        values: '1 0x20'
      - series: 'probe_http_status_code{job="web",instance="https://a.example"}'
        values: '200 503x20'
      - series: 'probe_duration_seconds{job="web",instance="https://a.example"}'
        values: '0.2x20'
      - series: 'probe_success{job="ssh",instance="a.example:22"}'
        values: '0x20'
      - series: 'up{job="koprogo-api",instance="api:8080"}'
        values: '1 1 0x20'
      - series: 'node_filesystem_avail_bytes{${FS}}'
        values: '0x40'
      - series: 'node_filesystem_size_bytes{${FS}}'
        values: '1000x40'
      - series: 'node_filesystem_readonly{${FS}}'
        values: '0x40'
    alert_rule_test:
      - eval_time: 5m
        alertname: WebHttpStatusNot2xx
        exp_alerts:
          - exp_labels: {severity: critical, job: web, instance: "https://a.example"}
            exp_annotations:
              summary: "https://a.example answers HTTP 503"
              description: "https://a.example (job web) has answered with HTTP status 503 instead of 2xx for 1 minute."
              runbook_url: "docs/runbooks.md#http-probe-failed"
      - eval_time: 5m
        alertname: WebHttpSlow
        exp_alerts: []
      - eval_time: 1m
        alertname: KoprogoApiTargetDown
        exp_alerts: []
      - eval_time: 4m
        alertname: KoprogoApiTargetDown
        exp_alerts:
          - exp_labels: {severity: critical, job: koprogo-api, instance: "api:8080"}
            exp_annotations:
              summary: "api:8080 of job koprogo-api is down"
              description: "Vigie has failed to scrape api:8080 (job koprogo-api) for 1 minute."
              runbook_url: "docs/runbooks.md#target-down"
      - eval_time: 3m
        alertname: SshSshBannerMissing
        exp_alerts:
          - exp_labels: {severity: critical, job: ssh, instance: "a.example:22"}
            exp_annotations:
              summary: "SSH banner missing on a.example:22"
              description: "The SSH server at a.example:22 (job ssh) has not answered with its SSH-2.0 banner for 1 minute: the service is down, or something else answers on its port (tampering or spoofing)."
              runbook_url: "docs/runbooks.md#ssh-banner-missing"
      - eval_time: 10m
        alertname: HostDiskAlmostFull
        exp_alerts:
          - exp_labels: {severity: warning, ${FS.replace(/=/g, ': ')}}
            exp_annotations:
              summary: "Disk /var is 100% full on srv1"
              description: "Filesystem /var (/dev/sda1) on srv1 is 100.0% full (threshold 90%)."
              runbook_url: "docs/runbooks.md#disk-almost-full"
      - eval_time: 10m
        alertname: HostDiskFull
        exp_alerts:
          - exp_labels: {severity: critical, ${FS.replace(/=/g, ': ')}}
            exp_annotations:
              summary: "Disk /var is full on srv1"
              description: "Filesystem /var (/dev/sda1) on srv1 has no space left: writes fail."
              runbook_url: "docs/runbooks.md#disk-full"
      - eval_time: 20m
        alertname: HostSilent
        exp_alerts: []
      - eval_time: 40m
        alertname: HostSilent
        exp_alerts:
          - exp_labels: {severity: critical, job: node}
            exp_annotations:
              summary: "No host metrics for 30 minutes"
              description: "Vigie has collected no metrics of this host for more than 30 minutes."
              runbook_url: "docs/runbooks.md#host-silent"
`;

async function writeFixture(dir: string): Promise<string> {
  await writeFile(join(dir, 'alert.rules.yml'), RULES);
  const test = join(dir, 'alert.rules.test.yml');
  await writeFile(test, UNIT_TEST);
  return test;
}

describe('generated rules fire', () => {
  it('in promtool test rules', async (t) => {
    if (!existsSync(PROMTOOL)) {
      t.skip('PROMTOOL MISSING: install Debian package prometheus to run this check');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'vigie-fire-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const test = await writeFixture(dir);
    const r = await promisify(execFile)(PROMTOOL, ['test', 'rules', test], { timeout: 60_000 }).catch((e: { stdout: string; stderr: string }) => e);
    assert.match(r.stdout, /SUCCESS/, r.stdout + r.stderr);
  });

  it("in Vigie's rule unit test runner", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-fire-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const test = await writeFixture(dir);
    let out = '';
    const code = await runRuleUnitTests([test], { stdout: (s) => (out += s), stderr: (s) => (out += s) });
    assert.equal(code, 0, out);
  });
});
