// Behaviour of scrape_config options in real scrapes (config.test.ts only covers their
// parsing): label limits, body_size_limit, basic_auth / authorization, https with
// tls_config, and how the targets of a job are spread over the interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type https from 'node:https';
import { parseConfig, type VigieConfig } from '../config/index.js';
import { formatLabels } from '../model/index.js';
import { ScrapeManager, populateTargets, type Target } from './index.js';
import { MemoryAppendable, PageServer, opensslMissing, selfSigned, type Recorded } from './testutil.js';

function config(yaml: string): VigieConfig {
  return parseConfig(yaml, 'test.yml').config;
}

interface Setup {
  readonly srv: PageServer;
  readonly app: MemoryAppendable;
  readonly mgr: ScrapeManager;
  close(): Promise<void>;
}

/** A page server (HTTPS with `tlsOptions`), a manager on `yaml(address)`, targets known. */
async function setup(yaml: (addr: string) => string, page: string, tlsOptions?: https.ServerOptions): Promise<Setup> {
  const srv = await PageServer.start(tlsOptions);
  srv.page = page;
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  try {
    const cfg = config(yaml(srv.address));
    await mgr.applyConfig(cfg.scrape_configs, cfg.global);
  } catch (err) {
    await mgr.stop();
    await srv.close();
    throw err;
  }
  return {
    srv,
    app,
    mgr,
    async close() {
      await mgr.stop();
      await srv.close();
    },
  };
}

/** One job `j` scraping `addr` every minute (scrapes run only through scrapeAllNow), plus `extra` lines. */
const job = (addr: string, extra = ''): string => `scrape_configs:\n  - job_name: j\n    scrape_interval: 1m\n    static_configs: [{targets: ['${addr}']}]\n${extra}`;

