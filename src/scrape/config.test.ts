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

test('http_sd_configs and dns_sd_configs: Prometheus defaults', () => {
  const x = parse(`scrape_configs:
  - job_name: x
    http_sd_configs:
      - url: https://sd.example/targets?env=prod
        basic_auth: {username: u, password_file: /run/pw}
        tls_config: {ca_file: /etc/ca.pem}
      - {url: 'http://127.0.0.1:8080/sd', refresh_interval: 15s}
    dns_sd_configs:
      - names: [_prometheus._tcp.example.org]
      - {names: [a.example.org, b.example.org], type: aaaa, port: 9100, refresh_interval: 1m}
`).scrape_configs[0]!;
  assert.deepEqual(x.http_sd_configs[0], { url: 'https://sd.example/targets?env=prod', refresh_interval: 60_000, basic_auth: { username: 'u', password_file: '/run/pw' }, tls_config: { ca_file: '/etc/ca.pem', insecure_skip_verify: false } });
  assert.equal(x.http_sd_configs[1]?.refresh_interval, 15_000);
  assert.deepEqual(x.dns_sd_configs, [
    { names: ['_prometheus._tcp.example.org'], type: 'SRV', port: 0, refresh_interval: 30_000 },
    { names: ['a.example.org', 'b.example.org'], type: 'AAAA', port: 9100, refresh_interval: 60_000 },
  ]);
  assert.deepEqual(parse('scrape_configs:\n  - job_name: y\n').scrape_configs[0]?.dns_sd_configs, []);
});

test('http_sd_configs and dns_sd_configs errors point at the key', () => {
  const job = 'scrape_configs:\n  - job_name: a\n';
  fails(`${job}    http_sd_configs:\n      - refresh_interval: 10s\n`, /^v\.yml:4:9: scrape_configs\[0\]\.http_sd_configs\[0\]\.url: expected a string, got nothing$/);
  fails(`${job}    http_sd_configs:\n      - url: ftp://sd.example/x\n`, /^v\.yml:4:14: scrape_configs\[0\]\.http_sd_configs\[0\]\.url: url must be an http:\/\/ or https:\/\/ URL$/);
  fails(`${job}    http_sd_configs:\n      - url: http://sd.example/x\n        refresh_interval: 0s\n`, /^v\.yml:5:27: scrape_configs\[0\]\.http_sd_configs\[0\]\.refresh_interval: refresh_interval must be positive$/);
  fails(`${job}    http_sd_configs:\n      - url: http://sd.example/x\n        basic_auth: {username: u}\n        authorization: {credentials: c}\n`, /^v\.yml:4:9: scrape_configs\[0\]\.http_sd_configs\[0\]: at most one of basic_auth and authorization must be configured$/);
  fails(`${job}    file_sd_configs:\n      - files: [a.json]\n        refresh_interval: 0s\n`, /^v\.yml:5:27: scrape_configs\[0\]\.file_sd_configs\[0\]\.refresh_interval: refresh_interval must be positive$/);
  fails(`${job}    http_sd_configs:\n      - url: http://sd.example/x\n        tls_config: {cert_file: c.pem}\n`, /tls_config\.key_file: exactly one of key or key_file must be configured when a client certificate is configured/);
  fails(`${job}    http_sd_configs:\n      - url: http://sd.example/x\n        proxy_url: http://proxy:3128\n`, /^v\.yml:5:9: scrape_configs\[0\]\.http_sd_configs\[0\]\.proxy_url: proxy_url is not supported by Vigie/);
  fails(`${job}    dns_sd_configs:\n      - type: A\n        port: 80\n`, /^v\.yml:4:9: scrape_configs\[0\]\.dns_sd_configs\[0\]\.names: expected a list, got nothing$/);
  fails(`${job}    dns_sd_configs:\n      - names: []\n`, /^v\.yml:4:16: scrape_configs\[0\]\.dns_sd_configs\[0\]\.names: DNS-SD config must contain at least one SRV record name$/);
  fails(`${job}    dns_sd_configs:\n      - names: [x.example.org]\n        type: TXT\n`, /^v\.yml:5:15: scrape_configs\[0\]\.dns_sd_configs\[0\]\.type: expected one of "SRV", "A", "AAAA", "MX", "NS", got "TXT"$/);
  fails(`${job}    dns_sd_configs:\n      - names: [x.example.org]\n        type: A\n`, /^v\.yml:4:9: scrape_configs\[0\]\.dns_sd_configs\[0\]\.port: a port is required in DNS-SD configs for all record types except SRV$/);
  fails(`${job}    dns_sd_configs:\n      - names: [x.example.org]\n        type: MX\n        port: 70000\n`, /^v\.yml:6:15: scrape_configs\[0\]\.dns_sd_configs\[0\]\.port: port must be at most 65535$/);
  fails(`${job}    dns_sd_configs:\n      - names: [x.example.org, '']\n`, /^v\.yml:4:32: scrape_configs\[0\]\.dns_sd_configs\[0\]\.names\[1\]: a name must not be empty$/);
  fails(`${job}    dns_sd_configs:\n      - names: [x.example.org]\n        refresh_interval: soon\n`, /^v\.yml:5:27: scrape_configs\[0\]\.dns_sd_configs\[0\]\.refresh_interval: expected a duration like 30s, got "soon"$/);
});
