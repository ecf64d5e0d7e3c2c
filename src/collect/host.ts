import { type HostConfig } from '../config/index.js';
import { VigieError } from '../common/index.js';
import { type Collector } from './types.js';
import { type HostPaths } from './paths.js';
import { cpuCollector } from './cpu.js';
import { statCollector } from './stat.js';
import { meminfoCollector } from './meminfo.js';
import { loadavgCollector } from './loadavg.js';
import { filefdCollector } from './filefd.js';
import { DEFAULT_DISK_DEVICE_EXCLUDE, diskstatsCollector } from './diskstats.js';
import { netclassCollector, netdevCollector } from './netdev.js';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, filesystemCollector } from './filesystem.js';
import { processesCollector } from './processes.js';
import { unameCollector } from './uname.js';
import { timeCollector } from './time.js';
import { utmpCollector } from './utmp.js';

/** Every host collector, by the name used in `host.collectors` and `node_scrape_collector_*{collector}`. */
export const HOST_COLLECTOR_NAMES = ['cpu', 'diskstats', 'filefd', 'filesystem', 'loadavg', 'meminfo', 'netclass', 'netdev', 'processes', 'stat', 'time', 'uname', 'users'] as const;
export type HostCollectorName = (typeof HOST_COLLECTOR_NAMES)[number];

/** Options of `hostCollectors`; every field is optional. Regexps use JavaScript syntax and are unanchored (node_exporter's defaults carry their own ^...$). */
export interface HostCollectorOptions {
  /** Default `/proc`. */
  readonly procPath?: string;
  /** Default `/sys`. */
  readonly sysPath?: string;
  /** Default `/`: the host's root filesystem as seen by this process (statfs goes through it). */
  readonly rootfsPath?: string;
  /** Default `/var/run/utmp`. */
  readonly utmpPath?: string;
  /** Default `/run/udev/data`. */
  readonly udevDataPath?: string;
  /** Allow-list of collector names; default all of HOST_COLLECTOR_NAMES. */
  readonly collectors?: readonly string[];
  readonly mountPointsExclude?: string;
  readonly fsTypesExclude?: string;
  /** Default node_exporter's: partitions, ram, loop and floppy devices. */
  readonly diskDeviceExclude?: string;
  /** Default: no network device excluded. */
  readonly netDeviceExclude?: string;
  /** ms before a hanging statfs reports `node_filesystem_device_error 1`; default 5000. */
  readonly mountTimeoutMs?: number;
  /** Wall clock in ms for `node_time_seconds`; default Date.now. */
  readonly now?: () => number;
}

/** Invalid `hostCollectors` options (unknown collector, bad regexp). */
export class HostOptionsError extends VigieError {
  override name = 'HostOptionsError';
}

function regexp(what: string, src: string): RegExp {
  try {
    return new RegExp(src);
  } catch (cause) {
    throw new HostOptionsError(`${what}: invalid regular expression ${JSON.stringify(src)}`, { cause });
  }
}

/**
 * The collectors that read this machine's /proc and /sys, emitting node_exporter's metric
 * names, labels and units. Pure construction (nothing is read until `collect`). Throws
 * `HostOptionsError` for an unknown collector name or an invalid regexp. The filesystem
 * collector keeps per-instance state (pending statfs calls): build the list once and reuse it.
 */
export function hostCollectors(opts: HostCollectorOptions = {}): Collector[] {
  const paths: HostPaths = {
    proc: opts.procPath ?? '/proc',
    sys: opts.sysPath ?? '/sys',
    rootfs: opts.rootfsPath ?? '/',
    utmp: opts.utmpPath ?? '/var/run/utmp',
    udevData: opts.udevDataPath ?? '/run/udev/data',
  };
  const wanted = new Set<string>(opts.collectors ?? HOST_COLLECTOR_NAMES);
  for (const n of wanted) {
    if (!(HOST_COLLECTOR_NAMES as readonly string[]).includes(n)) throw new HostOptionsError(`unknown host collector ${JSON.stringify(n)} (known: ${HOST_COLLECTOR_NAMES.join(', ')})`);
  }
  const make: Record<HostCollectorName, () => Collector> = {
    cpu: () => cpuCollector(paths),
    diskstats: () => diskstatsCollector(paths, regexp('diskDeviceExclude', opts.diskDeviceExclude ?? DEFAULT_DISK_DEVICE_EXCLUDE)),
    filefd: () => filefdCollector(paths),
    filesystem: () =>
      filesystemCollector(paths, {
        mountPointsExclude: regexp('mountPointsExclude', opts.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE),
        fsTypesExclude: regexp('fsTypesExclude', opts.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE),
        ...(opts.mountTimeoutMs === undefined ? {} : { mountTimeoutMs: opts.mountTimeoutMs }),
      }),
    loadavg: () => loadavgCollector(paths),
    meminfo: () => meminfoCollector(paths),
    netclass: () => netclassCollector(paths),
    netdev: () => netdevCollector(paths, opts.netDeviceExclude === undefined ? undefined : regexp('netDeviceExclude', opts.netDeviceExclude)),
    processes: () => processesCollector(paths),
    stat: () => statCollector(paths),
    time: () => timeCollector(opts.now ?? Date.now),
    uname: () => unameCollector(paths),
    users: () => utmpCollector(paths),
  };
  return HOST_COLLECTOR_NAMES.filter((n) => wanted.has(n)).map((n) => make[n]());
}

/** Maps the validated `host:` config section to `hostCollectors` options (paths stay default). */
export function hostOptionsFromConfig(host: HostConfig): HostCollectorOptions {
  return {
    ...(host.collectors === undefined ? {} : { collectors: host.collectors }),
    mountPointsExclude: host.filesystem.mount_points_exclude,
    fsTypesExclude: host.filesystem.fs_types_exclude,
  };
}
