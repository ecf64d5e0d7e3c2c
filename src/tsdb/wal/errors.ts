import { VigieError } from '../../common/index.js';

/** The WAL could not do what was asked (I/O failure, misuse after close). `cause` holds the system error. */
export class WalError extends VigieError {
  override name = 'WalError';
}
