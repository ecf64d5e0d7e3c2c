/** Transport-level failure of a scrape request: connect, reset, malformed response, size limit. */
export class Http1Error extends Error {
  override name = 'Http1Error';
  constructor(
    message: string,
    /** True when nothing of the response arrived on a connection that served one before: safe to retry. */
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
