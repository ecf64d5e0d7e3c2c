import assert from 'node:assert/strict';
import { type StatsFs } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type MetricSample } from './types.js';
import { describe, it } from 'node:test';
import { parseCpuTimes } from './cpu.js';
import { parseKernelStats } from './stat.js';
import { parseMeminfo } from './meminfo.js';
import { parseLoadavg } from './loadavg.js';
import { parseFileNr } from './filefd.js';
import { parseDiskstats, parseUdevInfo } from './diskstats.js';
import { parseNetDev } from './netdev.js';
import { filesystemCollector, parseMounts } from './filesystem.js';
import { USER_PROCESS, UTMP_RECORD_SIZE, countUtmpSessions } from './utmp.js';
import { parseNumber } from './read.js';
import { parseKernelCount, parseTaskStat } from './processes.js';

const PROC_STAT = `cpu  256130 0 36939 272257 2794 0 590 136 0 0
cpu0 112409 0 18292 152292 1084 0 76 67 0 0
cpu1 143721 3 18647 119965 1710 0 513 68 12 5
intr 3660119 0 0 0 0 0 0 0 0 0 0 0 0 0 0 15
ctxt 9259789
btime 1795257667
processes 43391
procs_running 5
procs_blocked 1
softirq 1492860 0 164132 5 40703 556126 0 2 325045 0 406847
`;

/** Inputs that must never make a parser throw. */
const HOSTILE = ['', '\n\n', '\u0000\u0000\u0001', 'x'.repeat(10_000), ':::: : :', 'cpu0 -1 NaN', '\ufffd\ufffd cpu1 1e999', 'intr\nctxt\nbtime abc', '\t \t'];

describe('parseNumber', () => {
  it('accepts /proc decimals only', () => {
    assert.equal(parseNumber('123'), 123);
    assert.equal(parseNumber('0.52'), 0.52);
    for (const bad of [undefined, '', 'NaN', '0x10', '1e999', 'Infinity', '1,2', ' 1']) assert.equal(parseNumber(bad), undefined, String(bad));
  });
});

describe('/proc/stat', () => {
  it('gives per-CPU seconds at USER_HZ=100, skipping the aggregate line', () => {
    const { cpus, bad } = parseCpuTimes(PROC_STAT);
    assert.deepEqual(bad, []);
    assert.equal(cpus.length, 2);
    assert.deepEqual(cpus[1], { cpu: '1', user: 1437.21, nice: 0.03, system: 186.47, idle: 1199.65, iowait: 17.1, irq: 0, softirq: 5.13, steal: 0.68, guest: 0.12, guestNice: 0.05 });
  });
  it('fills fields an old kernel lacks with 0 and rejects garbled CPU lines', () => {
    const { cpus, bad } = parseCpuTimes('cpu0 1 2 3 4\ncpu1 1 2 x 4\ncpu2 1 2\n');
    assert.equal(cpus.length, 1);
    assert.equal(cpus[0]!.steal, 0);
    assert.equal(bad.length, 2);
  });
  it('reads the kernel counters', () => {
    const { stats, bad } = parseKernelStats(PROC_STAT);
    assert.deepEqual(bad, []);
    assert.deepEqual(stats, { intr: 3660119, ctxt: 9259789, btime: 1795257667, processes: 43391, procsRunning: 5, procsBlocked: 1 });
    assert.equal(parseKernelStats('ctxt banana\n').bad.length, 1);
  });
});

describe('/proc/meminfo', () => {
  it('names fields like node_exporter', () => {
    const { fields, bad } = parseMeminfo('MemTotal:       24668192 kB\nActive(anon):     123 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n');
    assert.deepEqual(bad, []);
    assert.deepEqual([...fields], [['MemTotal_bytes', 24668192 * 1024], ['Active_anon_bytes', 123 * 1024], ['HugePages_Total', 0], ['Hugepagesize_bytes', 2048 * 1024]]);
  });
  it('rejects lines that are not "Key: number [kB]" or make bad metric names', () => {
    const { fields, bad } = parseMeminfo('MemFree: 1 kB\nGarbage\nNo colon 12\nBad-Key: 3 kB\nX: 1 kB extra\nY: -\n');
    assert.deepEqual([...fields.keys()], ['MemFree_bytes']);
    assert.equal(bad.length, 5);
  });
});

describe('small files', () => {
  it('loadavg', () => {
    assert.deepEqual(parseLoadavg('0.32 1.24 1.71 3/412 43391\n'), [0.32, 1.24, 1.71]);
    assert.equal(parseLoadavg('0.32 abc'), undefined);
  });
  it('file-nr', () => {
    assert.deepEqual(parseFileNr('576\t0\t2466183\n'), { allocated: 576, maximum: 2466183 });
    assert.equal(parseFileNr('576 0'), undefined);
  });
});

