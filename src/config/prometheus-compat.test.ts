// Parsing of the Prometheus keys pasted from a prometheus.yml: what is accepted and its
// defaults, what is inherited from `global`, what is refused (with file:line:col and key).
// Their effect on scrapes and sends is tested in src/scrape/prometheus-compat.test.ts and
// src/remote/compat.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from './load.js';
import type { ScrapeConfig } from './types.js';

const parse = (text: string) => parseConfig(text, 'v.yml').config;
const job = (extra: string): ScrapeConfig => parse(`scrape_configs:\n  - job_name: a\n${extra}`).scrape_configs[0]!;

/** Asserts that parsing fails with exactly these lines (one per issue). */
function fails(text: string, ...lines: string[]): void {
  assert.throws(
    () => parseConfig(text, 'v.yml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
      assert.equal(err.message, lines.join('\n'));
      return true;
    },
  );
}

const SD_SUPPORTED = 'not supported by Vigie (supported: static_configs, file_sd_configs, http_sd_configs, dns_sd_configs)';

describe('scrape_configs: Prometheus keys', () => {
  it('has Prometheus defaults for the new keys', () => {
    const a = job('');
    assert.equal(a.follow_redirects, true);
    assert.equal(a.enable_http2, true);
    assert.equal(a.enable_compression, true);
    assert.equal(a.track_timestamps_staleness, false);
    assert.equal(a.target_limit, 0);
    assert.equal(a.keep_dropped_targets, 0);
    assert.deepEqual(a.scrape_protocols, ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
    assert.equal(a.fallback_scrape_protocol, undefined);
    assert.equal(a.authorization, undefined);
    assert.deepEqual(a.tls_config, { insecure_skip_verify: false });
  });

  it('reads the values given', () => {
    const a = job(
      '    follow_redirects: false\n    enable_http2: false\n    enable_compression: false\n    track_timestamps_staleness: true\n' +
        '    target_limit: 10\n    keep_dropped_targets: 3\n    scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]\n    fallback_scrape_protocol: OpenMetricsText1.0.0\n' +
        '    proxy_from_environment: false\n    proxy_url: ""\n',
    );
    assert.deepEqual(
      [a.follow_redirects, a.enable_http2, a.enable_compression, a.track_timestamps_staleness, a.target_limit, a.keep_dropped_targets, a.fallback_scrape_protocol],
      [false, false, false, true, 10, 3, 'OpenMetricsText1.0.0'],
    );
    assert.deepEqual(a.scrape_protocols, ['PrometheusText0.0.4', 'OpenMetricsText1.0.0']);
  });

  it('reads bearer_token and bearer_token_file as authorization Bearer, as Prometheus', () => {
    assert.deepEqual(job('    bearer_token: tok\n').authorization, { type: 'Bearer', credentials: 'tok' });
    assert.deepEqual(job('    bearer_token_file: /run/tok\n').authorization, { type: 'Bearer', credentials_file: '/run/tok' });
    assert.equal(job('    bearer_token: ""\n').authorization, undefined, 'an empty token is no token');
    assert.equal('bearer_token' in job('    bearer_token: tok\n'), false);
  });

  it('refuses bearer_token together with other credentials, with prometheus/common messages', () => {
    fails('scrape_configs:\n  - job_name: a\n    bearer_token: t\n    bearer_token_file: f\n', 'v.yml:4:24: scrape_configs[0].bearer_token_file: at most one of bearer_token & bearer_token_file must be configured');
    fails('scrape_configs:\n  - job_name: a\n    bearer_token: t\n    basic_auth: {username: u}\n', 'v.yml:4:17: scrape_configs[0].basic_auth: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
    fails('scrape_configs:\n  - job_name: a\n    bearer_token_file: f\n    authorization: {credentials: c}\n', 'v.yml:4:20: scrape_configs[0].authorization: authorization is not compatible with bearer_token & bearer_token_file');
    fails('scrape_configs:\n  - job_name: a\n    bearer_token: 12\n', 'v.yml:3:19: scrape_configs[0].bearer_token: expected a string, got 12');
  });

  it('rejects wrong types for the new keys at their line', () => {
    fails('scrape_configs:\n  - job_name: a\n    follow_redirects: "no"\n', 'v.yml:3:23: scrape_configs[0].follow_redirects: expected a boolean (true or false), got "no"');
    fails('scrape_configs:\n  - job_name: a\n    enable_http2: 1\n', 'v.yml:3:19: scrape_configs[0].enable_http2: expected a boolean (true or false), got 1');
    fails('scrape_configs:\n  - job_name: a\n    enable_compression: yes\n', 'v.yml:3:25: scrape_configs[0].enable_compression: expected a boolean (true or false), got "yes"');
    fails('scrape_configs:\n  - job_name: a\n    track_timestamps_staleness: 0\n', 'v.yml:3:33: scrape_configs[0].track_timestamps_staleness: expected a boolean (true or false), got 0');
    fails('scrape_configs:\n  - job_name: a\n    target_limit: -1\n', 'v.yml:3:19: scrape_configs[0].target_limit: Too small: expected number to be >=0');
    fails('scrape_configs:\n  - job_name: a\n    keep_dropped_targets: 1.5\n', 'v.yml:3:27: scrape_configs[0].keep_dropped_targets: expected int, got 1.5');
  });

  it('validates scrape_protocols and fallback_scrape_protocol as Prometheus, and needs a text protocol', () => {
    fails('scrape_configs:\n  - job_name: a\n    scrape_protocols: []\n', 'v.yml:3:23: scrape_configs[0].scrape_protocols: scrape_protocols cannot be empty');
    fails('scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText0.0.4, PrometheusText0.0.4]\n', 'v.yml:3:23: scrape_configs[0].scrape_protocols: duplicated protocol in scrape_protocols, got [PrometheusText0.0.4 PrometheusText0.0.4]');
    fails(
      'scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText]\n',
      'v.yml:3:24: scrape_configs[0].scrape_protocols[0]: expected one of "PrometheusProto", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusText0.0.4", "PrometheusText1.0.0", got "PrometheusText"',
    );
    fails('scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusProto]\n', 'v.yml:3:23: scrape_configs[0].scrape_protocols: PrometheusProto alone is not supported by Vigie (no protobuf parser): add a text protocol such as PrometheusText0.0.4');
    assert.deepEqual(job('    scrape_protocols: [PrometheusProto, PrometheusText0.0.4]\n').scrape_protocols, ['PrometheusProto', 'PrometheusText0.0.4']);
    fails('scrape_configs:\n  - job_name: a\n    fallback_scrape_protocol: PrometheusProto\n', 'v.yml:3:31: scrape_configs[0].fallback_scrape_protocol: PrometheusProto is not supported by Vigie (no protobuf parser)');
    fails(
      'scrape_configs:\n  - job_name: a\n    fallback_scrape_protocol: text\n',
      'v.yml:3:31: scrape_configs[0].fallback_scrape_protocol: expected one of "PrometheusProto", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusText0.0.4", "PrometheusText1.0.0", got "text"',
    );
  });

  it('refuses proxies and oauth2 at the key, with a clear message', () => {
    fails('scrape_configs:\n  - job_name: a\n    proxy_url: http://proxy:3128\n', 'v.yml:3:5: scrape_configs[0].proxy_url: proxy_url is not supported by Vigie (it connects directly)');
    fails('scrape_configs:\n  - job_name: a\n    proxy_from_environment: true\n', 'v.yml:3:5: scrape_configs[0].proxy_from_environment: proxy_from_environment is not supported by Vigie (proxies are not supported)');
    fails('scrape_configs:\n  - job_name: a\n    no_proxy: localhost\n', 'v.yml:3:5: scrape_configs[0].no_proxy: no_proxy is not supported by Vigie (proxies are not supported)');
    fails('scrape_configs:\n  - job_name: a\n    proxy_connect_header: {X: [y]}\n', 'v.yml:3:5: scrape_configs[0].proxy_connect_header: proxy_connect_header is not supported by Vigie (proxies are not supported)');
    fails('scrape_configs:\n  - job_name: a\n    oauth2:\n      client_id: x\n', 'v.yml:3:5: scrape_configs[0].oauth2: oauth2 is not supported by Vigie (use authorization with a token, or basic_auth)');
  });

  it('refuses the service discovery kinds Vigie lacks, naming those it has', () => {
    fails('scrape_configs:\n  - job_name: k8s\n    kubernetes_sd_configs:\n      - role: pod\n', `v.yml:3:5: scrape_configs[0].kubernetes_sd_configs: ${SD_SUPPORTED}`);
    fails(
      'scrape_configs:\n  - job_name: a\n    consul_sd_configs: [{server: "localhost:8500"}]\n  - job_name: b\n    ec2_sd_configs: []\n    docker_sd_configs: [{host: unix:///var/run/docker.sock}]\n',
      `v.yml:3:5: scrape_configs[0].consul_sd_configs: ${SD_SUPPORTED}`,
      `v.yml:5:5: scrape_configs[1].ec2_sd_configs: ${SD_SUPPORTED}`,
      `v.yml:6:5: scrape_configs[1].docker_sd_configs: ${SD_SUPPORTED}`,
    );
    for (const kind of ['aws', 'azure', 'digitalocean', 'dockerswarm', 'eureka', 'gce', 'hetzner', 'ionos', 'kuma', 'lightsail', 'linode', 'marathon', 'nerve', 'nomad', 'oci', 'openstack', 'outscale', 'ovhcloud', 'puppetdb', 'scaleway', 'serverset', 'stackit', 'triton', 'uyuni', 'vultr']) {
      fails(`scrape_configs:\n  - job_name: a\n    ${kind}_sd_configs: [{}]\n`, `v.yml:3:5: scrape_configs[0].${kind}_sd_configs: ${SD_SUPPORTED}`);
    }
    // http_sd_configs and dns_sd_configs are Vigie's (another change adds them): never "not supported".
    for (const kind of ['http', 'dns']) {
      try {
        parse(`scrape_configs:\n  - job_name: a\n    ${kind}_sd_configs: [{}]\n`);
      } catch (err) {
        assert.doesNotMatch(String(err), /not supported by Vigie/);
      }
    }
  });
});

describe('global: defaults of the scrape_configs keys', () => {
  it('is inherited by a job without its own value (0 counts as unset), as Prometheus', () => {
    const c = parse(
      'global:\n  sample_limit: 100\n  target_limit: 5\n  label_limit: 30\n  label_name_length_limit: 200\n  label_value_length_limit: 300\n  body_size_limit: 1MB\n  keep_dropped_targets: 7\n  scrape_protocols: [PrometheusText0.0.4]\n' +
        'scrape_configs:\n  - job_name: inherits\n  - job_name: own\n    sample_limit: 10\n    target_limit: 1\n    label_limit: 3\n    label_name_length_limit: 20\n    label_value_length_limit: 30\n    body_size_limit: 2KB\n    keep_dropped_targets: 1\n    scrape_protocols: [OpenMetricsText1.0.0]\n  - job_name: zero\n    sample_limit: 0\n',
    );
    const [inh, own, zero] = c.scrape_configs;
    assert.deepEqual(
      [inh?.sample_limit, inh?.target_limit, inh?.label_limit, inh?.label_name_length_limit, inh?.label_value_length_limit, inh?.body_size_limit, inh?.keep_dropped_targets, inh?.scrape_protocols],
      [100, 5, 30, 200, 300, 2 ** 20, 7, ['PrometheusText0.0.4']],
    );
    assert.deepEqual(
      [own?.sample_limit, own?.target_limit, own?.label_limit, own?.label_name_length_limit, own?.label_value_length_limit, own?.body_size_limit, own?.keep_dropped_targets, own?.scrape_protocols],
      [10, 1, 3, 20, 30, 2048, 1, ['OpenMetricsText1.0.0']],
    );
    assert.equal(zero?.sample_limit, 100);
    assert.equal(c.global.sample_limit, 100);
  });

  it('defaults to no limits and Prometheus protocols', () => {
    const g = parse('').global;
    assert.deepEqual([g.sample_limit, g.target_limit, g.label_limit, g.label_name_length_limit, g.label_value_length_limit, g.body_size_limit, g.keep_dropped_targets, g.scrape_protocols], [0, 0, 0, 0, 0, 0, 0, undefined]);
  });

  it('rejects bad global values at their line', () => {
    fails('global:\n  sample_limit: lots\n', 'v.yml:2:17: global.sample_limit: expected a number, got "lots"');
    fails('global:\n  body_size_limit: big\n', 'v.yml:2:20: global.body_size_limit: expected a size like 10MB, got "big"');
    fails('global:\n  scrape_protocols: []\n', 'v.yml:2:21: global.scrape_protocols: scrape_protocols cannot be empty');
    fails('global:\n  scrape_protocols: [PrometheusProto]\n', 'v.yml:2:21: global.scrape_protocols: PrometheusProto alone is not supported by Vigie (no protobuf parser): add a text protocol such as PrometheusText0.0.4');
  });
});

describe('tls_config: versions and inline PEM', () => {
  const tls = (body: string) => job(`    tls_config:\n${body}`).tls_config;
  it('reads min_version, max_version, ca, cert and key', () => {
    assert.deepEqual(tls('      min_version: TLS12\n      max_version: TLS13\n      ca: "CA PEM"\n      cert: "CERT PEM"\n      key: "KEY PEM"\n'), {
      min_version: 'TLS12',
      max_version: 'TLS13',
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
      insecure_skip_verify: false,
    });
    assert.deepEqual(tls('      cert: "C"\n      key_file: /k\n'), { cert: 'C', key_file: '/k', insecure_skip_verify: false });
  });

  it('refuses what prometheus/common refuses', () => {
    const pre = 'scrape_configs:\n  - job_name: a\n    tls_config:\n';
    fails(`${pre}      min_version: TLS14\n`, 'v.yml:4:20: scrape_configs[0].tls_config.min_version: expected one of "TLS10", "TLS11", "TLS12", "TLS13", got "TLS14"');
    fails(`${pre}      min_version: TLS13\n      max_version: TLS12\n`, 'v.yml:5:20: scrape_configs[0].tls_config.max_version: tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified');
    fails(`${pre}      ca: x\n      ca_file: /ca\n`, 'v.yml:5:16: scrape_configs[0].tls_config.ca_file: at most one of ca & ca_file must be configured');
    fails(`${pre}      cert: x\n      cert_file: /c\n      key: k\n`, 'v.yml:5:18: scrape_configs[0].tls_config.cert_file: at most one of cert & cert_file must be configured');
    fails(`${pre}      cert: x\n      key: k\n      key_file: /k\n`, 'v.yml:6:17: scrape_configs[0].tls_config.key_file: at most one of key and key_file must be configured');
    fails(`${pre}      cert: x\n`, 'v.yml:4:7: scrape_configs[0].tls_config.key_file: exactly one of key or key_file must be configured when a client certificate is configured');
    fails(`${pre}      key_file: /k\n`, 'v.yml:4:7: scrape_configs[0].tls_config.cert_file: exactly one of cert or cert_file must be configured when a client key is configured');
  });

  it('applies to remote_write too', () => {
    const r = parse('remote_write:\n  - url: https://rw.example/api/v1/write\n    tls_config: {min_version: TLS13, ca: "PEM"}\n').remote_write[0]!;
    assert.deepEqual(r.tls_config, { min_version: 'TLS13', ca: 'PEM', insecure_skip_verify: false });
  });
});

describe('remote_write: Prometheus keys', () => {
  const rw = (extra: string) => parse(`remote_write:\n  - url: http://127.0.0.1:1/w\n${extra}`).remote_write[0]!;
  it('accepts send_exemplars, send_native_histograms, follow_redirects, enable_http2, sample_age_limit', () => {
    const d = rw('');
    assert.deepEqual([d.send_exemplars, d.send_native_histograms, d.follow_redirects, d.enable_http2, d.queue_config.sample_age_limit], [false, false, true, false, 0]);
    const r = rw('    send_exemplars: true\n    send_native_histograms: true\n    follow_redirects: false\n    enable_http2: true\n    queue_config: {sample_age_limit: 2h}\n');
    assert.deepEqual([r.send_exemplars, r.send_native_histograms, r.follow_redirects, r.enable_http2, r.queue_config.sample_age_limit], [true, true, false, true, 7_200_000]);
  });

  it('rejects bad values and refuses what Vigie lacks', () => {
    const pre = 'remote_write:\n  - url: http://127.0.0.1:1/w\n';
    fails(`${pre}    queue_config: {sample_age_limit: old}\n`, 'v.yml:3:38: remote_write[0].queue_config.sample_age_limit: expected a duration like 1h, got "old"');
    fails(`${pre}    send_exemplars: "yes"\n`, 'v.yml:3:21: remote_write[0].send_exemplars: expected a boolean (true or false), got "yes"');
    fails(`${pre}    sigv4: {region: eu-west-1}\n`, 'v.yml:3:5: remote_write[0].sigv4: sigv4 is not supported by Vigie');
    fails(`${pre}    oauth2: {client_id: x}\n`, 'v.yml:3:5: remote_write[0].oauth2: oauth2 is not supported by Vigie (use authorization with a token, or basic_auth)');
    fails(`${pre}    proxy_url: http://p:3128\n`, 'v.yml:3:5: remote_write[0].proxy_url: proxy_url is not supported by Vigie (it connects directly)');
  });
});