const REPORT = /^(up|scrape_duration_seconds|scrape_samples_scraped|scrape_samples_post_metric_relabeling|scrape_series_added)\{/;

/** Samples of the page itself: neither report series nor staleness markers. */
const pageSamples = (app: MemoryAppendable): Recorded[] => app.samples.filter((s) => !s.stale && !REPORT.test(s.series));

/** The value of report series `name` of job `jobName` in the latest scrape. */
function report(app: MemoryAppendable, name: string, jobName = 'j'): number | undefined {
  const all = app.of(`${name}{`).filter((s) => s.labels.some((l) => l.name === 'job' && l.value === jobName));
  return all.at(-1)?.v;
}

function target(mgr: ScrapeManager, jobName = 'j'): { health: string; lastError: string } {
  const t = mgr.targets().find((x) => x.scrapePool === jobName);
  assert.ok(t !== undefined, `no target for job ${jobName}`);
  return t;
}

/** Scrapes once; asserts the page failed as Prometheus fails it: up=0, nothing of the page stored, `error` in lastError. */
async function assertFails(s: Setup, error: RegExp): Promise<void> {
  s.app.clear();
  await s.mgr.scrapeAllNow();
  assert.equal(report(s.app, 'up'), 0, 'up');
  assert.deepEqual(
    pageSamples(s.app).map((x) => x.series),
    [],
    'no sample of the page stored',
  );
  const t = target(s.mgr);
  assert.equal(t.health, 'down');
  assert.match(t.lastError, error);
}

/** Scrapes once; asserts up=1, an empty lastError and that `series` were stored. */
async function assertPasses(s: Setup, series: string[]): Promise<void> {
  s.app.clear();
  await s.mgr.scrapeAllNow();
  const t = target(s.mgr);
  assert.equal(report(s.app, 'up'), 1, `up (lastError: ${t.lastError})`);
  assert.equal(t.health, 'up');
  assert.equal(t.lastError, '');
  // Rendered without the target labels (instance, job), which every series has.
  assert.deepEqual(
    pageSamples(s.app).map((x) => formatLabels(x.labels.filter((l) => l.name !== 'instance' && l.name !== 'job'))),
    series,
  );
}

// ---------------------------------------------------------------------------------------
// label_limit, label_name_length_limit, label_value_length_limit

test('label_limit counts the final labels (target labels and __name__ included, after metric relabeling); over it the scrape fails', async () => {
  // m{a,b} + instance + job + __name__ = 5 labels.
  const s = await setup((a) => job(a, '    label_limit: 5\n'), 'ok{a="1"} 1\nm{a="1",b="2"} 2\n');
  try {
    await assertPasses(s, ['ok{a="1"}', 'm{a="1", b="2"}']);
    s.srv.page = 'ok{a="1"} 1\nbig{a="1",b="2",c="3"} 2\nafter 3\n';
    await assertFails(s, /^label_limit exceeded \(metric: big, number of labels: 6, limit: 5\)$/);
    // The series of the previous scrape become stale, as after any failed scrape.
    assert.deepEqual(
      s.app.samples.filter((x) => x.stale && !REPORT.test(x.series)).map((x) => x.series.split('{')[0]),
      ['ok', 'm'],
    );
    // As Prometheus, the report counts the samples up to the failing one.
    assert.equal(report(s.app, 'scrape_samples_scraped'), 2);
    assert.equal(report(s.app, 'scrape_samples_post_metric_relabeling'), 1);
    // Back within the limit: up again.
    s.srv.page = 'm{a="1",b="2"} 2\n';
    await assertPasses(s, ['m{a="1", b="2"}']);
  } finally {
    await s.close();
  }
  // The limit applies after metric_relabel_configs: dropping `c` makes the same page pass.
  const r = await setup((a) => job(a, '    label_limit: 5\n    metric_relabel_configs: [{action: labeldrop, regex: c}]\n'), 'big{a="1",b="2",c="3"} 2\n');
  try {
    await assertPasses(r, ['big{a="1", b="2"}']);
  } finally {
    await r.close();
  }
});

test('label_name_length_limit: a name of the limit passes, one byte more fails the scrape', async () => {
  const s = await setup((a) => job(a, '    label_name_length_limit: 10\n'), 'm{abcdefghij="1"} 1\n');
  try {
    await assertPasses(s, ['m{abcdefghij="1"}']);
    s.srv.page = 'm{abcdefghij="1"} 1\nn{abcdefghijk="1"} 1\n';
    await assertFails(s, /^label_name_length_limit exceeded \(metric: n, label name: abcdefghijk, length: 11, limit: 10\)$/);
  } finally {
    await s.close();
  }
});

test('label_value_length_limit counts UTF-8 bytes as Prometheus (len of a Go string), not UTF-16 units', async () => {
  const s = await setup((a) => job(a, '    label_value_length_limit: 20\n'), `m{v="${'x'.repeat(20)}"} 1\n`);
  try {
    await assertPasses(s, [`m{v="${'x'.repeat(20)}"}`]);
    s.srv.page = `m{v="${'x'.repeat(21)}"} 1\n`;
    await assertFails(s, /^label_value_length_limit exceeded \(metric: m, label name: v, value: "x{21}", length: 21, limit: 20\)$/);
    // 10 × "é" is 20 bytes: passes; 11 × "é" is 22 bytes (11 UTF-16 units): fails.
    s.srv.page = `m{v="${'é'.repeat(10)}"} 1\n`;
    await assertPasses(s, [`m{v="${'é'.repeat(10)}"}`]);
    s.srv.page = `m{v="${'é'.repeat(11)}"} 1\n`;
    await assertFails(s, /^label_value_length_limit exceeded \(metric: m, label name: v, value: "é{11}", length: 22, limit: 20\)$/);
    // The message cuts the value to 50 characters, as Prometheus' %.50q.
    s.srv.page = `m{v="${'y'.repeat(60)}"} 1\n`;
    await assertFails(s, /value: "y{50}", length: 60, limit: 20\)$/);
  } finally {
    await s.close();
  }
});