describe('/proc/PID/stat', () => {
  /** A stat line as Linux 6.x writes it (52 fields), with `comm`, `state` and num_threads (field 20) chosen. */
  const statLine = (comm: string, state = 'S', threads = 1): string =>
    `4242 (${comm}) ${state} 1 4242 4242 0 -1 4194560 1029 0 3 0 12 7 0 0 20 0 ${threads} 0 7713454 3133440 413 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0\n`;
  it('reads the state and num_threads', () => {
    assert.deepEqual(parseTaskStat(statLine('bash')), { state: 'S', numThreads: 1 });
    assert.deepEqual(parseTaskStat(statLine('java', 'R', 311)), { state: 'R', numThreads: 311 });
    assert.deepEqual(parseTaskStat(statLine('kworker/0:1H-kblockd', 'I')), { state: 'I', numThreads: 1 });
  });
  it('takes comm from the first ( to the last ), whatever it contains', () => {
    assert.deepEqual(parseTaskStat(statLine('(a) b)', 'D', 2)), { state: 'D', numThreads: 2 });
    assert.deepEqual(parseTaskStat(statLine('a b c', 'Z')), { state: 'Z', numThreads: 1 });
    assert.deepEqual(parseTaskStat(statLine(')', 't', 3)), { state: 't', numThreads: 3 });
    assert.deepEqual(parseTaskStat(statLine('()', 'T')), { state: 'T', numThreads: 1 });
    // A comm that imitates the fields (and a newline in it) does not shift them.
    assert.deepEqual(parseTaskStat(statLine('x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 99', 'S', 4)), { state: 'S', numThreads: 4 });
    assert.deepEqual(parseTaskStat(statLine('two\nlines', 'S', 5)), { state: 'S', numThreads: 5 });
    assert.deepEqual(parseTaskStat(statLine('', 'S')), { state: 'S', numThreads: 1 });
  });
  it('rejects garbled lines', () => {
    const good = statLine('bash');
    for (const bad of [
      '',
      '\n',
      '4242',
      '4242 (bash',
      '4242 bash) S 1',
      ')( S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1',
      'x (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1', // no pid before comm
      '4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16', // 17 fields: no num_threads
      '4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 -1',
      '4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1.5',
      '4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 0x10',
      `4242 (bash) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 ${'9'.repeat(30)}`,
      '4242 (bash) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1', // state is one letter
      '4242 (bash) 5 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 1',
      '4242 (bash)',
      good.slice(0, good.indexOf(')')), // truncated in comm
      good.slice(0, 40), // truncated after the state
      '\u0000'.repeat(200),
    ]) {
      assert.equal(parseTaskStat(bad), undefined, JSON.stringify(bad));
    }
  });
  it('reads kernel limits', () => {
    assert.equal(parseKernelCount('4194304\n'), 4194304);
    assert.equal(parseKernelCount(' 32768 '), 32768);
    for (const bad of ['', '\n', '-1', '1 2', '12abc', '1e6', '9'.repeat(30)]) assert.equal(parseKernelCount(bad), undefined, JSON.stringify(bad));
  });
});

describe('/proc/diskstats', () => {
  it('keeps 4 to 17 counters per device', () => {
    const { disks, bad } = parseDiskstats(
      ' 254       0 vda 53743 9768 2286794 22372 485000 71274 71922088 135903 0 66552 192444 72252 521 81128240 18563 146810 15604\n   8 0 sda 1 2 3 4\n 7 0 loop0 x 0 0 0\n',
    );
    assert.equal(disks.length, 2);
    assert.equal(disks[0]!.values.length, 17);
    assert.deepEqual(disks[1], { major: '8', minor: '0', device: 'sda', values: [1, 2, 3, 4] });
    assert.equal(bad.length, 1);
  });
  it('reads udev E: properties', () => {
    assert.deepEqual([...parseUdevInfo('S:disk/by-id/x\nE:ID_MODEL=Samsung SSD\nE:ID_SERIAL_SHORT=S1=2\nG:systemd\n')], [['ID_MODEL', 'Samsung SSD'], ['ID_SERIAL_SHORT', 'S1=2']]);
  });
});

