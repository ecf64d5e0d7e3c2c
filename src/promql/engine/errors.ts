/** Typed errors of the PromQL engine. Messages follow Prometheus' wording where it has one. */

/** Base of every engine error. */
export class QueryError extends Error {
  override name = 'QueryError';
}

/** The query ran longer than the engine's timeout. */
export class QueryTimeoutError extends QueryError {
  override name = 'QueryTimeoutError';
  constructor(where: string, options?: ErrorOptions) {
    super(`query timed out in ${where}`, options);
  }
}

/** The caller's AbortSignal fired. */
export class QueryCanceledError extends QueryError {
  override name = 'QueryCanceledError';
  constructor(where: string, options?: ErrorOptions) {
    super(`query was canceled in ${where}`, options);
  }
}

/** More points than `maxSamples` would be held in memory at once. */
export class TooManySamplesError extends QueryError {
  override name = 'TooManySamplesError';
  constructor(where = 'query execution', options?: ErrorOptions) {
    super(`query processing would load too many samples into memory in ${where}`, options);
  }
}

/** A semantic or runtime error of evaluation (bad argument, many-to-many matching, …). */
export class QueryEvalError extends QueryError {
  override name = 'QueryEvalError';
}
