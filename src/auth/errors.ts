import { VigieError } from '../common/index.js';

/** A refused auth operation (bad input, unknown user, last admin...); the message is for the person. */
export class AuthError extends VigieError {
  override name = 'AuthError';
}

/** The named user, token or session does not exist. */
export class AuthNotFoundError extends AuthError {
  override name = 'AuthNotFoundError';
}

/** The change would leave the state inconsistent (a duplicate name, no admin left). */
export class AuthConflictError extends AuthError {
  override name = 'AuthConflictError';
}
