import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { type StatsFs } from 'node:fs';
import { type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { errorCode, readText } from './read.js';

/** node_exporter's default `--collector.filesystem.mount-points-exclude` (upstream; Debian's package also excludes /run, /mnt, /media). */
export const DEFAULT_MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
/** node_exporter's default `--collector.filesystem.fs-types-exclude`: pseudo and read-only image filesystems. */
export const DEFAULT_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$';

/** One line of /proc/mounts. */
export interface MountLine {
  readonly device: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly options: string;
}

/** Undoes the kernel's octal escapes in mount fields (`\040` space, `\011` tab, `\012`, `\134`). */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses /proc/mounts (fstab format). Pure, never throws: lines with fewer than 4 fields go to `bad`. */
export function parseMounts(text: string): { mounts: MountLine[]; bad: string[] } {
  const mounts: MountLine[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === '') continue;
    if (f.length < 4) {
      bad.push(line);
      continue;
    }
    mounts.push({ device: unescapeOctal(f[0]!), mountPoint: unescapeOctal(f[1]!), fsType: f[2]!, options: f[3]! });
  }
  return { mounts, bad };
}

export interface FilesystemOptions {
  readonly mountPointsExclude: RegExp;
  readonly fsTypesExclude: RegExp;
  /** ms a statfs may take before the mount is reported as `node_filesystem_device_error 1`; default 5000. */
  readonly mountTimeoutMs?: number;
  /** For tests: replaces fs.promises.statfs. */
  readonly statfs?: (path: string) => Promise<StatsFs>;
}

/** Strips the rootfs prefix from a mount point seen from inside a container (`/host/data` → `/data`). */
function stripRootfs(rootfs: string, mp: string): string {
  if (rootfs === '/' || rootfs === '') return mp;
  const r = rootfs.replace(/\/+$/, '');
  if (mp === r) return '/';
  return mp.startsWith(r + '/') ? mp.slice(r.length) : mp;
}

/**
 * node_exporter's `filesystem`: `node_filesystem_{size,free,avail}_bytes`, `_files`, `_files_free`,
 * `_readonly` (the `ro` mount option) and `_device_error{device,fstype,mountpoint}` for each mount of
 * /proc/1/mounts (or /proc/mounts) not excluded. One series per (device, mountpoint, fstype).
 *
 * A statfs that hangs (dead NFS server) is never repeated while it is pending: it holds one libuv
 * thread, and Vigie must not lose its whole thread pool to one dead mount. A mount whose statfs
 * exceeded `mountTimeoutMs` is "stuck": it reports `device_error 1` at once, without waiting,
 * until that call returns (node_exporter's stuck-mount rule). The pending calls live in this
 * collector instance (no module state).
 */
export function filesystemCollector(paths: HostPaths, opts: FilesystemOptions): Collector {
  const pending = new Map<string, Promise<StatsFs>>();
  const stuck = new Set<string>();
  const timeoutMs = opts.mountTimeoutMs ?? 5000;
  const doStatfs = opts.statfs ?? ((path: string) => statfs(path));

  /** The statfs of `path`, undefined when it failed, is stuck, timed out (now stuck) or was aborted. */
  const statOnce = async (path: string, signal: AbortSignal): Promise<StatsFs | undefined> => {
    if (stuck.has(path)) return undefined;
    let p = pending.get(path);
    if (p === undefined) {
      p = doStatfs(path);
      pending.set(path, p);
      const done = (): void => {
        pending.delete(path);
        stuck.delete(path);
      };
      p.then(done, done);
    }
    const r = await withTimeout(p, timeoutMs, signal);
    if (r === 'timeout') stuck.add(path);
    return typeof r === 'object' ? r : undefined;
  };

  return {
    name: 'filesystem',
    async collect(emit, signal) {
      let text: string;
      try {
        text = await readText('filesystem', procFile(paths, '1', 'mounts'), signal);
      } catch (err) {
        if (errorCode(err) !== 'ENOENT' && errorCode(err) !== 'EACCES') throw err;
        text = await readText('filesystem', procFile(paths, 'mounts'), signal); // hidepid
      }
      const seen = new Set<string>();
      const jobs: Promise<void>[] = [];
      for (const m of parseMounts(text).mounts) {
        const mountPoint = stripRootfs(paths.rootfs, m.mountPoint);
        if (opts.mountPointsExclude.test(mountPoint) || opts.fsTypesExclude.test(m.fsType)) continue;
        const key = `${m.device}\u0000${mountPoint}\u0000${m.fsType}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const labels: [string, string][] = [['device', m.device], ['fstype', m.fsType], ['mountpoint', mountPoint]];
        const readonly = m.options.split(',').includes('ro') ? 1 : 0;
        jobs.push(
          statOnce(join(paths.rootfs, mountPoint), signal).then((st) => {
            const gauge = (name: string, value: number, help: string): void => emit({ name, labels, value, type: 'gauge', help });
            gauge('node_filesystem_device_error', st === undefined ? 1 : 0, 'Whether an error occurred while getting statistics for the given device.');
            if (st === undefined) return;
            gauge('node_filesystem_size_bytes', st.blocks * st.bsize, 'Filesystem size in bytes.');
            gauge('node_filesystem_free_bytes', st.bfree * st.bsize, 'Filesystem free space in bytes.');
            gauge('node_filesystem_avail_bytes', st.bavail * st.bsize, 'Filesystem space available to non-root users in bytes.');
            gauge('node_filesystem_files', st.files, 'Filesystem total file nodes.');
            gauge('node_filesystem_files_free', st.ffree, 'Filesystem total free file nodes.');
            gauge('node_filesystem_readonly', readonly, 'Filesystem read-only status.');
          }),
        );
      }
      await Promise.all(jobs);
    },
  };
}

/** The statfs result, 'failed', 'timeout' after `ms`, or 'aborted' when `signal` aborts. Never rejects. */
function withTimeout(p: Promise<StatsFs>, ms: number, signal: AbortSignal): Promise<StatsFs | 'failed' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const finish = (v: StatsFs | 'failed' | 'timeout' | 'aborted'): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) finish('aborted');
    p.then(finish, () => finish('failed'));
  });
}