test('label limits also apply to the target labels: a long instance fails every page', async () => {
  const s = await setup((a) => job(a, `    label_value_length_limit: 8\n    relabel_configs: [{target_label: instance, replacement: 'a-long-instance'}]\n`), 'm 1\n');
  try {
    await assertFails(s, /^label_value_length_limit exceeded \(metric: m, label name: instance, value: "a-long-instance", length: 15, limit: 8\)$/);
  } finally {
    await s.close();
  }
});

// ---------------------------------------------------------------------------------------
// body_size_limit

/** A valid page of exactly `n` bytes: one sample and a comment line padding it. */
function pageOf(n: number): string {
  const head = 'm 1\n';
  const p = head + '# ' + 'x'.repeat(n - head.length - 3) + '\n';
  assert.equal(Buffer.byteLength(p), n);
  return p;
}

test('body_size_limit: a page of the limit passes, a byte more fails the scrape, gzip or not (the limit is on the decoded body)', async () => {
  const s = await setup((a) => job(a, '    body_size_limit: 100B\n'), pageOf(100));
  try {
    await assertPasses(s, ['m']);
    s.srv.page = pageOf(101);
    await assertFails(s, /^body size limit exceeded \(100 bytes\)$/);
    assert.equal(s.app.samples.filter((x) => x.stale && x.series.startsWith('m{')).length, 1, 'm is stale after the failed scrape');

    s.srv.gzip = true;
    s.srv.page = pageOf(100);
    await assertPasses(s, ['m']);
    s.srv.page = pageOf(101); // about 40 bytes compressed
    await assertFails(s, /^body size limit exceeded \(100 bytes\)$/);
  } finally {
    await s.close();
  }
  // Without a limit (the default, 0) a large page is fine.
  const big = pageOf(1_000_000);
  const n = await setup((a) => job(a), big);
  try {
    await assertPasses(n, ['m']);
  } finally {
    await n.close();
  }
});

// ---------------------------------------------------------------------------------------
// basic_auth and authorization

