import { VigieError } from '../common/index.js';

/** The data directory is held by another process (a running server): the command cannot open it. */
export class DataDirBusyError extends VigieError {
  override name = 'DataDirBusyError';
}
