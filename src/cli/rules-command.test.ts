import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseRuleFile } from '../rules/index.js';
import { UsageError, parseCommandLine } from './args.js';
import { main } from './index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RULEFMT = join(repo, '..', 'shared', 'conformance', 'rules', 'rulefmt-testdata');
const UNITTEST = join(repo, '..', 'shared', 'conformance', 'rules', 'promtool-unittest');
const PROMTOOL = '/usr/bin/promtool';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const CONFIG = `
host:
  enabled: true
scrape_configs:
  - job_name: koprogo-api
    static_configs:
      - targets: ['127.0.0.1:8080']
probe_modules:
  ssh_check:
    prober: tcp
    tcp:
      query_response:
        - expect: "^SSH-2.0-"
probes:
  - job_name: site
    module: http_2xx
    targets: ['https://example.com']
  - job_name: ssh
    module: ssh_check
    targets: ['example.com:22']
`;

describe('vigie rules arguments', () => {
  it('parses the subcommands', () => {
    assert.deepEqual(parseCommandLine(['rules', 'generate']), { kind: 'rules-generate', flags: { configFile: undefined, output: undefined, runbookBaseUrl: undefined } });
    assert.deepEqual(parseCommandLine(['rules', 'generate', '--config', 'v.yml', '--output=alert.rules.yml', '--runbook-base-url', 'https://wiki/x']), {
      kind: 'rules-generate',
      flags: { configFile: 'v.yml', output: 'alert.rules.yml', runbookBaseUrl: 'https://wiki/x' },
    });
    assert.deepEqual(parseCommandLine(['rules', 'check', 'a.yml', 'b.yml']), { kind: 'rules-check', files: ['a.yml', 'b.yml'] });
    assert.deepEqual(parseCommandLine(['rules', 'test', '--run', 'foo', 't.yml']), { kind: 'rules-test', files: ['t.yml'], run: ['foo'] });
    assert.deepEqual(parseCommandLine(['rules', '--help']), { kind: 'help', topic: 'rules' });
    assert.deepEqual(parseCommandLine(['help', 'rules']), { kind: 'help', topic: 'rules' });
  });
  for (const [argv, re] of [
    [['rules'], /needs a subcommand/],
    [['rules', 'lint'], /unknown rules subcommand "lint"/],
    [['rules', 'check'], /no file given/],
    [['rules', 'test'], /no file given/],
    [['rules', 'generate', 'extra'], /positional/i],
    [['rules', 'generate', '--output='], /--output must not be empty/],
  ] as [string[], RegExp][]) {
    it(`refuses ${argv.join(' ')}`, () => assert.throws(() => parseCommandLine(argv), (e: unknown) => e instanceof UsageError && re.test(e.message)));
  }
  it('prints the rules help', async () => {
    const r = await run(['help', 'rules']);
    assert.equal(r.code, 0);
    assert.match(r.out, /vigie rules generate \[--config FILE\]/);
  });
});

describe('vigie rules check', () => {
  it('prints SUCCESS with the rule count like promtool', async () => {
    const r = await run(['rules', 'check', join(RULEFMT, 'test.yaml')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Checking .*test\.yaml\n {2}SUCCESS: 6 rules found\n/);
  });
  it('prints the problems and exits 1', async () => {
    const r = await run(['rules', 'check', join(RULEFMT, 'test.yaml'), join(RULEFMT, 'bad_expr.bad.yaml'), join(RULEFMT, 'missing.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.out, /SUCCESS: 6 rules found/);
    assert.match(r.err, /FAILED:\n.*bad_expr\.bad\.yaml:5:15: group "yolo", rule 1 \("yolo"\): could not parse expression/);
    assert.match(r.err, /missing\.yaml: cannot read rule file: no such file/);
  });
});

describe('vigie rules generate', () => {
  it('writes rules for the configuration that promtool accepts', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-cli-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const cfg = join(dir, 'vigie.yml');
    const out = join(dir, 'alert.rules.yml');
    await writeFile(cfg, CONFIG);
    const r = await run(['rules', 'generate', '--config', cfg, '--output', out]);
    assert.equal(r.code, 0, r.err);
    const text = await readFile(out, 'utf8');
    const names = parseRuleFile(text, out).groups.flatMap((g) => g.rules.map((x) => (x.kind === 'alerting' ? x.alert : x.record)));
    for (const n of ['HostSilent', 'HostDiskFull', 'SiteHttpStatusNot2xx', 'SshSshBannerMissing', 'KoprogoApiTargetDown']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    if (existsSync(PROMTOOL)) {
      const { stdout } = await promisify(execFile)(PROMTOOL, ['check', 'rules', out], { timeout: 60_000 });
      assert.match(stdout, /SUCCESS: \d+ rules found/);
    } else t.diagnostic('PROMTOOL MISSING: the promtool check of the generated file was skipped');
    const check = await run(['rules', 'check', out]);
    assert.equal(check.code, 0, check.err);
  });
  it('writes to stdout without --output, and reports a bad config', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-cli-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const none = await run(['rules', 'generate']);
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, /alert: HostCpuHigh/);
    await writeFile(join(dir, 'bad.yml'), 'host: [1]\n');
    const bad = await run(['rules', 'generate', '--config', join(dir, 'bad.yml')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /vigie rules generate: .*bad\.yml:1:7/);
  });
});

describe('vigie rules test', () => {
  it('dispatches to the rule unit test runner', async () => {
    const ok = await run(['rules', 'test', '--run', 'correct', join(UNITTEST, 'rules_run.yml')]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    const failing = await run(['rules', 'test', join(UNITTEST, 'rules_run.yml')]);
    assert.equal(failing.code, 1);
  });
});
