import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { existsSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { freePort } from '../common/index.js';
import { parseConfig } from '../config/index.js';
import { DnsDiscovery, nameList, parseResolvConf, ScrapeManager, type DnsResolverOptions, type TargetGroup, type TargetInfo } from './index.js';
import { MemoryAppendable, PageServer } from './testutil.js';

const DNSMASQ = '/usr/sbin/dnsmasq';

function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

test('nameList tries the search domains as miekg/dns does; resolv.conf is read for search and ndots', () => {
  assert.deepEqual(nameList('www', ['a.test', 'b.test.'], 1), ['www.a.test.', 'www.b.test.', 'www.']);
  assert.deepEqual(nameList('_x._tcp', ['a.test'], 1), ['_x._tcp.', '_x._tcp.a.test.']);
  assert.deepEqual(nameList('a.b.c', ['s'], 5), ['a.b.c.s.', 'a.b.c.']);
  assert.deepEqual(nameList('rooted.test.', ['s'], 1), ['rooted.test.']);
  assert.deepEqual(parseResolvConf('# c\nnameserver 10.0.0.1\nsearch a.test b.test\noptions rotate ndots:3\n'), { search: ['a.test', 'b.test'], ndots: 3 });
  assert.deepEqual(parseResolvConf('search a.test\ndomain c.test\noptions ndots:99\n'), { search: ['c.test'], ndots: 15 });
  assert.deepEqual(parseResolvConf(''), { search: [], ndots: 1 });
});

const byAddress = (x: Record<string, string>, y: Record<string, string>): number => ((x.__address__ ?? '') < (y.__address__ ?? '') ? -1 : 1);

/** dnsmasq answering only for vigie.test, from the command line (no upstream, no /etc/hosts). */
class Dnsmasq {
  private child: ChildProcess | undefined;
  private stderr = '';
  constructor(readonly port: number) {}

  /** (Re)starts dnsmasq with these record options; resolves once it answers. */
  async start(records: readonly string[]): Promise<void> {
    await this.stop();
    this.stderr = '';
    const child = spawn(
      DNSMASQ,
      [
        '--no-daemon', `--port=${this.port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--user=root',
        // An authoritative zone: unknown names under vigie.test are NXDOMAIN, and it has NS records.
        '--auth-zone=vigie.test', '--auth-server=ns1.vigie.test,lo', '--auth-sec-servers=ns2.vigie.test',
        ...records,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const r = new dns.Resolver({ timeout: 200, tries: 1 });
    r.setServers([`127.0.0.1:${this.port}`]);
    for (let i = 0; i < 100; i++) {
      try {
        await r.resolveNs('vigie.test');
        return;
      } catch {
        if (child.exitCode !== null || child.signalCode !== null) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    throw new Error(`dnsmasq did not start: ${this.stderr}`);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }
}

describe('dns_sd against a real dnsmasq', { skip: existsSync(DNSMASQ) ? false : `LOUD SKIP: ${DNSMASQ} is not installed (apt-get install dnsmasq-base; make test does)` }, () => {
  let server: Dnsmasq;
  let resolver: DnsResolverOptions;
  before(async () => {
    server = new Dnsmasq(await freePort());
    resolver = { servers: [`127.0.0.1:${server.port}`], search: [], ndots: 1, timeoutMs: 300 };
  });
  after(() => server.stop());

  it('SRV, A, AAAA, MX and NS targets with their meta labels; refresh follows changes; failures keep targets, NXDOMAIN removes them', async () => {
    const [p1, p2] = [await PageServer.start(), await PageServer.start()];
    p1.page = 'one 1\n';
    p2.page = 'two 2\n';
    const port1 = p1.address.split(':')[1]!;
    const port2 = p2.address.split(':')[1]!;
    await server.start([
      `--srv-host=_prometheus._tcp.vigie.test,a.vigie.test,${port1},0,10`,
      `--srv-host=_prometheus._tcp.vigie.test,b.vigie.test,${port2},0,10`,
      '--host-record=www.vigie.test,192.0.2.10,2001:db8::10',
      '--host-record=www2.vigie.test,192.0.2.20',
      '--host-record=mapped.vigie.test,::ffff:192.0.2.30',
      '--mx-host=mx.vigie.test,mail.vigie.test,10',
    ]);
    const { logger, lines } = recordingLogger();
    const app = new MemoryAppendable();
    const mgr = new ScrapeManager({ appendable: app, logger, dnsResolver: resolver });
    const sd = (names: string, extra = ''): string => `    scrape_interval: 1m\n    scrape_timeout: 200ms\n    dns_sd_configs: [{names: ${names}, refresh_interval: 150ms${extra}}]\n`;
    const cfg = parseConfig(
      'scrape_configs:\n' +
        // The SRV targets a.vigie.test / b.vigie.test are scraped on 127.0.0.1 at the SRV port.
        `  - job_name: srv\n${sd('[_prometheus._tcp.vigie.test]')}    relabel_configs:\n` +
        "      - {source_labels: [__meta_dns_srv_record_port], replacement: '127.0.0.1:$1', target_label: __address__}\n" +
        '      - {source_labels: [__meta_dns_srv_record_target], target_label: srv_target}\n' +
        '      - {source_labels: [__meta_dns_name], target_label: dns_name}\n' +
        `  - job_name: a\n${sd('[www.vigie.test, www2.vigie.test, nothing.vigie.test]', ', type: a, port: 9100')}` +
        `  - job_name: aaaa\n${sd('[www.vigie.test, mapped.vigie.test, www2.vigie.test]', ', type: AAAA, port: 9100')}` +
        `  - job_name: mx\n${sd('[mx.vigie.test]', ', type: MX, port: 25')}` +
        `  - job_name: ns\n${sd('[vigie.test]', ', type: NS, port: 53')}`,
      'test.yml',
    ).config;
    const discovered = (job: string): Array<Record<string, string>> =>
      mgr
        .targets()
        .filter((t) => t.scrapePool === job)
        .map((t: TargetInfo) => Object.fromEntries(Object.entries(t.discoveredLabels).filter(([k]) => k === '__address__' || k.startsWith('__meta_'))))
        .sort(byAddress);
    try {
      await mgr.applyConfig(cfg.scrape_configs, cfg.global);
      assert.deepEqual(discovered('srv'), [
        { __address__: `a.vigie.test:${port1}`, __meta_dns_name: '_prometheus._tcp.vigie.test', __meta_dns_srv_record_target: 'a.vigie.test.', __meta_dns_srv_record_port: port1 },
        { __address__: `b.vigie.test:${port2}`, __meta_dns_name: '_prometheus._tcp.vigie.test', __meta_dns_srv_record_target: 'b.vigie.test.', __meta_dns_srv_record_port: port2 },
      ].sort(byAddress));
      const srvLabels = mgr.targets().filter((t) => t.scrapePool === 'srv').map((t) => t.labels).sort((x, y) => (x.instance! < y.instance! ? -1 : 1));
      assert.deepEqual(srvLabels, [
        { dns_name: '_prometheus._tcp.vigie.test', instance: `127.0.0.1:${port1}`, job: 'srv', srv_target: 'a.vigie.test.' },
        { dns_name: '_prometheus._tcp.vigie.test', instance: `127.0.0.1:${port2}`, job: 'srv', srv_target: 'b.vigie.test.' },
      ].sort((x, y) => (x.instance < y.instance ? -1 : 1)));
      assert.deepEqual(discovered('a'), [
        { __address__: '192.0.2.10:9100', __meta_dns_name: 'www.vigie.test' },
        { __address__: '192.0.2.20:9100', __meta_dns_name: 'www2.vigie.test' },
      ]);
      // www2 has no AAAA record (NODATA): no target, no error. Go prints an IPv4-mapped address as IPv4.
      assert.deepEqual(discovered('aaaa'), [
        { __address__: '192.0.2.30:9100', __meta_dns_name: 'mapped.vigie.test' },
        { __address__: '[2001:db8::10]:9100', __meta_dns_name: 'www.vigie.test' },
      ]);
      assert.deepEqual(discovered('mx'), [{ __address__: 'mail.vigie.test:25', __meta_dns_name: 'mx.vigie.test', __meta_dns_mx_record_target: 'mail.vigie.test.' }]);
      assert.deepEqual(discovered('ns'), [
        { __address__: 'ns1.vigie.test:53', __meta_dns_name: 'vigie.test', __meta_dns_ns_record_target: 'ns1.vigie.test.' },
        { __address__: 'ns2.vigie.test:53', __meta_dns_name: 'vigie.test', __meta_dns_ns_record_target: 'ns2.vigie.test.' },
      ]);
      // NXDOMAIN (nothing.vigie.test) and NODATA (www2's AAAA) are not errors: a warning once per name, not at every refresh.
      await new Promise((r) => setTimeout(r, 500));
      const empty = (): string[] => lines.map((l) => `${String(l.level)} ${String(l.name)} ${String(l.type)}`).sort();
      assert.deepEqual(empty(), ['40 nothing.vigie.test A', '40 www2.vigie.test AAAA'], JSON.stringify(lines));
      lines.length = 0;
      await mgr.scrapeAllNow();
      assert.equal(app.of('one{').length, 1);
      assert.equal(app.of('two{').length, 1);

      // The server is gone: every lookup fails, is logged, and every target stays.
      const before = mgr.targets().length;
      await server.stop();
      await waitFor(() => lines.filter((l) => l.msg === 'dns_sd: error refreshing DNS targets (the previous targets of this name stay)').length >= 20, 'failed lookups');
      assert.equal(mgr.targets().length, before);
      const failed = lines.find((l) => l.name === '_prometheus._tcp.vigie.test')!;
      assert.equal(failed.job, 'srv');
      assert.match(String(failed.err), /could not resolve "_prometheus._tcp.vigie.test": all servers responded with errors to at least one search domain \((ECONNREFUSED|ETIMEOUT)\)/);

      // Back with other records: b's SRV record is gone (its series go stale), www moved, mx.vigie.test no longer exists.
      await server.start([`--srv-host=_prometheus._tcp.vigie.test,a.vigie.test,${port1},0,10`, '--host-record=www.vigie.test,192.0.2.11', '--host-record=www2.vigie.test,192.0.2.20']);
      app.clear();
      await waitFor(() => discovered('srv').length === 1 && discovered('a')[0]?.__address__ === '192.0.2.11:9100' && discovered('mx').length === 0, 'the new records');
      assert.equal(discovered('srv')[0]?.__address__, `a.vigie.test:${port1}`);
      assert.equal(discovered('a').length, 2);
      await waitFor(() => app.samples.some((s) => s.stale && s.series.startsWith('two{')), 'staleness markers of the removed SRV target');
    } finally {
      await mgr.stop();
      await Promise.all([p1.close(), p2.close()]);
    }
  });

  it('follows the search domains; a REFUSED name is an error only if no other name answers; stop cancels', async () => {
    await server.start(['--host-record=www.vigie.test,192.0.2.10', '--srv-host=_prometheus._tcp.vigie.test,a.vigie.test,9100,0,10']);
    const { logger, lines } = recordingLogger();
    const got: TargetGroup[][] = [];
    const search: DnsResolverOptions = { ...resolver, search: ['elsewhere.example', 'vigie.test'], ndots: 1 };
    const srv = new DnsDiscovery({ names: ['_prometheus._tcp', 'www'], type: 'SRV', port: 0, refresh_interval: 3_600_000 }, (g) => got.push(g), logger, search);
    await srv.tick();
    // _prometheus._tcp. (REFUSED), _prometheus._tcp.elsewhere.example. (REFUSED), then _prometheus._tcp.vigie.test. answers; www.vigie.test. exists without SRV records.
    assert.deepEqual(lines.map((l) => [l.level, l.name]), [[40, 'www']], `only the warning that www has no SRV records: ${JSON.stringify(lines)}`);
    assert.deepEqual(got.at(-1)?.map((g) => [g.targets, { ...g.labels }]), [[['a.vigie.test:9100'], { __meta_dns_name: '_prometheus._tcp', __meta_dns_srv_record_target: 'a.vigie.test.', __meta_dns_srv_record_port: '9100' }]]);
    srv.stop();
    // Only refusals: an error.
    const refused = new DnsDiscovery({ names: ['host.elsewhere.example'], type: 'A', port: 80, refresh_interval: 3_600_000 }, (g) => got.push(g), logger, search);
    await refused.tick();
    assert.match(String(lines.at(-1)?.err), /could not resolve "host.elsewhere.example": .*\(EREFUSED\)/);
    refused.stop();

    // A server that never answers: stop() ends the lookup at once and logs nothing.
    const { createSocket } = await import('node:dgram');
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      const slow = new DnsDiscovery({ names: ['www.vigie.test'], type: 'A', port: 80, refresh_interval: 3_600_000 }, (g) => got.push(g), logger, { servers: [`127.0.0.1:${silent.address().port}`], search: [], ndots: 1, timeoutMs: 5000 });
      const n = lines.length;
      const t0 = Date.now();
      const running = slow.tick();
      await new Promise((r) => setTimeout(r, 50));
      slow.stop();
      await running;
      assert.ok(Date.now() - t0 < 1000, `stopped after ${Date.now() - t0} ms`);
      assert.equal(lines.length, n);
    } finally {
      silent.close();
    }
  });
});
