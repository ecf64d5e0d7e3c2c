import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from './load.js';

// dist/src/config/x.test.js → <repo>/../shared/conformance/blackbox
const BLACKBOX = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/conformance/blackbox');

/** A blackbox.yml's `modules:` map, nested under Vigie's `probe_modules:`. */
function asVigieConfig(file: string): string {
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^modules:/m, `${file} has no modules: section`);
  return text.replace(/^modules:/m, 'probe_modules:');
}

function rejection(file: string): ConfigError {
  try {
    parseConfig(asVigieConfig(file), file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
    return err;
  }
  assert.fail(`${file} was accepted`);
}

describe('probe_modules (blackbox.yml modules)', () => {
  it("loads blackbox_exporter's shipped blackbox.yml, with its defaults filled in", () => {
    const { config } = parseConfig(asVigieConfig(join(BLACKBOX, 'blackbox.yml')), 'blackbox.yml');
    const m = config.probe_modules;
    assert.deepEqual(Object.keys(m).sort(), ['grpc', 'grpc_plain', 'http_2xx', 'http_3xx', 'http_post_2xx', 'icmp', 'icmp_ttl5', 'irc_banner', 'pop3s_banner', 'postgresql', 'ssh_banner', 'ssh_banner_extract', 'tcp_connect', 'websocket']);
    assert.equal(m.http_2xx?.prober, 'http');
    assert.equal(m.http_2xx?.http.preferred_ip_protocol, 'ip4');
    assert.equal(m.http_2xx?.http.ip_protocol_fallback, true);
    assert.equal(m.http_2xx?.http.follow_redirects, true);
    assert.equal(m.http_2xx?.timeout, 0);
    assert.equal(m.http_post_2xx?.http.method, 'POST');
    assert.equal(m.tcp_connect?.tcp.preferred_ip_protocol, 'ip6');
    assert.equal(m.ssh_banner_extract?.timeout, 5000);
    assert.deepEqual(m.ssh_banner_extract?.tcp.query_response[0]?.labels, [{ name: 'ssh_version', value: '${1}' }, { name: 'ssh_comments', value: '${2}' }]);
    assert.equal(m.icmp?.icmp.ttl, 64);
    assert.equal(m.icmp_ttl5?.icmp.ttl, 5);
    assert.equal(m.pop3s_banner?.tcp.tls, true);
    assert.equal(m.pop3s_banner?.tcp.query_response[0]?.expect, '^+OK');
    // !!binary reaches the prober as bytes.
    const send = m.postgresql?.tcp.query_response[0]?.send;
    assert.ok(send instanceof Uint8Array, 'postgresql send is bytes');
    assert.deepEqual([...send], [0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]);
    assert.equal(m.postgresql?.tcp.query_response[1]?.expect_bytes, 'S');
    assert.equal(m.http_3xx?.http.enable_http3, true);
    assert.equal(m.grpc?.grpc.tls, true);
  });

  it('loads the annotated example.yml (every prober and most options)', () => {
    const { config } = parseConfig(asVigieConfig(join(BLACKBOX, 'example.yml')), 'example.yml');
    const m = config.probe_modules;
    assert.equal(Object.keys(m).length, 27);
    const ex = m.http_2xx_example!;
    assert.deepEqual(ex.http.valid_status_codes, []);
    assert.deepEqual(ex.http.headers, { Host: 'vhost.example.com', Origin: 'example.com' });
    assert.deepEqual(ex.http.http_headers, { 'Accept-Language': { values: ['en-US'], secrets: [], files: [] } });
    assert.equal(ex.http.ip_protocol_fallback, false);
    assert.equal(ex.http.fail_if_header_matches[0]?.allow_missing, true);
    assert.equal(m.http_basic_auth_example?.http.basic_auth?.password, 'mysecret');
    assert.equal(m.http_with_proxy?.http.proxy_url, 'http://127.0.0.1:3128');
    assert.equal(m.http_gzip?.http.compression, 'gzip');
    const dns = m.dns_udp_example!.dns;
    assert.equal(dns.query_type, 'A');
    assert.equal(dns.query_class, 'IN');
    assert.deepEqual(dns.validate_answer_rrs.fail_if_not_matches_regexp, ['www.prometheus.io.\t300\tIN\tA\t127.0.0.1']);
    assert.equal(m.dns_tcp_example?.dns.transport_protocol, 'tcp');
    assert.equal(m.dns_tcp_example?.dns.query_type, 'ANY');
    assert.deepEqual(m.dns_tcp_example?.dns.valid_rcodes, ['NOERROR']);
    assert.equal(m.dns_tcp_example?.dns.recursion_desired, true);
    assert.equal(m.unix_socket_ping?.prober, 'unix');
    assert.equal(m.websocket_example_bearer_token?.websocket.http_config.authorization?.credentials, 'secret_token');
  });

  it('loads config-testdata/blackbox-good.yml', () => {
    const { config } = parseConfig(asVigieConfig(join(BLACKBOX, 'config-testdata/blackbox-good.yml')), 'blackbox-good.yml');
    const m = config.probe_modules;
    assert.equal(m.http_post_2xx?.http.body_size_limit, 2 ** 20, '1MB is base-2 in blackbox.yml');
    assert.equal(m.http_2xx?.http.method, 'GET', 'an empty http: section gets the defaults');
    assert.deepEqual(m.grpc_health?.grpc.metadata, { key: ['value1', 'value2'], authorization: ['Bearer token'] });
    assert.equal(m.dns_test?.dns.ip_protocol_fallback, false);
  });

  // Each invalid fixture, the key its error must name, and words of the reason (METRICS.md §7).
  const INVALID: Readonly<Record<string, [RegExp, RegExp]>> = {
    'blackbox-bad.yml': [/probe_modules\.dns_test\.dns\.invalid_extra_field/, /unknown key/],
    'blackbox-bad2.yml': [/probe_modules\.http_post_2xx\.http\.bearer_token/, /at most one of bearer_token & bearer_token_file/],
    'invalid-prober.yml': [/probe_modules\.http_post_2xx\.prober/, /expected one of "http"/],
    'invalid-dns-module.yml': [/probe_modules\.dns_test\.dns\.query_name/, /query name must be set/],
    'invalid-dns-class.yml': [/probe_modules\.dns_test\.dns\.query_class/, /query class 'X' is not valid/],
    'invalid-dns-type.yml': [/probe_modules\.dns_test\.dns\.query_type/, /query type 'X' is not valid/],
    'invalid-http-header-match.yml': [/probe_modules\.http_headers\.http\.fail_if_header_not_matches\[0\]\.regexp/, /regexp must be set/],
    'invalid-http-body-match-regexp.yml': [/fail_if_body_matches_regexp\[0\]/, /could not compile regular expression ":\["/],
    'invalid-http-body-not-match-regexp.yml': [/fail_if_body_not_matches_regexp\[0\]/, /could not compile regular expression/],
    'invalid-http-header-match-regexp.yml': [/fail_if_header_not_matches\[0\]\.regexp/, /could not compile regular expression/],
    'invalid-tcp-query-response-regexp.yml': [/probe_modules\.tcp_test\.tcp\.query_response\[0\]\.expect/, /could not compile regular expression/],
    'invalid-unix-query-response-regexp.yml': [/probe_modules\.unix_socket_bad_regex\.unix\.query_response\[0\]\.expect/, /could not compile regular expression/],
    'invalid-websocket-query-response-regexp.yml': [/probe_modules\.websocket_test\.websocket\.query_response\[0\]\.expect/, /could not compile regular expression/],
    'invalid-http-compression-mismatch.yml': [/probe_modules\.http_headers\.http\.headers\.Accept-Encoding/, /must accept the configured compression/],
    'invalid-http-compression-mismatch-special-case.yml': [/probe_modules\.http_headers\.http\.headers\.accEpt-enCoding/, /must accept the configured compression/],
    'invalid-http-request-compression-reject-all-encodings.yml': [/http\.headers\.Accept-Encoding/, /\*;q=0\.0/],
    'invalid-http-http3-http2.yml': [/http\.valid_http_versions/, /HTTP\/3 and HTTP\/2\.0\/1\.1 cannot be used together/],
    'invalid-http-http3-http2-version.yml': [/http\.valid_http_versions/, /HTTP\/3 and HTTP\/2\.0\/1\.1 cannot be used together/],
    'invalid-no-versions-http3-enabled.yml': [/http\.enable_http2/, /enable_http2 must be set to false/],
    'invalid-http-http3-http2-enabled.yml': [/http\.enable_http2/, /enable_http2 must be set to false/],
    'invalid-icmp-ttl.yml': [/probe_modules\.icmp_test\.icmp\.ttl/, /cannot be negative/],
    'invalid-icmp-ttl-overflow.yml': [/probe_modules\.icmp_test\.icmp\.ttl/, /cannot exceed 255/],
    'invalid-http-body-config.yml': [/probe_modules\.http_test\.http\.body_file/, /body and body_file both are not allowed/],
  };

  it('covers every invalid fixture of config-testdata', () => {
    const files = readdirSync(join(BLACKBOX, 'config-testdata')).filter((f) => f !== 'blackbox-good.yml');
    assert.deepEqual(files.sort(), Object.keys(INVALID).sort());
  });

  for (const [file, [where, why]] of Object.entries(INVALID)) {
    it(`rejects ${file}, naming the key and the reason`, () => {
      const err = rejection(join(BLACKBOX, 'config-testdata', file));
      assert.match(err.message, where);
      assert.match(err.message, why);
      // file:line:col of the offending key or value
      assert.match(err.message, new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    });
  }

  it('rejects hostile and wrong values with a located message', () => {
    const bad = (yaml: string, expected: RegExp): void => {
      assert.throws(() => parseConfig(yaml, 'v.yml'), (err: unknown) => err instanceof ConfigError && expected.test(err.message));
    };
    bad('probe_modules:\n  m:\n    prober: tcp\n    timeout: fast\n', /v\.yml:4:\d+: probe_modules\.m\.timeout: expected a duration like 5s/);
    bad('probe_modules:\n  m:\n    prober: http\n    http:\n      body_size_limit: lots\n', /probe_modules\.m\.http\.body_size_limit: expected a size/);
    bad('probe_modules:\n  m:\n    prober: http\n    http:\n      preferred_ip_protocol: ipv4\n', /preferred_ip_protocol: expected one of "ip4", "ip6"/);
    bad('probe_modules:\n  m:\n', /probe_modules\.m/);
    bad('probe_modules: [1, 2]\n', /probe_modules/);
    bad('probe_modules:\n  m:\n    prober: tcp\n    tcp:\n      query_response:\n        - expect: "a(?=b)"\n', /query_response\[0\]\.expect: could not compile regular expression "a\(\?=b\)": lookahead/);
    bad('probe_modules:\n  m:\n    prober: dns\n    dns:\n      query_name: x\n      valid_rcodes: [NOPE]\n', /valid_rcodes\[0\]: rcode 'NOPE' is not valid/);
    bad('probe_modules:\n  m:\n    prober: http\n    http:\n      tls_config:\n        cert_file: a.pem\n', /tls_config\.key_file: exactly one of key or key_file/);
  });

  it('accepts Go durations and leaves the timeout unset (0) when absent', () => {
    const { config } = parseConfig('probe_modules:\n  a:\n    prober: icmp\n    timeout: 1.5s\n  b:\n    prober: icmp\n    timeout: 1m30s\n  c:\n    prober: icmp\n', 'v.yml');
    assert.equal(config.probe_modules.a?.timeout, 1500);
    assert.equal(config.probe_modules.b?.timeout, 90_000);
    assert.equal(config.probe_modules.c?.timeout, 0);
  });
});

describe('probes: jobs', () => {
  it('accept built-in and configured modules, and name an unknown one with its line', () => {
    const ok = parseConfig('probe_modules:\n  mine: { prober: tcp }\nprobes:\n  - { job_name: a, module: mine, targets: ["127.0.0.1:22"] }\n  - { job_name: b, module: ssh_banner, targets: ["127.0.0.1:22"] }\n', 'v.yml');
    assert.deepEqual(ok.config.probes.map((p) => p.module), ['mine', 'ssh_banner']);
    assert.throws(
      () => parseConfig('probes:\n  - job_name: a\n    module: htp_2xx\n    targets: ["http://x"]\n', 'v.yml'),
      (e: unknown) => e instanceof ConfigError && /^v\.yml:3:13: probes\[0\]\.module: unknown module "htp_2xx"/.test(e.message),
    );
    assert.throws(
      () => parseConfig('scrape_configs:\n  - job_name: a\nprobes:\n  - { job_name: a, module: icmp, targets: ["127.0.0.1"] }\n', 'v.yml'),
      (e: unknown) => e instanceof ConfigError && /already used/.test(e.message),
    );
  });
});
