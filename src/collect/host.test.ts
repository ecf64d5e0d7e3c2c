import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/index.js';
import {
  type Collector,
  DEFAULT_FS_TYPES_EXCLUDE,
  DEFAULT_MOUNT_POINTS_EXCLUDE,
  HOST_COLLECTOR_NAMES,
  type MetricSample,
  collectAll,
  hostCollectors,
  hostOptionsFromConfig,
  renderExposition,
} from './index.js';

/** Writes a fixture host: `files` maps relative paths to contents. */
async function tree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
  }
}

function utmpRecord(type: number, user: string): Uint8Array {
  const b = new Uint8Array(384);
  new DataView(b.buffer).setInt16(0, type, true);
  b.set(new TextEncoder().encode(user), 44);
  return b;
}

/** A /proc/PID/stat line (52 fields) with `comm`, `state` and num_threads chosen. */
const procStat = (pid: number, comm: string, state: string, threads: number): string =>
  `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 1029 0 3 0 12 7 0 0 20 0 ${threads} 0 7713454 3133440 413 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0\n`;

const GOOD: Record<string, string | Uint8Array> = {
  'proc/stat': 'cpu  3 0 3 8 0 0 0 0 0 0\ncpu0 1 0 2 4 0 0 0 0 0 0\ncpu1 2 0 1 4 0 0 0 0 0 0\nintr 100 1 2\nctxt 200\nbtime 1700000000\nprocesses 300\nprocs_running 2\nprocs_blocked 0\n',
  'proc/meminfo': 'MemTotal: 1000 kB\nMemAvailable: 500 kB\nHugePages_Total: 0\n',
  'proc/loadavg': '0.50 0.25 0.10 1/100 300\n',
  'proc/sys/fs/file-nr': '10\t0\t1000\n',
  'proc/diskstats': '   8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n   8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\n   7 0 loop0 1 2 3 4 5 6 7 8 9 10 11\n',
  'proc/net/dev': 'Inter-| a | b\n face |c|d\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n',
  'proc/1/mounts': '/dev/sda1 / ext4 ro,relatime 0 0\nproc /proc proc rw 0 0\ntmpfs /dev/shm tmpfs rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n/dev/sda1 / ext4 ro,relatime 0 0\n',
  // processes: init; a 3-thread process with a hostile comm whose third thread exits before its
  // stat is read; a kernel thread; pid 77 exited between readdir and read (no stat).
  'proc/1/stat': procStat(1, 'systemd', 'S', 1),
  'proc/42/stat': procStat(42, '(a) b)', 'R', 3),
  'proc/42/task/42/stat': procStat(42, '(a) b)', 'R', 3),
  'proc/42/task/43/stat': procStat(43, 'worker 1', 'D', 3),
  'proc/42/task/44/cmdline': '',
  'proc/2/stat': procStat(2, 'kthreadd', 'I', 1),
  'proc/77/cmdline': '',
  'proc/self/stat': procStat(1, 'ignored', 'R', 1),
  'proc/sys/kernel/pid_max': '4194304\n',
  'proc/sys/kernel/threads-max': '95402\n',
  'proc/sys/kernel/ostype': 'Linux\n',
  'proc/sys/kernel/osrelease': '6.1.0-test\n',
  'proc/sys/kernel/version': '#1 SMP "quoted"\n',
  'proc/sys/kernel/hostname': 'box\n',
  'proc/sys/kernel/domainname': '(none)\n',
  'proc/sys/kernel/arch': 'x86_64\n',
  'sys/class/net/eth0/operstate': 'up\n',
  'sys/class/net/lo/operstate': 'unknown\n',
  'sys/class/net/bonding_masters': '\n',
  'run/udev/data/b8:0': 'E:ID_MODEL=Disk\n',
  utmp: Buffer.concat([utmpRecord(7, 'alice'), utmpRecord(6, 'LOGIN'), utmpRecord(7, 'bob')]),
};

const find = (samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): MetricSample | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels.some(([a, b]) => a === k && b === v)));

