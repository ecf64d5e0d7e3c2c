import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectError, type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { errorCode, errorMessage, failOnBadLines, fieldLines, parseNumber, readText } from './read.js';

/** node_exporter's default `--collector.diskstats.device-exclude`: partitions, RAM disks, loops, floppies. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';

/** One line of /proc/diskstats: the device and its 4 to 17 (kernel 5.5+) counters, raw. */
export interface DiskLine {
  readonly major: string;
  readonly minor: string;
  readonly device: string;
  readonly values: readonly number[];
}

/** Parses /proc/diskstats. Pure, never throws: lines with fewer than 7 fields or non-numbers go to `bad`. */
export function parseDiskstats(text: string): { disks: DiskLine[]; bad: string[] } {
  const disks: DiskLine[] = [];
  const bad: string[] = [];
  for (const f of fieldLines(text)) {
    const values = f.slice(3).map(parseNumber);
    if (f.length < 7 || values.some((v) => v === undefined || v < 0) || parseNumber(f[0]) === undefined || parseNumber(f[1]) === undefined) {
      bad.push(f.join(' '));
      continue;
    }
    disks.push({ major: f[0]!, minor: f[1]!, device: f[2]!, values: values as number[] });
  }
  return { disks, bad };
}

const SECTOR = 512; // /proc/diskstats counts 512-byte sectors whatever the device's sector size
const MS = 0.001;

/** Per /proc/diskstats column: metric name, scale to the metric's unit, type, help (node_exporter's). */
const COLUMNS: readonly (readonly [string, number, 'counter' | 'gauge', string])[] = [
  ['node_disk_reads_completed_total', 1, 'counter', 'The total number of reads completed successfully.'],
  ['node_disk_reads_merged_total', 1, 'counter', 'The total number of reads merged.'],
  ['node_disk_read_bytes_total', SECTOR, 'counter', 'The total number of bytes read successfully.'],
  ['node_disk_read_time_seconds_total', MS, 'counter', 'The total number of seconds spent by all reads.'],
  ['node_disk_writes_completed_total', 1, 'counter', 'The total number of writes completed successfully.'],
  ['node_disk_writes_merged_total', 1, 'counter', 'The number of writes merged.'],
  ['node_disk_written_bytes_total', SECTOR, 'counter', 'The total number of bytes written successfully.'],
  ['node_disk_write_time_seconds_total', MS, 'counter', 'This is the total number of seconds spent by all writes.'],
  ['node_disk_io_now', 1, 'gauge', 'The number of I/Os currently in progress.'],
  ['node_disk_io_time_seconds_total', MS, 'counter', 'Total seconds spent doing I/Os.'],
  ['node_disk_io_time_weighted_seconds_total', MS, 'counter', 'The weighted # of seconds spent doing I/Os.'],
  ['node_disk_discards_completed_total', 1, 'counter', 'The total number of discards completed successfully.'],
  ['node_disk_discards_merged_total', 1, 'counter', 'The total number of discards merged.'],
  ['node_disk_discarded_sectors_total', 1, 'counter', 'The total number of sectors discarded successfully.'],
  ['node_disk_discard_time_seconds_total', MS, 'counter', 'This is the total number of seconds spent by all discards.'],
  ['node_disk_flush_requests_total', 1, 'counter', 'The total number of flush requests completed successfully'],
  ['node_disk_flush_requests_time_seconds_total', MS, 'counter', 'This is the total number of seconds spent by all flush requests.'],
];

/** The labels node_exporter takes from udev's `E:KEY=value` lines for `node_disk_info`. Pure. */
export function parseUdevInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}

/**
 * node_exporter's `diskstats`: one `node_disk_*{device}` per /proc/diskstats column the kernel
 * provides, for devices not matching `deviceExclude`, plus `node_disk_info{device,major,minor,
 * path,wwn,model,serial,revision}` (labels from udev's database when it exists). udev's
 * filesystem/device-mapper/ATA extras are not emitted.
 */
export function diskstatsCollector(paths: HostPaths, deviceExclude: RegExp): Collector {
  return {
    name: 'diskstats',
    async collect(emit, signal) {
      const path = procFile(paths, 'diskstats');
      const { disks, bad } = parseDiskstats(await readText('diskstats', path, signal));
      for (const d of disks) {
        if (deviceExclude.test(d.device)) continue;
        const udev = await readUdev(join(paths.udevData, `b${d.major}:${d.minor}`), signal);
        emit({
          name: 'node_disk_info',
          labels: [['device', d.device], ['major', d.major], ['minor', d.minor], ['path', udev.get('ID_PATH') ?? ''], ['wwn', udev.get('ID_WWN') ?? ''], ['model', udev.get('ID_MODEL') ?? ''], ['serial', udev.get('ID_SERIAL_SHORT') ?? ''], ['revision', udev.get('ID_REVISION') ?? '']],
          value: 1,
          type: 'gauge',
          help: 'Info of /sys/block/<block_device>.',
        });
        for (let i = 0; i < d.values.length && i < COLUMNS.length; i++) {
          const [name, scale, type, help] = COLUMNS[i]!;
          emit({ name, labels: [['device', d.device]], value: d.values[i]! * scale, type, help });
        }
      }
      failOnBadLines('diskstats', path, bad);
    },
  };
}

/** udev properties of one device; empty when udev's database is absent (containers, minimal VMs). */
async function readUdev(file: string, signal: AbortSignal): Promise<Map<string, string>> {
  try {
    return parseUdevInfo(await readFile(file, { encoding: 'utf8', signal }));
  } catch (cause) {
    const code = errorCode(cause);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return new Map();
    throw new CollectError('diskstats', `cannot read ${file}: ${errorMessage(cause)}`, { cause });
  }
}
