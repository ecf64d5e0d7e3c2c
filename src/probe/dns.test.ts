import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { encode } from 'dns-packet';
import { freePort, waitUntil } from '../common/index.js';
import { runProbe } from './index.js';
import { fqdn, quoteText, recordText } from './dns-text.js';
import { hasBinary, mod, opts } from './test-peers.js';
import type { ProbeResult } from './types.js';

const DNSMASQ = '/usr/sbin/dnsmasq';

function value(r: ProbeResult, name: string, labels: Record<string, string> = {}): number | undefined {
  return r.metrics.find((m) => m.name === name && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;
}

/** A free UDP port on 127.0.0.1 (dnsmasq takes the same number for TCP). */

function dnsModule(dns: Record<string, unknown>) {
  return mod({ prober: 'dns', dns: { preferred_ip_protocol: 'ip4', ...dns } });
}

describe('dns prober against a real dnsmasq', { skip: hasBinary(DNSMASQ) ? false : `LOUD: ${DNSMASQ} is not installed (apt-get install dnsmasq-base)` }, () => {
  let child: ChildProcess | undefined;
  let target = '';
  let stderr = '';
  before(async () => {
    const port = await freePort();
    target = `127.0.0.1:${port}`;
    child = spawn(DNSMASQ, [
      '--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--user=root',
      '--address=/nx.vigie.test/', '--host-record=www.vigie.test,192.0.2.10,2001:db8::10', '--txt-record=txt.vigie.test,hello world,v=spf1 -all',
      '--mx-host=vigie.test,mail.vigie.test,10', '--auth-zone=vigie.test', '--auth-server=ns.vigie.test', '--auth-soa=2024010101,hostmaster.vigie.test,1200,180,1209600',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(async () => (await runProbe(dnsModule({ query_name: 'www.vigie.test', query_type: 'A' }), target, opts(2000))).success, 20_000, `dnsmasq on ${target} (stderr: ${stderr})`);
  });
  after(() => {
    child?.kill('SIGKILL');
  });

  it('answers A over UDP, with every probe_dns_* metric and the answer validated by regexp', async () => {
    const r = await runProbe(dnsModule({ query_name: 'www.vigie.test', query_type: 'A', validate_answer_rrs: { fail_if_not_matches_regexp: ['^www\\.vigie\\.test\\.\\t600\\tIN\\tA\\t192\\.0\\.2\\.10$'], fail_if_none_matches_regexp: ['192.0.2.10'] } }), target, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_dns_answer_rrs'), 1);
    assert.equal(value(r, 'probe_dns_authority_rrs'), 0);
    assert.equal(value(r, 'probe_dns_additional_rrs'), 0);
    assert.equal(value(r, 'probe_dns_query_succeeded'), 1);
    for (const phase of ['resolve', 'connect', 'request']) assert.ok(value(r, 'probe_dns_duration_seconds', { phase }) !== undefined, phase);
    assert.equal(r.metrics.some((m) => m.name === 'probe_dns_serial'), false);
  });

  it('answers AAAA and MX over TCP', async () => {
    const aaaa = await runProbe(dnsModule({ query_name: 'www.vigie.test', query_type: 'AAAA', transport_protocol: 'tcp', validate_answer_rrs: { fail_if_not_matches_regexp: ['\\tAAAA\\t2001:db8::10$'] } }), target, opts());
    assert.equal(aaaa.success, true, aaaa.failureReason);
    const mx = await runProbe(dnsModule({ query_name: 'vigie.test', query_type: 'MX', transport_protocol: 'tcp', validate_answer_rrs: { fail_if_not_matches_regexp: ['\\tMX\\t10 mail\\.vigie\\.test\\.$'] } }), target, opts());
    assert.equal(mx.success, true, mx.failureReason);
  });

  it('prints TXT records the way miekg/dns does', async () => {
    const r = await runProbe(dnsModule({ query_name: 'txt.vigie.test', query_type: 'TXT', validate_answer_rrs: { fail_if_not_matches_regexp: ['\\tTXT\\t"hello world" "v=spf1 -all"$'] } }), target, opts());
    assert.equal(r.success, true, r.failureReason);
  });

  it('reports the SOA serial', async () => {
    const r = await runProbe(dnsModule({ query_name: 'vigie.test', query_type: 'SOA' }), target, opts());
    assert.equal(r.success, true, r.failureReason);
    assert.equal(value(r, 'probe_dns_serial'), 2024010101);
  });

  it('fails NXDOMAIN unless it is a valid rcode; REFUSED likewise', async () => {
    const nx = await runProbe(dnsModule({ query_name: 'gone.nx.vigie.test', query_type: 'A' }), target, opts());
    assert.equal(nx.success, false);
    assert.equal(nx.failureReason, 'rcode NXDOMAIN is not one of the valid rcodes [NOERROR]');
    assert.equal(value(nx, 'probe_dns_query_succeeded'), 1);
    const ok = await runProbe(dnsModule({ query_name: 'gone.nx.vigie.test', query_type: 'A', valid_rcodes: ['NXDOMAIN'] }), target, opts());
    assert.equal(ok.success, true, ok.failureReason);
    const refused = await runProbe(dnsModule({ query_name: 'elsewhere.example', query_type: 'A', transport_protocol: 'tcp' }), target, opts());
    assert.equal(refused.failureReason, 'rcode REFUSED is not one of the valid rcodes [NOERROR]');
  });

  it('applies the four regexp checks as blackbox does', async () => {
    const q = { query_name: 'www.vigie.test', query_type: 'A' };
    const matches = await runProbe(dnsModule({ ...q, validate_answer_rrs: { fail_if_matches_regexp: ['192\\.0\\.2\\.'] } }), target, opts());
    assert.match(matches.failureReason ?? '', /^answer record "www\.vigie\.test\.\\t600\\tIN\\tA\\t192\.0\.2\.10" matched fail_if_matches_regexp/);
    const none = await runProbe(dnsModule({ ...q, validate_answer_rrs: { fail_if_none_matches_regexp: ['10\\.0\\.0\\.1'] } }), target, opts());
    assert.equal(none.failureReason, 'no answer record matched fail_if_none_matches_regexp');
    // An empty section fails fail_if_not_matches_regexp.
    const empty = await runProbe(dnsModule({ ...q, validate_authority_rrs: { fail_if_not_matches_regexp: ['.'] } }), target, opts());
    assert.equal(empty.failureReason, 'no authority records, fail_if_not_matches_regexp needs some');
    const all = await runProbe(dnsModule({ ...q, validate_answer_rrs: { fail_if_all_match_regexp: ['^www'] } }), target, opts());
    assert.equal(all.success, true, 'blackbox fails fail_if_all_match_regexp only when some record does not match');
  });

  it('times out against a port where nothing answers over UDP', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', () => res()));
    try {
      const r = await runProbe(dnsModule({ query_name: 'www.vigie.test' }), `127.0.0.1:${silent.address().port}`, opts(400));
      assert.equal(r.failureReason, 'probe timed out after 0.4s');
      assert.equal(value(r, 'probe_dns_query_succeeded'), 0);
    } finally {
      silent.close();
    }
  });

  it('rejects a hostile server that answers with garbage or a wrong id', async () => {
    const evil = createSocket('udp4');
    evil.on('message', (msg, rinfo) => {
      // First a valid-looking answer with the wrong id (ignored), then garbage.
      const wrongId = encode({ type: 'response', id: (msg.readUInt16BE(0) + 1) & 0xffff, questions: [{ type: 'A', name: 'www.vigie.test' }] });
      evil.send(wrongId, rinfo.port, rinfo.address);
      evil.send(Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 9, 0, 9, 0xff]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((res) => evil.bind(0, '127.0.0.1', () => res()));
    try {
      const r = await runProbe(dnsModule({ query_name: 'www.vigie.test' }), `127.0.0.1:${evil.address().port}`, opts(5000));
      assert.equal(r.success, false);
      assert.match(r.failureReason ?? '', /^malformed DNS response \(9 bytes\)/);
    } finally {
      evil.close();
    }
  });
});

describe('miekg/dns text form of records', () => {
  it('quotes, escapes and qualifies names', () => {
    assert.equal(fqdn(''), '.');
    assert.equal(fqdn('a b.example'), 'a\\ b.example.');
    assert.equal(quoteText('say "hi"\\\n'), '"say \\"hi\\"\\\\\\010"');
    assert.equal(recordText({ type: 'SRV', name: '_x._tcp.example', ttl: 60, class: 'IN', data: { priority: 1, weight: 2, port: 443, target: 'h.example' } }), '_x._tcp.example.\t60\tIN\tSRV\t1 2 443 h.example.');
    assert.equal(recordText({ type: 'NS', name: 'example', ttl: 5, class: 'IN', data: 'ns1.example' }), 'example.\t5\tIN\tNS\tns1.example.');
  });
});