/** The message of the ConfigError that parsing `text` throws. */
function parseMessage(text: string): string {
  try {
    parseConfig(text, 'vigie.yml');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a ConfigError');
}

const success = (samples: readonly MetricSample[], collector: string): number | undefined => find(samples, 'node_scrape_collector_success', { collector })?.value;

describe('hostCollectors on a fixture tree', () => {
  let root = '';
  const opts = (r: string) => ({ procPath: join(r, 'proc'), sysPath: join(r, 'sys'), rootfsPath: r, utmpPath: join(r, 'utmp'), udevDataPath: join(r, 'run/udev/data'), now: () => 1_700_000_123_456 });
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigie-collect-'));
    await tree(root, GOOD);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('emits node_exporter names, labels and units, every collector succeeding', async () => {
    const errors: string[] = [];
    const s = await collectAll(hostCollectors(opts(root)), AbortSignal.timeout(5000), (c, e) => errors.push(`${c}: ${String(e)}`));
    assert.deepEqual(errors, []);
    for (const n of HOST_COLLECTOR_NAMES) assert.equal(success(s, n), 1, n);
    assert.equal(find(s, 'node_cpu_seconds_total', { cpu: '0', mode: 'system' })?.value, 0.02);
    assert.equal(find(s, 'node_memory_MemTotal_bytes')?.value, 1_024_000);
    assert.equal(find(s, 'node_memory_HugePages_Total')?.value, 0);
    assert.equal(find(s, 'node_load5')?.value, 0.25);
    assert.equal(find(s, 'node_boot_time_seconds')?.value, 1_700_000_000);
    assert.equal(find(s, 'node_forks_total')?.value, 300);
    assert.equal(find(s, 'node_intr_total')?.value, 100);
    assert.equal(find(s, 'node_filefd_maximum')?.value, 1000);
    assert.equal(find(s, 'node_time_seconds')?.value, 1_700_000_123.456);
    assert.equal(find(s, 'node_logged_in_users')?.value, 2);
    assert.deepEqual(
      s.filter((x) => x.name.startsWith('node_processes_')).map((x) => [x.name, ...x.labels.flat(), x.value]),
      [
        ['node_processes_pids', 3],
        ['node_processes_threads', 5],
        ['node_processes_state', 'state', 'I', 1],
        ['node_processes_state', 'state', 'R', 1],
        ['node_processes_state', 'state', 'S', 1],
        ['node_processes_threads_state', 'thread_state', 'D', 1],
        ['node_processes_threads_state', 'thread_state', 'I', 1],
        ['node_processes_threads_state', 'thread_state', 'R', 1],
        ['node_processes_threads_state', 'thread_state', 'S', 1],
        ['node_processes_max_processes', 4194304],
        ['node_processes_max_threads', 95402],
      ],
    );
    // diskstats: partitions and loops excluded; sectors → bytes, ms → s; 11 columns → 11 metrics
    assert.deepEqual(new Set(s.filter((x) => x.name.startsWith('node_disk_reads_completed')).map((x) => x.labels[0]![1])), new Set(['sda']));
    assert.equal(find(s, 'node_disk_read_bytes_total', { device: 'sda' })?.value, 3 * 512);
    assert.equal(find(s, 'node_disk_read_time_seconds_total', { device: 'sda' })?.value, 0.004);
    assert.equal(find(s, 'node_disk_discards_completed_total'), undefined);
    assert.equal(find(s, 'node_disk_info', { device: 'sda' })?.labels.find(([k]) => k === 'model')?.[1], 'Disk');
    assert.equal(find(s, 'node_network_transmit_colls_total', { device: 'eth0' })?.value, 14);
    assert.equal(find(s, 'node_network_up', { device: 'eth0' })?.value, 1);
    assert.equal(find(s, 'node_network_up', { device: 'lo' })?.value, 0);
    // filesystem: pseudo filesystems and excluded mount points skipped, duplicates merged, ro from options
    const fs = s.filter((x) => x.name === 'node_filesystem_readonly');
    assert.deepEqual(fs.map((x) => x.labels), [[['device', '/dev/sda1'], ['fstype', 'ext4'], ['mountpoint', '/']]]);
    assert.equal(fs[0]!.value, 1);
    assert.ok(find(s, 'node_filesystem_size_bytes')!.value > 0);
    assert.equal(find(s, 'node_filesystem_device_error')?.value, 0);
    const text = renderExposition(s);
    assert.match(text, /^node_uname_info\{domainname="\(none\)",machine="x86_64",nodename="box",release="6\.1\.0-test",sysname="Linux",version="#1 SMP \\"quoted\\""\} 1$/m);
    assert.match(text, /^# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode\.\n# TYPE node_cpu_seconds_total counter\n/m);
  });

  it('reports garbled and missing files as failed collectors, keeps what parsed, never throws', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'vigie-collect-bad-'));
    try {
      await tree(bad, {
        ...GOOD,
        'proc/meminfo': 'MemTotal: 1000 kB\n\u0000\u0001garbage\nMemFree: lots kB\n',
        'proc/stat': 'cpu0 1 2\nctxt x\n',
        'proc/loadavg': '\ufffd\ufffd',
        'proc/net/dev': 'eth0: 1 2\n',
        'proc/1/mounts': '/dev/x /does/not/exist ext4 rw 0 0\n',
        utmp: new Uint8Array(3),
      });
      await rm(join(bad, 'proc/sys/fs/file-nr'));
      const errors = new Map<string, unknown>();
      const s = await collectAll(hostCollectors(opts(bad)), AbortSignal.timeout(5000), (c, e) => errors.set(c, e));
      for (const n of ['meminfo', 'cpu', 'stat', 'loadavg', 'netdev', 'filefd']) assert.equal(success(s, n), 0, n);
      assert.equal(find(s, 'node_memory_MemTotal_bytes')?.value, 1_024_000);
      assert.match(String(errors.get('meminfo')), /CollectError: meminfo: 2 malformed line\(s\) in .*meminfo/);
      assert.match(String(errors.get('filefd')), /cannot read .*file-nr: ENOENT/);
      // statfs failure is a per-mount device_error, not a collector failure (as node_exporter)
      assert.equal(success(s, 'filesystem'), 1);
      assert.equal(find(s, 'node_filesystem_device_error', { mountpoint: '/does/not/exist' })?.value, 1);
      assert.equal(find(s, 'node_filesystem_size_bytes'), undefined);
      assert.equal(find(s, 'node_logged_in_users')?.value, 0);
      for (const n of ['time', 'uname', 'netclass', 'diskstats']) assert.equal(success(s, n), 1, n);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('processes: counts the other tasks and fails on a garbled or empty stat, a missing limit, an unlistable /proc; honours abort', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'vigie-collect-procs-'));
    try {
      await tree(bad, {
        'proc/1/stat': procStat(1, 'init', 'S', 1),
        'proc/5/stat': '5 (x) S 1 2 3\n',
        'proc/6/stat': '',
        'proc/7/stat': procStat(7, 'two', 'S', 2),
        'proc/7/task/7/stat': procStat(7, 'two', 'S', 2),
        'proc/7/task/8/stat': '\u0000\u0001',
        'proc/sys/kernel/threads-max': '100\n',
      });
      const o = { ...opts(bad), collectors: ['processes'] };
      const errors = new Map<string, unknown>();
      const s = await collectAll(hostCollectors(o), AbortSignal.timeout(5000), (c, e) => errors.set(c, e));
      assert.equal(success(s, 'processes'), 0);
      assert.match(String(errors.get('processes')), /CollectError: processes: 3 task file\(s\) unreadable or malformed, first: malformed .*stat/);
      assert.equal(find(s, 'node_processes_pids')?.value, 2);
      assert.equal(find(s, 'node_processes_threads')?.value, 3);
      assert.equal(find(s, 'node_processes_threads_state', { thread_state: 'S' })?.value, 2);
      assert.equal(find(s, 'node_processes_max_threads')?.value, 100);
      assert.equal(find(s, 'node_processes_max_processes'), undefined);

      // Only the limit missing: the counts are complete, the collector still fails.
      await rm(join(bad, 'proc/5'), { recursive: true });
      await rm(join(bad, 'proc/6'), { recursive: true });
      await rm(join(bad, 'proc/7/task/8'), { recursive: true });
      errors.clear();
      const s2 = await collectAll(hostCollectors(o), AbortSignal.timeout(5000), (c, e) => errors.set(c, e));
      assert.equal(success(s2, 'processes'), 0);
      assert.match(String(errors.get('processes')), /cannot read .*pid_max: ENOENT/);
      assert.equal(find(s2, 'node_processes_pids')?.value, 2);
      await tree(bad, { 'proc/sys/kernel/pid_max': '32768\n' });
      assert.equal(success(await collectAll(hostCollectors(o), AbortSignal.timeout(5000)), 'processes'), 1);

      const [c] = hostCollectors(o);
      const ctrl = new AbortController();
      ctrl.abort();
      await assert.rejects(c!.collect(() => {}, ctrl.signal), { name: 'AbortedError' });
      const [gone] = hostCollectors({ ...o, procPath: join(bad, 'nonexistent') });
      await assert.rejects(gone!.collect(() => {}, AbortSignal.timeout(5000)), { name: 'CollectError', message: /cannot list .*nonexistent: ENOENT/ });
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('honours the allow-list and rejects unknown names and bad regexps', () => {
    assert.deepEqual(hostCollectors({ collectors: ['meminfo', 'cpu'] }).map((c) => c.name), ['cpu', 'meminfo']);
    assert.throws(() => hostCollectors({ collectors: ['cpu', 'nope'] }), { name: 'HostOptionsError', message: /unknown host collector "nope"/ });
    assert.throws(() => hostCollectors({ mountPointsExclude: '(' }), { name: 'HostOptionsError' });
  });
});

describe('collectAll', () => {
  it('fails a collector that ignores its abort signal, keeping its earlier samples', async () => {
    const stuck: Collector = {
      name: 'stuck',
      collect(emit) {
        emit({ name: 'before', labels: [], value: 1 });
        setTimeout(() => emit({ name: 'after', labels: [], value: 2 }), 100);
        return new Promise(() => {});
      },
    };
    const throwing: Collector = { name: 'thrower', collect: () => Promise.reject(new Error('boom')) };
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 30);
    const s = await collectAll([stuck, throwing], ctrl.signal);
    assert.deepEqual(s.filter((x) => !x.name.startsWith('node_scrape')).map((x) => x.name), ['before']);
    assert.equal(success(s, 'stuck'), 0);
    assert.equal(success(s, 'thrower'), 0);
    assert.ok(find(s, 'node_scrape_collector_duration_seconds', { collector: 'stuck' })!.value >= 0.02);
    await new Promise((r) => setTimeout(r, 120));
  });
});

describe('renderExposition', () => {
  it('groups families, sorts, escapes and drops empty labels', () => {
    const text = renderExposition([
      { name: 'b_total', labels: [['z', '1'], ['a', 'x"y\\z\nw']], value: 1.5, type: 'counter', help: 'B\\ help\nline' },
      { name: 'a', labels: [['empty', '']], value: NaN },
      { name: 'b_total', labels: [['a', 'a']], value: Infinity, type: 'counter' },
      { name: 'c', labels: [], value: -Infinity, type: 'gauge' },
    ]);
    assert.equal(
      text,
      '# TYPE a untyped\na NaN\n# HELP b_total B\\\\ help\\nline\n# TYPE b_total counter\nb_total{a="a"} +Inf\nb_total{a="x\\"y\\\\z\\nw",z="1"} 1.5\n# TYPE c gauge\nc -Inf\n',
    );
    assert.equal(renderExposition([]), '');
  });
});

describe('config host section', () => {
  it('has the defaults and collector names of src/collect', () => {
    const { config } = parseConfig('', 'vigie.yml');
    assert.equal(config.host.enabled, true);
    assert.equal(config.host.interval, undefined);
    assert.equal(config.host.collectors, undefined);
    assert.equal(config.host.filesystem.mount_points_exclude, DEFAULT_MOUNT_POINTS_EXCLUDE);
    assert.equal(config.host.filesystem.fs_types_exclude, DEFAULT_FS_TYPES_EXCLUDE);
    const all = parseConfig(`host:\n  collectors: [${HOST_COLLECTOR_NAMES.join(', ')}]\n`, 'vigie.yml').config;
    assert.deepEqual(all.host.collectors, [...HOST_COLLECTOR_NAMES]);
    assert.equal(hostCollectors(hostOptionsFromConfig(all.host)).length, HOST_COLLECTOR_NAMES.length);
  });
  it('reads interval, collectors and filesystem exclusions', () => {
    const { config } = parseConfig('host:\n  interval: 15s\n  collectors: [cpu, meminfo]\n  filesystem:\n    mount_points_exclude: ^/boot\n', 'vigie.yml');
    assert.equal(config.host.interval, 15_000);
    assert.deepEqual(config.host.collectors, ['cpu', 'meminfo']);
    assert.equal(config.host.filesystem.mount_points_exclude, '^/boot');
    assert.equal(config.host.filesystem.fs_types_exclude, DEFAULT_FS_TYPES_EXCLUDE);
  });
  it('reports mistakes with file:line:col', () => {
    const fails = (text: string, message: string): void => {
      assert.throws(() => parseConfig(text, 'vigie.yml'), { name: 'ConfigError', message });
    };
    fails('host:\n  interval: soon\n', 'vigie.yml:2:13: host.interval: expected a duration greater than 0 like 15s, got "soon"');
    fails('host:\n  interval: 0s\n', 'vigie.yml:2:13: host.interval: expected a duration greater than 0 like 15s, got "0s"');
    assert.match(parseMessage('host:\n  collectors: [cpu, gpu]\n'), /^vigie\.yml:2:21: host\.collectors\[1\]: expected one of "cpu", .*got "gpu"$/);
    assert.match(parseMessage('host:\n  filesystem:\n    fs_types_exclude: "(tmpfs"\n'), /^vigie\.yml:3:23: host\.filesystem\.fs_types_exclude: invalid regular expression "\(tmpfs": /);
    fails('host:\n  filesystem:\n    mount_points: x\n', 'vigie.yml:3:5: host.filesystem.mount_points: unknown key "mount_points"');
  });
});
