import { VigieError } from '../../common/index.js';

/**
 * Why a send failed, as counted in `vigie_notifications_failed_total{reason}`:
 * `clientError` (HTTP 4xx except 429, SMTP 5xx: the request itself is wrong),
 * `serverError` (HTTP 5xx/429, SMTP 4xx: the peer may recover), `network` (connection,
 * DNS, TLS), `timeout`, `other` (configuration at send time, e.g. an unreadable url_file).
 */
export type NotifyFailureReason = 'clientError' | 'serverError' | 'network' | 'timeout' | 'other';

/**
 * A failed delivery to one integration. `retryable` says whether sending the same
 * notification again may succeed (5xx, 429, network, timeout) or not (4xx, a bad config).
 */
export class NotifyError extends VigieError {
  override name = 'NotifyError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly reason: NotifyFailureReason,
    /** The HTTP status (or SMTP reply code) when the peer answered; undefined otherwise. */
    readonly status: number | undefined = undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Any error thrown by a send, as a NotifyError (unknown errors are retryable `other`). */
export function asNotifyError(err: unknown, signal?: AbortSignal): NotifyError {
  if (err instanceof NotifyError) return err;
  if (signal?.aborted === true) {
    const r: unknown = signal.reason;
    const timedOut = r instanceof Error && r.name === 'TimeoutError';
    return new NotifyError(timedOut ? 'timed out' : 'aborted', true, 'timeout', undefined, { cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new NotifyError(msg, true, 'other', undefined, { cause: err });
}
