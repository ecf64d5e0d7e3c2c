import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseRuleFile } from '../file/index.js';
import { type GenerateInput, generateAlertRules } from './generate.js';

const PROMTOOL = '/usr/bin/promtool';

const FULL: GenerateInput = {
  hostEnabled: true,
  probeJobs: [
    { job: 'web', module: 'http_2xx', prober: 'http', expectsSshBanner: false },
    { job: 'dns', module: 'dns_udp', prober: 'dns', expectsSshBanner: false },
    { job: 'https-port', module: 'tcp_connect', prober: 'tcp', expectsSshBanner: false },
    { job: 'ssh', module: 'ssh_banner', prober: 'tcp', expectsSshBanner: true },
    { job: 'ping', module: 'icmp', prober: 'icmp', expectsSshBanner: false },
    { job: 'grpc', module: 'grpc', prober: 'grpc', expectsSshBanner: false },
  ],
  scrapeJobs: ['koprogo-api', 'postgresql'],
  runbookBaseUrl: 'https://wiki.example.com/runbooks',
};

const VARIANTS: [string, GenerateInput][] = [
  ['everything', FULL],
  ['host only', { hostEnabled: true, probeJobs: [], scrapeJobs: [] }],
  ['nothing active', { hostEnabled: false, probeJobs: [], scrapeJobs: [] }],
  ['probes whose names collide', { hostEnabled: false, probeJobs: [{ job: 'a-b', module: 'http_2xx', prober: 'http', expectsSshBanner: false }, { job: 'a_b', module: 'http_2xx', prober: 'http', expectsSshBanner: false }], scrapeJobs: ['9lives', 'job with "quotes"'] }],
];

function alerts(text: string): { alert: string; expr: string; forMs: number; labels: Record<string, string>; annotations: Record<string, string> }[] {
  return parseRuleFile(text, 'gen.yml').groups.flatMap((g) => g.rules.flatMap((r) => (r.kind === 'alerting' ? [{ ...r, labels: { ...r.labels }, annotations: { ...r.annotations } }] : [])));
}

describe('generateAlertRules', () => {
  it('covers what the configuration makes active, with the users\' thresholds', () => {
    const rules = alerts(generateAlertRules(FULL));
    const byName = new Map(rules.map((r) => [r.alert, r]));
    const expect = (name: string, expr: RegExp, forMs: number, severity: string): void => {
      const r = byName.get(name);
      assert.ok(r, `missing ${name}; have ${[...byName.keys()].join(', ')}`);
      assert.match(r.expr, expr);
      assert.equal(r.forMs, forMs, name);
      assert.equal(r.labels['severity'], severity, name);
      assert.match(r.annotations['runbook_url'] ?? '', /^https:\/\/wiki\.example\.com\/runbooks#[a-z-]+$/);
      assert.ok((r.annotations['summary'] ?? '') !== '' && (r.annotations['description'] ?? '') !== '');
    };
    expect('HostSilent', /node_cpu_seconds_total\{job="node"\}/, 30 * 60_000, 'critical');
    expect('HostDiskAlmostFull', /> 90/, 5 * 60_000, 'warning');
    expect('HostDiskFull', /node_filesystem_avail_bytes\{job="node"\} == 0/, 60_000, 'critical');
    expect('HostMemoryExhausted', /MemAvailable/, 2 * 60_000, 'critical');
    expect('HostCpuHigh', /> 90/, 5 * 60_000, 'warning');
    expect('WebHttpProbeFailed', /probe_success\{job="web"\} == 0/, 60_000, 'critical');
    expect('WebHttpStatusNot2xx', /probe_http_status_code\{job="web"\} > 299/, 60_000, 'critical');
    expect('WebHttpSlow', /probe_duration_seconds\{job="web"\} > 3/, 2 * 60_000, 'warning');
    expect('WebCertificateExpiringSoon', /probe_ssl_earliest_cert_expiry\{job="web"\} - time\(\) < 14 \* 86400/, 10 * 60_000, 'warning');
    expect('DnsDnsProbeFailed', /probe_success\{job="dns"\} == 0/, 60_000, 'critical');
    expect('DnsDnsSlow', /> 1$/, 2 * 60_000, 'warning');
    expect('HttpsPortTcpConnectFailed', /probe_success\{job="https-port"\} == 0/, 60_000, 'critical');
    expect('SshSshBannerMissing', /probe_success\{job="ssh"\} == 0/, 60_000, 'critical');
    expect('PingHostUnreachable', /probe_success\{job="ping"\} == 0/, 60_000, 'critical');
    expect('GrpcProbeFailed', /probe_success\{job="grpc"\} == 0/, 60_000, 'critical');
    expect('KoprogoApiTargetDown', /^up\{job="koprogo-api"\} == 0$/, 60_000, 'critical');
    assert.equal(byName.has('SshTcpConnectFailed'), false, 'an SSH banner job gets the banner alert, not the plain TCP one');
  });

  it('alert names are unique and the defaults point at docs/runbooks.md', () => {
    const rules = alerts(generateAlertRules(VARIANTS[3]![1]));
    assert.equal(new Set(rules.map((r) => r.alert)).size, rules.length);
    assert.ok(rules.every((r) => r.annotations['runbook_url']?.startsWith('docs/runbooks.md#')));
    assert.ok(rules.some((r) => r.expr === 'up{job="job with \\"quotes\\""} == 0'));
  });

  it('the templates of the annotations expand', async () => {
    const { expandAlertTemplate } = await import('../../template/index.js');
    const r = alerts(generateAlertRules(FULL)).find((x) => x.alert === 'HostDiskAlmostFull')!;
    const out = await expandAlertTemplate('summary', r.annotations['summary']!, { labels: { mountpoint: '/var', instance: 'srv1' }, externalLabels: {}, externalURL: '', value: 93.4 });
    assert.equal(out, 'Disk /var is 93% full on srv1');
  });

  for (const [title, input] of VARIANTS) {
    it(`passes promtool check rules: ${title}`, async (t) => {
      if (!existsSync(PROMTOOL)) {
        t.skip('PROMTOOL MISSING: install Debian package prometheus to run this check');
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), 'vigie-gen-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const file = join(dir, 'alert.rules.yml');
      const text = generateAlertRules(input);
      await writeFile(file, text);
      alerts(text); // our own parser accepts it too
      const { stdout } = await promisify(execFile)(PROMTOOL, ['check', 'rules', file], { timeout: 60_000 });
      assert.match(stdout, /SUCCESS: \d+ rules found/);
    });
  }
});
