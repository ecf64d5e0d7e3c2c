import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { CollectError, type Collector } from './types.js';
import { type HostPaths } from './paths.js';
import { errorCode, errorMessage } from './read.js';

/**
 * glibc's `struct utmp` on Linux (x86, x86_64, arm, arm64, riscv64...): 384 bytes,
 * `short ut_type` at 0, `char ut_user[32]` at 44. Written in the machine's byte order.
 */
export const UTMP_RECORD_SIZE = 384;
const UT_TYPE = 0;
const UT_USER = 44;
/** `ut_type` of a logged-in user's session. */
export const USER_PROCESS = 7;

/**
 * Counts the login sessions of a utmp file: records of type USER_PROCESS with a non-empty user,
 * what `who` lists. A trailing partial record (a writer mid-update) is ignored. Pure, never throws.
 */
export function countUtmpSessions(buf: Uint8Array, littleEndian: boolean): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let n = 0;
  for (let off = 0; off + UTMP_RECORD_SIZE <= buf.byteLength; off += UTMP_RECORD_SIZE) {
    if (view.getInt16(off + UT_TYPE, littleEndian) === USER_PROCESS && buf[off + UT_USER] !== 0) n++;
  }
  return n;
}

/**
 * `node_logged_in_users`: the number of login sessions in utmp (gauge). node_exporter has no such
 * metric (its `logind` collector needs systemd's D-Bus API and splits sessions by seat/class/type);
 * the name follows node_exporter's conventions and matches what `who | wc -l` shows. When the utmp
 * file does not exist (containers, distributions that dropped utmp), the metric is absent and the
 * collector still succeeds: "no file" is not "zero users".
 */
export function utmpCollector(paths: HostPaths): Collector {
  const little = endianness() === 'LE';
  return {
    name: 'users',
    async collect(emit, signal) {
      let buf: Buffer;
      try {
        buf = await readFile(paths.utmp, { signal });
      } catch (cause) {
        if (errorCode(cause) === 'ENOENT') return;
        throw new CollectError('users', `cannot read ${paths.utmp}: ${errorMessage(cause)}`, { cause });
      }
      emit({ name: 'node_logged_in_users', labels: [], value: countUtmpSessions(buf, little), type: 'gauge', help: 'Number of user sessions logged in, from utmp (what who(1) lists).' });
    },
  };
}
