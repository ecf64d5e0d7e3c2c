import { join } from 'node:path';
import { systemClock, silentLogger } from '../common/index.js';
import { Db, DirLockedError } from '../tsdb/index.js';
import { DataDirBusyError } from './errors.js';

/**
 * Opens the TSDB of `dataDir` (`<dataDir>/tsdb`) for a one-shot command: no retention (the
 * command must never delete data; the server applies its own retention when it next runs), no
 * periodic maintenance. The database takes the directory lock: when a server holds it, throws
 * DataDirBusyError whose message says so and adds `hint` (e.g. the HTTP endpoint to use).
 */
export async function openCommandDb(dataDir: string, hint: string): Promise<Db> {
  try {
    return await Db.open({
      dir: join(dataDir, 'tsdb'),
      logger: silentLogger(),
      clock: systemClock,
      retentionTime: Number.MAX_SAFE_INTEGER,
      maintenanceInterval: 2 ** 31 - 1,
    });
  } catch (err) {
    if (err instanceof DirLockedError) {
      throw new DataDirBusyError(`${err.message}.\nA Vigie server is probably running on ${dataDir}: stop it first, or ${hint}`, { cause: err });
    }
    throw err;
  }
}
