/**
 * Vigie's probers against the real blackbox_exporter (Debian's prometheus-blackbox-exporter):
 * same modules, same loopback targets; the series names and label sets of /probe must match
 * renderProbeExposition's, and so must the values that do not depend on timing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Socket, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { waitUntil } from '../common/index.js';
import { probeModulesSchema, renderProbeExposition, runProbe } from './index.js';
import { type TestCertificate, closeServer, hasBinary, listen, makeSelfSignedCert } from './test-peers.js';

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
const DNSMASQ = '/usr/sbin/dnsmasq';

/**
 * Series Vigie adds that blackbox_exporter 0.23 (the Debian build) lacks: the failure reason
 * (Vigie's own), and metrics of newer blackbox releases (the reference is the upstream head).
 */
const VIGIE_EXTRAS = new Set(['probe_failure_reason', 'probe_timeout_seconds', 'probe_tls_cipher_info', 'probe_failed_due_to_bytes']);
/** Labels of newer blackbox releases, absent from 0.23: the leaf's `serialnumber` in probe_ssl_last_chain_info. */
function withoutNewerLabels(s: Sample): Sample {
  return s.name === 'probe_ssl_last_chain_info' ? { ...s, labels: s.labels.replace(/,?serialnumber="[0-9a-f]*"/, '') } : s;
}
/** Series whose value is deterministic for these targets (not a timing). */
const SAME_VALUE = /^probe_(success|http_status_code|http_content_length|http_uncompressed_body_length|http_redirects|http_ssl|http_version|ip_protocol|ip_addr_hash|failed_due_to_regex|ssl_earliest_cert_expiry|ssl_last_chain_expiry_timestamp_seconds|ssl_last_chain_info|tls_version_info|dns_answer_rrs|dns_authority_rrs|dns_additional_rrs|dns_query_succeeded|dns_serial|icmp_reply_hop_limit|http_last_modified_timestamp_seconds)$/;

interface Sample {
  readonly name: string;
  readonly labels: string;
  readonly value: number;
}

