import { join } from 'node:path';

/** Where the host collectors read. Absolute paths; tests point them at fixture trees. */
export interface HostPaths {
  /** Default `/proc`. */
  readonly proc: string;
  /** Default `/sys`. */
  readonly sys: string;
  /** The host's root as seen by Vigie (`/`, or `/host` in a container); statfs goes through it. */
  readonly rootfs: string;
  /** Default `/var/run/utmp`. */
  readonly utmp: string;
  /** udev's database, for `node_disk_info` labels; default `/run/udev/data`. */
  readonly udevData: string;
}

export function procFile(p: HostPaths, ...parts: string[]): string {
  return join(p.proc, ...parts);
}

export function sysFile(p: HostPaths, ...parts: string[]): string {
  return join(p.sys, ...parts);
}
