import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VigieError } from '../common/index.js';

export class DirLockedError extends VigieError {
  override name = 'DirLockedError';
}

/**
 * Takes `<dir>/lock` holding our pid, so two processes never write one data directory.
 * A lock left by a process that no longer runs (crash, SIGKILL) is taken over.
 * Returns the release function.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DirLockedError(`data directory ${dir} is in use by process ${pid} (remove ${path} if that is wrong)`);
      }
      await rm(path, { force: true });
    }
  }
  throw new DirLockedError(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