/** Just enough of the text format for /probe: `name{a="x",b="y"} value` lines; comments skipped. */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable exposition line ${JSON.stringify(line)}`);
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    out.push({ name: m[1]!, labels: m[2] ?? '', value });
  }
  return out;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const missing = [BLACKBOX, DNSMASQ, '/usr/bin/ping', 'openssl'].filter((b) => !hasBinary(b));

describe('same series as the real blackbox_exporter', { skip: missing.length > 0 ? `LOUD: missing test peers ${missing.join(', ')}` : false }, () => {
  const procs: ChildProcess[] = [];
  const sockets = new Set<Socket>();
  let dir = '';
  let cert: TestCertificate;
  let blackboxUrl = '';
  let modulesYaml = '';
  const http = createServer((req, res) => {
    res.statusCode = req.url === '/500' ? 500 : 200;
    res.setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT');
    res.end('hello from the test server');
  });
  let https: ReturnType<typeof createHttpsServer>;
  const ssh = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.resume();
    s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
  });
  const targets: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-bb-compare-'));
    cert = makeSelfSignedCert(30);
    https = createHttpsServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('secure hello'));
    targets.http = `http://127.0.0.1:${await listen(http)}/`;
    targets.http500 = `${targets.http}500`;
    targets.https = `https://localhost:${await listen(https)}/`;
    targets.ssh = `127.0.0.1:${await listen(ssh)}`;
    const dnsPort = await freeUdpPort();
    targets.dns = `127.0.0.1:${dnsPort}`;
    targets.icmp = '127.0.0.1';
    procs.push(
      spawn(DNSMASQ, ['--no-daemon', `--port=${dnsPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--user=root', '--host-record=www.vigie.test,192.0.2.10', '--auth-zone=vigie.test', '--auth-server=ns.vigie.test', '--auth-soa=2024010101,hostmaster.vigie.test'], { stdio: 'ignore' }),
    );
    modulesYaml = [
      'modules:',
      '  http_2xx: {prober: http, http: {preferred_ip_protocol: ip4}}',
      '  https_insecure: {prober: http, http: {preferred_ip_protocol: ip4, tls_config: {insecure_skip_verify: true}}}',
      '  ssh_banner: {prober: tcp, tcp: {preferred_ip_protocol: ip4, query_response: [{expect: "^SSH-2.0-"}]}}',
      '  dns_a: {prober: dns, dns: {preferred_ip_protocol: ip4, query_name: www.vigie.test, query_type: A, validate_answer_rrs: {fail_if_not_matches_regexp: ["www.vigie.test.\\t600\\tIN\\tA\\t192.0.2.10"]}}}',
      '  dns_soa: {prober: dns, dns: {preferred_ip_protocol: ip4, transport_protocol: tcp, query_name: vigie.test, query_type: SOA}}',
      '  icmp: {prober: icmp, icmp: {preferred_ip_protocol: ip4}}',
      '',
    ].join('\n');
    const configFile = join(dir, 'blackbox.yml');
    writeFileSync(configFile, modulesYaml);
    const webPort = await freeUdpPort(); // a number free for UDP is almost always free for TCP too
    blackboxUrl = `http://127.0.0.1:${webPort}`;
    procs.push(spawn(BLACKBOX, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${webPort}`], { stdio: 'ignore' }));
    await waitUntil(async () => (await fetch(`${blackboxUrl}/metrics`).catch(() => undefined))?.ok === true, 30_000, 'blackbox_exporter to listen');
  });

  after(async () => {
    for (const p of procs) p.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    await Promise.all([closeServer(http), closeServer(https), closeServer(ssh)]);
    cert.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string, boolean][] = [
    ['http_2xx', 'http', true],
    ['http_2xx', 'http500', false],
    ['https_insecure', 'https', true],
    ['ssh_banner', 'ssh', true],
    ['dns_a', 'dns', true],
    ['dns_soa', 'dns', true],
    ['icmp', 'icmp', true],
  ];
  for (const [module, targetKey, expectSuccess] of cases) {
    it(`${module} on the ${targetKey} server`, async () => {
      const target = targets[targetKey]!;
      const modules = probeModulesSchema.parse((parseYaml(modulesYaml) as { modules: unknown }).modules);
      const vigie = await runProbe(modules[module]!, target, { signal: new AbortController().signal, timeoutMs: 10_000 });
      let theirs: Sample[] = [];
      // dnsmasq may still be starting for the first dns case: retry until blackbox's probe settles.
      await waitUntil(async () => {
        const res = await fetch(`${blackboxUrl}/probe?module=${module}&target=${encodeURIComponent(target)}`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '10' } });
        theirs = parseExposition(await res.text());
        return theirs.find((s) => s.name === 'probe_success')?.value === (expectSuccess ? 1 : 0);
      }, 20_000, `blackbox_exporter's ${module} probe of ${target} to give probe_success ${expectSuccess ? 1 : 0}`);
      assert.equal(vigie.success, expectSuccess, vigie.failureReason);
      const ours = parseExposition(renderProbeExposition(vigie))
        .filter((s) => !VIGIE_EXTRAS.has(s.name))
        .map(withoutNewerLabels);
      const key = (s: Sample): string => `${s.name}${s.labels}`;
      assert.deepEqual(ours.map(key).sort(), theirs.map(key).sort(), 'series names and label sets');
      const theirValues = new Map(theirs.map((s) => [key(s), s.value]));
      for (const s of ours) if (SAME_VALUE.test(s.name)) assert.equal(s.value, theirValues.get(key(s)), `value of ${key(s)}`);
      if (!expectSuccess) assert.ok(vigie.metrics.some((m) => m.name === 'probe_failure_reason'), 'Vigie says why');
    });
  }
});
