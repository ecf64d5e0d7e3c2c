import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from './load.js';

/** Asserts that parsing fails with exactly this message (one line per issue). */
function fails(text: string, expected: string | RegExp): void {
  assert.throws(
    () => parseConfig(text, 'vigie.yml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${String(err)}`);
      if (typeof expected === 'string') assert.equal(err.message, expected);
      else assert.match(err.message, expected);
      return true;
    },
  );
}

const GOOD = `# a full example
global:
  scrape_interval: 30s
  scrape_timeout: 5s
  evaluation_interval: 1m
  external_labels:
    env: prod
    dc: 1
storage:
  retention:
    time: 30d
    size: 10GB
  wal:
    segment_size: 128MiB
    sync_interval: 500ms
  out_of_order_time_window: 10m
host:
  enabled: false
auth:
  anonymous: viewer
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['localhost:9100']
rule_files: [rules/*.yml]
`;

describe('parseConfig', () => {
  it('gives the defaults for an empty file', () => {
    const { config, warnings } = parseConfig('', 'vigie.yml');
    assert.deepEqual(warnings, []);
    assert.equal(config.global.scrape_interval, 60_000);
    assert.equal(config.global.scrape_timeout, 10_000);
    assert.equal(config.global.evaluation_interval, 60_000);
    assert.deepEqual(config.global.external_labels, {});
    assert.equal(config.storage.retention.time, 15 * 86_400_000);
    assert.equal(config.storage.retention.size, 0);
    assert.equal(config.storage.wal.segment_size, 64 * 2 ** 20);
    assert.equal(config.storage.wal.sync_interval, 1000);
    assert.equal(config.storage.out_of_order_time_window, 0);
    assert.equal(config.host.enabled, true);
    assert.equal(config.auth.anonymous, 'none');
    assert.deepEqual(config.scrape_configs, []);
  });

  it('reads a full file, converting durations and sizes', () => {
    const { config, warnings } = parseConfig(GOOD, 'vigie.yml');
    assert.equal(config.global.scrape_interval, 30_000);
    assert.equal(config.global.scrape_timeout, 5000);
    assert.deepEqual(config.global.external_labels, { env: 'prod', dc: '1' });
    assert.equal(config.storage.retention.time, 30 * 86_400_000);
    assert.equal(config.storage.retention.size, 10 * 2 ** 30);
    assert.equal(config.storage.wal.segment_size, 128 * 2 ** 20);
    assert.equal(config.storage.wal.sync_interval, 500);
    assert.equal(config.storage.out_of_order_time_window, 600_000);
    assert.equal(config.host.enabled, false);
    assert.equal(config.auth.anonymous, 'viewer');
    assert.equal(config.scrape_configs.length, 1);
    assert.deepEqual(config.rule_files, ['rules/*.yml']);
    assert.deepEqual(warnings, []);
  });

  it('treats an empty section as defaults', () => {
    const { config } = parseConfig('host:\nstorage:\n', 'vigie.yml');
    assert.equal(config.host.enabled, true);
  });

  it('follows aliases', () => {
    const { config } = parseConfig('global:\n  scrape_interval: &i 20s\n  evaluation_interval: *i\n', 'vigie.yml');
    assert.equal(config.global.evaluation_interval, 20_000);
  });

  it('names file, line, column and key for a bad duration', () => {
    fails('storage:\n  retention:\n    time: fifteen\n', 'vigie.yml:3:11: storage.retention.time: expected a duration like 15d, got "fifteen"');
  });

  it('rejects invalid YAML with its line', () => {
    fails('global:\n  scrape_interval: [1m\nhost: {}\n', /^vigie\.yml:3:1: /);
    fails('global:\n\tscrape_interval: 1m\n', /^vigie\.yml:2:1: /);
  });

  it('rejects a scalar where a map is expected', () => {
    fails('storage: 12\n', 'vigie.yml:1:10: storage: expected a map, got 12');
    fails('storage:\n  retention: 15d\n', 'vigie.yml:2:14: storage.retention: expected a map, got "15d"');
    fails('just a string\n', 'vigie.yml:1:1: expected a map of sections, got "just a string"');
    fails('- a\n- b\n', 'vigie.yml:1:1: expected a map of sections, got a list');
  });

  it('rejects unknown keys at any depth, pointing at the key', () => {
    fails('storage:\n  wal:\n    segment_size: 1MB\n    segmentsize: 2MB\n', 'vigie.yml:4:5: storage.wal.segmentsize: unknown key "segmentsize"');
    fails('globals:\n  a: 1\n', 'vigie.yml:1:1: globals: unknown key "globals"');
  });

  it('rejects wrong types', () => {
    fails('host:\n  enabled: yes\n', 'vigie.yml:2:12: host.enabled: expected a boolean (true or false), got "yes"');
    fails('auth:\n  anonymous: admin\n', 'vigie.yml:2:14: auth.anonymous: expected one of "viewer", "none", got "admin"');
    fails('global:\n  scrape_interval: 30\n', 'vigie.yml:2:20: global.scrape_interval: expected a duration like 1m, got 30');
    fails('storage:\n  wal:\n    segment_size: lots\n', 'vigie.yml:3:19: storage.wal.segment_size: expected a size like 64MiB, got "lots"');
    fails('scrape_configs: {a: 1}\n', 'vigie.yml:1:17: scrape_configs: expected a list, got a map');
    fails('rule_files: [1]\n', 'vigie.yml:1:14: rule_files[0]: expected a string, got 1');
    fails('global:\n  external_labels:\n    "bad-name": x\n', 'vigie.yml:3:17: global.external_labels.bad-name: invalid label name "bad-name"');
  });

  it('reports every problem, in file order', () => {
    fails('host:\n  enabled: 1\nauth:\n  anonymous: x\n', 'vigie.yml:2:12: host.enabled: expected a boolean (true or false), got 1\nvigie.yml:4:14: auth.anonymous: expected one of "viewer", "none", got "x"');
  });

  it('rejects huge numbers', () => {
    fails('storage:\n  retention:\n    time: 999999999999999999y\n', 'vigie.yml:3:11: storage.retention.time: duration "999999999999999999y" is too large');
    fails('storage:\n  retention:\n    size: 99999999999999999999TB\n', 'vigie.yml:3:11: storage.retention.size: size "99999999999999999999TB" is too large');
    fails('storage:\n  retention:\n    size: 1e400\n', 'vigie.yml:3:11: storage.retention.size: expected a size like 10GB, got Infinity');
    fails('storage:\n  retention:\n    size: 123456789012345678901234567890\n', /^vigie\.yml:3:11: storage\.retention\.size: expected a size like 10GB, got 1\.2345/);
  });

  it('rejects duplicate keys', () => {
    fails('host:\n  enabled: true\nhost:\n  enabled: false\n', 'vigie.yml:3:1: duplicate key "host"');
    fails('storage:\n  retention:\n    time: 1d\n    time: 2d\n', 'vigie.yml:4:5: duplicate key "time"');
  });

  it('stops an alias bomb quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const t0 = Date.now();
    fails(lines.join('\n') + '\n', 'vigie.yml:2:8: too many alias expansions (YAML anchors/aliases)');
    assert.ok(Date.now() - t0 < 2000);
  });

  it('rejects a timeout longer than the interval', () => {
    fails('global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n', 'vigie.yml:3:19: global.scrape_timeout: 10s must not be greater than scrape_interval (5s)');
  });

  it('rejects several documents and unknown tags', () => {
    fails('host: {}\n---\nauth: {}\n', /^vigie\.yml:2:1: only one YAML document is allowed/);
    fails('host: !custom\n  enabled: true\n', /^vigie\.yml:1:7: .*tag/i);
  });
});

describe('loadConfig', () => {
  it('returns defaults without a file', async () => {
    const { config } = await loadConfig(undefined);
    assert.equal(config.global.scrape_interval, 60_000);
  });

  it('reads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-config-'));
    try {
      const good = join(dir, 'good.yml');
      await writeFile(good, GOOD);
      assert.equal((await loadConfig(good)).config.host.enabled, false);
      const bad = join(dir, 'bad.yml');
      await writeFile(bad, 'host:\n  enabled: maybe\n');
      await assert.rejects(loadConfig(bad), { name: 'ConfigError', message: `${bad}:2:12: host.enabled: expected a boolean (true or false), got "maybe"` });
      await assert.rejects(loadConfig(join(dir, 'missing.yml')), /missing\.yml: cannot read config file: ENOENT/);
      await assert.rejects(loadConfig(dir), /cannot read config file: not a regular file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