test('basic_auth and authorization send the right Authorization header; credential files are re-read each scrape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-scrape-auth-'));
  const pwFile = join(dir, 'pw');
  const tokFile = join(dir, 'tok');
  writeFileSync(pwFile, 'from-file\n');
  writeFileSync(tokFile, '  file-token \n');
  const jobs = (a: string): string =>
    'scrape_configs:\n' +
    [
      ['none', ''],
      ['basic', "    basic_auth: {username: alice, password: 'p:ss w'}\n"],
      ['basic-file', `    basic_auth: {username: bob, password_file: '${pwFile}'}\n`],
      ['basic-nopw', '    basic_auth: {username: carol}\n'],
      ['bearer', '    authorization: {credentials: s3cret}\n'],
      ['token-file', `    authorization: {type: Token, credentials_file: '${tokFile}'}\n`],
      ['missing-file', `    authorization: {credentials_file: '${join(dir, 'absent')}'}\n`],
    ]
      .map(([name, extra]) => `  - job_name: ${name}\n    metrics_path: /${name}\n    static_configs: [{targets: ['${a}']}]\n${extra}`)
      .join('');
  const s = await setup(jobs, 'm 1\n');
  /** Authorization header of the latest request to /<job>; null if there was no request. */
  const auth = (name: string): string | undefined | null => {
    const i = s.srv.urls.lastIndexOf(`/${name}`);
    return i < 0 ? null : s.srv.requests[i]!.authorization;
  };
  const basic = (user: string, pw: string): string => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(auth('none'), undefined);
    assert.equal(auth('basic'), basic('alice', 'p:ss w'));
    assert.equal(auth('basic-file'), basic('bob', 'from-file'), 'the file is trimmed, as Prometheus');
    assert.equal(auth('basic-nopw'), basic('carol', ''));
    assert.equal(auth('bearer'), 'Bearer s3cret', 'type defaults to Bearer');
    assert.equal(auth('token-file'), 'Token file-token');
    for (const name of ['none', 'basic', 'basic-file', 'basic-nopw', 'bearer', 'token-file']) assert.equal(report(s.app, 'up', name), 1, name);
    // An unreadable credentials file fails the scrape before any request: no request without credentials.
    assert.equal(auth('missing-file'), null);
    assert.equal(report(s.app, 'up', 'missing-file'), 0);
    assert.match(target(s.mgr, 'missing-file').lastError, new RegExp(`^cannot read credentials file ${join(dir, 'absent').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

    // Rotated secrets are picked up on the next scrape, without a reload.
    writeFileSync(pwFile, 'rotated');
    writeFileSync(tokFile, 'new-token');
    await s.mgr.scrapeAllNow();
    assert.equal(auth('basic-file'), basic('bob', 'rotated'));
    assert.equal(auth('token-file'), 'Token new-token');
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------
// scheme: https and tls_config

const noOpenssl = opensslMissing();

test('https: trusted through ca_file, refused without it, accepted with insecure_skip_verify; server_name sets SNI and the name checked', { skip: noOpenssl }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-scrape-tls-'));
  const server = selfSigned(dir, 'server', 'vigie-server', 'DNS:vigie.test,IP:127.0.0.1');
  const jobs = (a: string): string =>
    'scrape_configs:\n' +
    [
      ['trusted', `    tls_config: {ca_file: '${server.certFile}'}\n`],
      ['untrusted', ''],
      ['insecure', '    tls_config: {insecure_skip_verify: true}\n'],
      ['sni', `    tls_config: {ca_file: '${server.certFile}', server_name: vigie.test}\n`],
      ['wrong-name', `    tls_config: {ca_file: '${server.certFile}', server_name: other.test}\n`],
    ]
      .map(([name, extra]) => `  - job_name: ${name}\n    scheme: https\n    metrics_path: /${name}\n    static_configs: [{targets: ['${a}']}]\n${extra}`)
      .join('') +
    `  - job_name: plain-http\n    metrics_path: /plain-http\n    static_configs: [{targets: ['${a}']}]\n`;
  let s: Setup | undefined;
  try {
    s = await setup(jobs, 'tls_page 1\n', { cert: server.cert, key: server.key });
    await s.mgr.scrapeAllNow();
    const up = (name: string): number | undefined => report(s!.app, 'up', name);
    const sni = (name: string): string | undefined => s!.srv.serverNames[s!.srv.urls.indexOf(`/${name}`)];
    assert.equal(up('trusted'), 1, target(s.mgr, 'trusted').lastError);
    assert.equal(s.mgr.targets().find((t) => t.scrapePool === 'trusted')?.scrapeUrl, `https://${s.srv.address}/trusted`);
    assert.equal(s.app.of('tls_page{').filter((x) => x.series.includes('job="trusted"')).length, 1, 'the page was stored');
    assert.equal(sni('trusted'), undefined, 'no SNI for an IP address');

    assert.equal(up('untrusted'), 0);
    assert.match(target(s.mgr, 'untrusted').lastError, /self[- ]signed certificate/);
    assert.equal(s.srv.urls.includes('/untrusted'), false, 'no request over an unverified connection');

    assert.equal(up('insecure'), 1, target(s.mgr, 'insecure').lastError);

    assert.equal(up('sni'), 1, target(s.mgr, 'sni').lastError);
    assert.equal(sni('sni'), 'vigie.test');

    assert.equal(up('wrong-name'), 0);
    assert.match(target(s.mgr, 'wrong-name').lastError, /Host: other\.test\. is not in the cert's altnames/);

    assert.equal(up('plain-http'), 0, 'plain HTTP to a TLS port');
    assert.equal(target(s.mgr, 'plain-http').lastError, 'connection closed before any response');
    assert.equal(s.app.of('tls_page{').length, 3, 'only trusted, insecure and sni stored the page');
  } finally {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('https: a client certificate from cert_file/key_file is presented; without it a server requiring one refuses the scrape', { skip: noOpenssl }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-scrape-mtls-'));
  const server = selfSigned(dir, 'server', 'vigie-server', 'IP:127.0.0.1');
  const client = selfSigned(dir, 'client', 'vigie-client');
  const jobs = (a: string): string =>
    'scrape_configs:\n' +
    [
      ['with-cert', `    tls_config: {ca_file: '${server.certFile}', cert_file: '${client.certFile}', key_file: '${client.keyFile}'}\n`],
      ['without-cert', `    tls_config: {ca_file: '${server.certFile}'}\n`],
    ]
      .map(([name, extra]) => `  - job_name: ${name}\n    scheme: https\n    metrics_path: /${name}\n    static_configs: [{targets: ['${a}']}]\n${extra}`)
      .join('');
  let s: Setup | undefined;
  try {
    s = await setup(jobs, 'mtls_page 1\n', { cert: server.cert, key: server.key, ca: client.cert, requestCert: true, rejectUnauthorized: true });
    await s.mgr.scrapeAllNow();
    assert.equal(report(s.app, 'up', 'with-cert'), 1, target(s.mgr, 'with-cert').lastError);
    assert.deepEqual(s.srv.urls, ['/with-cert']);
    assert.deepEqual(s.srv.clientCerts, ['vigie-client']);
    assert.equal(report(s.app, 'up', 'without-cert'), 0);
    assert.match(target(s.mgr, 'without-cert').lastError, /^TLS error: .*certificate required$/, 'the alert, not OpenSSL\'s raw error string');
    assert.equal(s.app.of('mtls_page{').length, 1);
  } finally {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('https: an unreadable tls_config file fails its job with the file named; the other jobs start, a reload keeps the old config', async () => {
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  const missing = join(tmpdir(), 'vigie-no-such-dir', 'ca.pem');
  const bad = `  - job_name: j\n    scheme: https\n    tls_config: {ca_file: '${missing}'}\n    static_configs: [{targets: ['127.0.0.1:1']}]\n`;
  const good = (target: string): string => `  - job_name: ok\n    static_configs: [{targets: ['${target}']}]\n`;
  const cfg = config(`scrape_configs:\n${bad}${good('127.0.0.1:2')}`);
  try {
    await assert.rejects(mgr.applyConfig(cfg.scrape_configs, cfg.global), (e: Error) => e.message === `scrape_configs: job "j": job j: cannot read TLS file ${missing}`);
    assert.deepEqual(mgr.targets().map((t) => [t.scrapePool, t.labels['instance']]), [['ok', '127.0.0.1:2']]);
    // Reload: job ok now points at a missing CA too; it keeps running with its previous config.
    const next = config(`scrape_configs:\n${good('127.0.0.1:3').replace('static_configs', `scheme: https\n    tls_config: {ca_file: '${missing}'}\n    static_configs`)}`);
    await assert.rejects(mgr.applyConfig(next.scrape_configs, next.global), /job "ok": .*cannot read TLS file/);
    assert.deepEqual(mgr.targets().map((t) => [t.scrapePool, t.labels['instance']]), [['ok', '127.0.0.1:2']]);
  } finally {
    await mgr.stop();
  }
});

// ---------------------------------------------------------------------------------------
// Target.offset: the targets of a job are spread over the interval

/** `n` targets of job `node` with addresses from `addr`, as populateTargets builds them from static_configs. */
function targetsOf(n: number, addr: (i: number) => string, interval = '15s'): Target[] {
  const targets = Array.from({ length: n }, (_, i) => addr(i));
  const cfg = config(`scrape_configs:\n  - job_name: node\n    scrape_interval: ${interval}\n    static_configs: [{targets: ${JSON.stringify(targets)}}]\n`).scrape_configs[0]!;
  const { active, errors } = populateTargets([{ targets, labels: { env: 'prod' }, source: 'static_configs[0]' }], cfg);
  assert.deepEqual(errors, []);
  assert.equal(active.length, n);
  return active;
}

/** Where in the interval the target's scrapes fall: the phase of `now + offset`. */
const phase = (t: Target, now: number, seed: number): number => (now + t.offset(now, seed)) % t.interval;

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
const ADDRESSES: Record<string, (i: number) => string> = {
  ips: (i) => `10.0.${i >> 8}.${i & 255}:9100`,
  ports: (i) => `127.0.0.1:${9000 + i}`,
  hosts: (i) => `node${String(i).padStart(4, '0')}.example.com:9100`,
};

test('Target.offset: a delay in (0, interval] to a fixed phase, the same for the same target at any time and across rebuilds', () => {
  const [a, b] = [targetsOf(50, ADDRESSES.ips!), targetsOf(50, ADDRESSES.ips!)];
  const iv = 15_000;
  const times = [NOW, NOW + 1, NOW + 7_777, NOW + iv, NOW + 3_600_000 + 42, NOW - (NOW % iv)];
  for (let i = 0; i < a.length; i++) {
    const t = a[i]!;
    assert.equal(t.interval, iv);
    const p = phase(t, NOW, 0);
    for (const now of times) {
      const off = t.offset(now, 0);
      assert.ok(off > 0 && off <= iv, `offset ${off} out of (0, ${iv}]`);
      assert.equal(phase(t, now, 0), p, 'same phase whenever it is asked');
      assert.equal(b[i]!.offset(now, 0), off, 'a rebuilt target (reload, restart) keeps its offset');
    }
  }
  // At the phase itself the next slot is a whole interval away, not 0 (as Prometheus).
  const t = a[0]!;
  const at = NOW - (NOW % iv) + phase(t, NOW, 0);
  assert.equal(t.offset(at, 0), iv);
  assert.equal(t.offset(at + 1, 0), iv - 1);
});

test('Target.offset: 1000 targets of a job cover the interval evenly (every tenth holds 5%–15%), for several seeds, address shapes and intervals', () => {
  // 1000 rather than 200 targets: with 200, even an ideal random placement puts a tenth
  // outside 5%–15% about one time in six; with 1000 the bounds are ~5 standard deviations.
  for (const [shape, addr] of Object.entries(ADDRESSES)) {
    for (const interval of ['15s', '1m']) {
      const ts = targetsOf(1000, addr, interval);
      const iv = ts[0]!.interval;
      for (const seed of [0, 1, 0x9e3779b9]) {
        const bins = new Array<number>(10).fill(0);
        for (const t of ts) bins[Math.floor((phase(t, NOW, seed) * 10) / iv)]!++;
        assert.ok(
          bins.every((n) => n >= 50 && n <= 150),
          `${shape}, ${interval}, seed ${seed}: tenths of the interval hold ${bins.join(' ')}`,
        );
        // No herd at a finer grain either: at most 2.5% of the targets in any 100 ms (about 1% on average at 15s).
        const windows = new Map<number, number>();
        for (const t of ts) {
          const w = Math.floor(phase(t, NOW, seed) / 100);
          windows.set(w, (windows.get(w) ?? 0) + 1);
        }
        const busiest = Math.max(...windows.values());
        assert.ok(busiest <= 25, `${shape}, ${interval}, seed ${seed}: ${busiest} targets within 100 ms`);
      }
    }
  }
});

test('Target.offset: another offset seed (other external_labels) moves the targets, still evenly spread', () => {
  const ts = targetsOf(200, ADDRESSES.hosts!);
  const moved = ts.filter((t) => phase(t, NOW, 0) !== phase(t, NOW, 0x5bd1e995)).length;
  assert.ok(moved >= 195, `only ${moved} of 200 targets moved`);
  // The shift differs per target (not one rotation of the whole job).
  const shifts = new Set(ts.map((t) => (phase(t, NOW, 0x5bd1e995) - phase(t, NOW, 0) + t.interval) % t.interval));
  assert.ok(shifts.size > 150, `${shifts.size} distinct shifts`);
});
