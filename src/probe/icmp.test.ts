import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PING_BINARY, parsePingReply, pingArgs } from './icmp.js';
import { DEFAULT_PROBE_MODULES, runProbe } from './index.js';
import { hasBinary, mod, opts } from './test-peers.js';

describe('icmp prober through the system ping', { skip: hasBinary(PING_BINARY) ? false : `LOUD: ${PING_BINARY} (iputils-ping) is not installed` }, () => {
  it('pings 127.0.0.1 with the rtt and the reply TTL', async () => {
    const r = await runProbe(DEFAULT_PROBE_MODULES.icmp!, '127.0.0.1', opts());
    assert.equal(r.success, true, `${r.failureReason} ${r.logs.join('\n')}`);
    const phases = r.metrics.filter((m) => m.name === 'probe_icmp_duration_seconds').map((m) => m.labels.phase).sort();
    assert.deepEqual(phases, ['resolve', 'rtt', 'setup']);
    assert.ok((r.metrics.find((m) => m.labels.phase === 'rtt')?.value ?? 0) > 0);
    assert.equal(r.metrics.find((m) => m.name === 'probe_icmp_reply_hop_limit')?.value, 64);
    assert.equal(r.metrics.find((m) => m.name === 'probe_ip_protocol')?.value, 4);
  });

  it('fails without an echo reply: a timeout (ping killed) or an ICMP error, depending on the network', async () => {
    // On this machine's sandbox network TEST-NET-2 answers "Destination Port Unreachable"; elsewhere it is silent.
    const r = await runProbe(mod({ prober: 'icmp', icmp: { preferred_ip_protocol: 'ip4' } }), '198.51.100.7', opts(1500));
    assert.equal(r.success, false);
    assert.match(r.failureReason ?? '', /^(probe timed out after 1\.5s|ping failed: .*|no echo reply from 198\.51\.100\.7)$/);
    assert.equal(r.metrics.some((m) => m.name === 'probe_icmp_reply_hop_limit'), false);
  });

  it('does not start when already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runProbe(DEFAULT_PROBE_MODULES.icmp!, '127.0.0.1', { signal: ac.signal, timeoutMs: 5000 });
    assert.equal(r.failureReason, 'probe aborted');
  });

  it('fails to resolve a bad host name with the reason', async () => {
    const r = await runProbe(DEFAULT_PROBE_MODULES.icmp!, 'nothing-here.invalid', opts());
    assert.match(r.failureReason ?? '', /^cannot resolve "nothing-here\.invalid"/);
  });
});

describe('ping output and arguments', () => {
  it('reads iputils reply lines for IPv4 and IPv6, and nothing from hostile output', () => {
    const v4 = parsePingReply('PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\n');
    assert.ok(v4 !== undefined && Math.abs(v4.rttSeconds - 0.000045) < 1e-12 && v4.hopLimit === 64, JSON.stringify(v4));
    const v6 = parsePingReply('64 bytes from ::1: icmp_seq=1 ttl=255 time=1.5 ms');
    assert.ok(v6 !== undefined && Math.abs(v6.rttSeconds - 0.0015) < 1e-12 && v6.hopLimit === 255, JSON.stringify(v6));
    assert.equal(parsePingReply('From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n'), undefined);
    assert.equal(parsePingReply('\x00\xff'.repeat(1000)), undefined);
  });

  it('passes ttl, payload size, don\'t-fragment and the family', () => {
    const m = mod({ prober: 'icmp', icmp: { ttl: 5, payload_size: 100, dont_fragment: true } });
    assert.deepEqual(pingArgs('::1', 6, m.icmp, 2.5), ['-n', '-c', '1', '-W', '3', '-6', '-t', '5', '-s', '100', '-M', 'do', '::1']);
  });
});
