import { machine } from 'node:os';
import { type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { errorCode, readText } from './read.js';

/** The uname(2) fields, as /proc/sys/kernel exposes them. */
export interface UnameInfo {
  readonly sysname: string;
  readonly release: string;
  readonly version: string;
  readonly machine: string;
  readonly nodename: string;
  readonly domainname: string;
}

/**
 * `node_uname_info{sysname,release,version,machine,nodename,domainname} 1`, read from
 * /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname,arch}. `arch` exists since
 * Linux 6.1; on older kernels the machine comes from Node's `os.machine()` (the uname(2) call).
 */
export function unameCollector(paths: HostPaths): Collector {
  return {
    name: 'uname',
    async collect(emit, signal) {
      const k = (f: string): Promise<string> => readText('uname', procFile(paths, 'sys', 'kernel', f), signal).then((s) => s.trim());
      const [sysname, release, version, nodename, domainname] = await Promise.all([k('ostype'), k('osrelease'), k('version'), k('hostname'), k('domainname')]);
      let arch: string;
      try {
        arch = await k('arch');
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
        arch = machine();
      }
      const u: UnameInfo = { sysname, release, version, machine: arch, nodename, domainname };
      emit({
        name: 'node_uname_info',
        labels: [['sysname', u.sysname], ['release', u.release], ['version', u.version], ['machine', u.machine], ['nodename', u.nodename], ['domainname', u.domainname]],
        value: 1,
        type: 'gauge',
        help: 'Labeled system information as provided by the uname system call.',
      });
    },
  };
}
