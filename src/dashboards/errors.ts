import { VigieError } from '../common/index.js';

/** What the API answers for a dashboard error: HTTP status and the envelope's errorType. */
export type DashboardErrorType = 'bad_data' | 'not_found' | 'conflict' | 'version_mismatch';

/** Base of the dashboards module's errors; `status` is the HTTP status the API answers with. */
export class DashboardError extends VigieError {
  override name = 'DashboardError';
  constructor(
    readonly errorType: DashboardErrorType,
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The JSON is not a dashboard Vigie accepts; the message names the JSON path (`panels[3].gridPos.w: expected a number`). */
export class DashboardInvalidError extends DashboardError {
  override name = 'DashboardInvalidError';
  constructor(message: string, options?: ErrorOptions) {
    super('bad_data', 400, message, options);
  }
}

export class DashboardNotFoundError extends DashboardError {
  override name = 'DashboardNotFoundError';
  constructor(uid: string) {
    super('not_found', 404, `no dashboard with uid ${JSON.stringify(uid)}`);
  }
}

/** Another dashboard already has this title (titles are unique, case-insensitive). */
export class DashboardTitleConflictError extends DashboardError {
  override name = 'DashboardTitleConflictError';
  constructor(title: string, otherUid: string) {
    super('conflict', 409, `a dashboard titled ${JSON.stringify(title)} already exists (uid ${otherUid}); rename it or save with "overwrite": true`);
  }
}

/** The dashboard was changed by someone else since the caller read it (412, like Grafana). */
export class DashboardVersionMismatchError extends DashboardError {
  override name = 'DashboardVersionMismatchError';
  constructor(uid: string, given: number, stored: number) {
    super('version_mismatch', 412, `dashboard ${uid} has been changed by someone else: its version is ${stored}, the one sent is ${given}; reload it, or save with "overwrite": true`);
  }
}