describe('/proc/net/dev', () => {
  const TEXT = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 354675839   25241    0    0    0     0          0         0 354675839   25241    0    0    0     0       0          0
  eth0:432322876   13466    1    2    3     4          5         6  1513339    9869    7    8    9    10      11         12
`;
  it('reads every device, including names glued to the first number', () => {
    const { devices, bad } = parseNetDev(TEXT);
    assert.deepEqual(bad, []);
    assert.deepEqual(devices.map((d) => d.device), ['lo', 'eth0']);
    assert.deepEqual(devices[1]!.values, [432322876, 13466, 1, 2, 3, 4, 5, 6, 1513339, 9869, 7, 8, 9, 10, 11, 12]);
  });
  it('rejects short or garbled lines', () => {
    assert.equal(parseNetDev('eth0: 1 2 3\nnocolon 1 2\nx: a b c d e f g h i j k l m n o p\n').bad.length, 3);
  });
});

describe('/proc/mounts', () => {
  it('unescapes octal sequences and rejects short lines', () => {
    const { mounts, bad } = parseMounts('/dev/vda / ext4 rw,relatime 0 0\n/dev/sdb1 /mnt/my\\040disk\\134x vfat ro 0 0\nbroken line\n');
    assert.deepEqual(mounts[1], { device: '/dev/sdb1', mountPoint: '/mnt/my disk\\x', fsType: 'vfat', options: 'ro' });
    assert.equal(bad.length, 1);
  });
});

describe('utmp', () => {
  function record(type: number, user: string): Uint8Array {
    const b = new Uint8Array(UTMP_RECORD_SIZE);
    new DataView(b.buffer).setInt16(0, type, true);
    b.set(new TextEncoder().encode(user), 44);
    return b;
  }
  it('counts USER_PROCESS records with a user, ignoring a trailing partial record', () => {
    const parts = [record(2, 'reboot'), record(USER_PROCESS, 'alice'), record(6, 'LOGIN'), record(USER_PROCESS, 'bob'), record(USER_PROCESS, ''), record(8, 'carol')];
    const buf = new Uint8Array(parts.length * UTMP_RECORD_SIZE + 100);
    parts.forEach((p, i) => buf.set(p, i * UTMP_RECORD_SIZE));
    assert.equal(countUtmpSessions(buf, true), 2);
    assert.equal(countUtmpSessions(new Uint8Array(10), true), 0);
  });
});

describe('hostile input', () => {
  it('never makes a parser throw', () => {
    for (const t of HOSTILE) {
      parseCpuTimes(t);
      parseKernelStats(t);
      parseMeminfo(t);
      parseLoadavg(t);
      parseFileNr(t);
      parseDiskstats(t);
      parseNetDev(t);
      parseMounts(t);
      parseTaskStat(t);
      parseKernelCount(t);
      parseUdevInfo(t);
      countUtmpSessions(new TextEncoder().encode(t), true);
    }
  });
});

describe('filesystem collector with a hanging statfs', () => {
  it('reports a stuck mount as device_error at once, without a second statfs, until the call returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-fs-'));
    try {
      await mkdir(join(dir, 'proc'));
      await writeFile(join(dir, 'proc', 'mounts'), 'nfs:/x /data nfs rw 0 0\n');
      let calls = 0;
      let release: (v: StatsFs) => void = () => {};
      const paths = { proc: join(dir, 'proc'), sys: '/sys', rootfs: '/', utmp: '/nonexistent', udevData: '/nonexistent' };
      const c = filesystemCollector(paths, {
        mountPointsExclude: /^$/,
        fsTypesExclude: /^$/,
        mountTimeoutMs: 30,
        statfs: () => {
          calls++;
          return new Promise((r) => (release = r));
        },
      });
      const once = async (): Promise<{ ms: number; samples: MetricSample[] }> => {
        const samples: MetricSample[] = [];
        const t0 = performance.now();
        await c.collect((s) => samples.push(s), AbortSignal.timeout(5000));
        return { ms: performance.now() - t0, samples };
      };
      const first = await once();
      assert.ok(first.ms >= 25, `waited ${first.ms} ms`);
      assert.deepEqual(first.samples.map((s) => [s.name, s.value]), [['node_filesystem_device_error', 1]]);
      const second = await once();
      assert.ok(second.ms < 25, `second collection waited ${second.ms} ms`);
      assert.equal(second.samples[0]?.value, 1);
      assert.equal(calls, 1);
      release({ type: 0, bsize: 4096, blocks: 10, bfree: 5, bavail: 4, files: 100, ffree: 50 });
      await new Promise((r) => setTimeout(r, 5));
      const third = await once();
      assert.equal(calls, 2);
      assert.ok(third.ms >= 25, 'a returned mount is tried again, with its timeout'); // never released: stuck again
      assert.equal(third.samples[0]?.value, 1);
      const fourth = await once();
      assert.equal(fourth.samples[0]?.value, 1);
      release({ type: 0, bsize: 4096, blocks: 10, bfree: 5, bavail: 4, files: 100, ffree: 50 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
