import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../config/index.js';

const parse = (yaml: string) => parseConfig(yaml, 'v.yml').config;
const fails = (yaml: string, re: RegExp): void => {
  assert.throws(() => parseConfig(yaml, 'v.yml'), (e: unknown) => e instanceof ConfigError && re.test(e.message), yaml);
};

test('scrape_configs defaults come from global; timeout capped at the job interval', () => {
  const c = parse('global: {scrape_interval: 30s, scrape_timeout: 20s}\nscrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 5s\n  - job_name: c\n    scrape_timeout: 1s\n');
  const [a, b, cc] = c.scrape_configs;
  assert.deepEqual([a?.scrape_interval, a?.scrape_timeout], [30_000, 20_000]);
  assert.deepEqual([b?.scrape_interval, b?.scrape_timeout], [5_000, 5_000]);
  assert.deepEqual([cc?.scrape_interval, cc?.scrape_timeout], [30_000, 1_000]);
  assert.equal(a?.metrics_path, '/metrics');
  assert.equal(a?.scheme, 'http');
  assert.equal(a?.honor_timestamps, true);
  assert.equal(a?.honor_labels, false);
  assert.equal(a?.tls_config.insecure_skip_verify, false);
});

test('full scrape config is read', () => {
  const c = parse(`scrape_configs:
  - job_name: x
    scheme: https
    params: {module: [a]}
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true}
    sample_limit: 10
    label_limit: 5
    body_size_limit: 1MB
    file_sd_configs: [{files: [a/*.json]}]
    relabel_configs:
      - {source_labels: [__address__], target_label: host, regex: '([^:]+):.*'}
`);
  const x = c.scrape_configs[0]!;
  assert.equal(x.body_size_limit, 2 ** 20, '1MB is base-2, as Prometheus reads body_size_limit');
  assert.equal(x.file_sd_configs[0]?.refresh_interval, 300_000);
  assert.equal(x.relabel_configs[0]?.re.test('h:1'), true);
  assert.deepEqual(x.params, { module: ['a'] });
});

test('scrape config errors point at the key', () => {
  fails('scrape_configs:\n  - job_name: a\n  - job_name: a\n', /v\.yml:3:\d+: scrape_configs\[1\]\.job_name: found multiple scrape configs with job name "a"/);
  fails('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n', /scrape_configs\[0\]\.scrape_timeout: 10s must not be greater than scrape_interval \(5s\)/);
  fails('scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n', /v\.yml:4:\d+: scrape_configs\[0\]\.relabel_configs\[0\]\.modulus: relabel configuration for hashmod requires non-zero modulus/);
  fails('scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {source_labels: [a], regex: "(?=x)", target_label: y}\n', /relabel_configs\[0\]\.regex: invalid regular expression "\(\?=x\)": lookahead/);
  fails('scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["http://x:1/metrics"]}]\n', /is not a valid hostname/);
  fails('scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    authorization: {credentials: t}\n', /at most one of basic_auth and authorization/);
  fails('scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n', /unknown key "scrape_intervall"/);
  fails('scrape_configs:\n  - {}\n', /job_name/);
});
