import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VigieError } from '../common/index.js';
import type { Logger } from '../common/index.js';

/** Prometheus' `errorType` values for the JSON API. */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'timeout'
  | 'canceled'
  | 'not_acceptable';

const STATUS_OF: Readonly<Record<ApiErrorType, number>> = {
  bad_data: 400,
  not_found: 404,
  not_acceptable: 406,
  execution: 422,
  canceled: 499,
  internal: 500,
  unavailable: 503,
  timeout: 503,
};

/** Throw from an /api/ route to answer `{status:"error", errorType, error}` with the matching HTTP status. */
export class ApiError extends VigieError {
  override name = 'ApiError';
  readonly statusCode: number;
  constructor(
    readonly errorType: ApiErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = STATUS_OF[errorType];
  }
}

/** The body Prometheus sends on API errors. */
export interface ApiErrorBody {
  readonly status: 'error';
  readonly errorType: ApiErrorType;
  readonly error: string;
}

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/');
}

function errorTypeForStatus(status: number): ApiErrorType {
  if (status === 404) return 'not_found';
  if (status === 406) return 'not_acceptable';
  if (status === 422) return 'execution';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'bad_data';
  return 'internal';
}

/**
 * Installs the error and not-found handlers: Prometheus' JSON error shape under /api/,
 * plain text elsewhere. 5xx errors are logged at error level, others at debug.
 */
export function registerErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    if (isApiPath(request.url)) {
      const body: ApiErrorBody = { status: 'error', errorType: 'not_found', error: `no API endpoint ${request.method} ${request.url.split('?')[0] ?? ''}` };
      return reply.code(404).send(body);
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
  });

  app.setErrorHandler((err: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply) => {
    let status = 500;
    let errorType: ApiErrorType = 'internal';
    if (err instanceof ApiError) {
      status = err.statusCode;
      errorType = err.errorType;
    } else if ('validation' in err && err.validation !== undefined) {
      status = 400;
      errorType = 'bad_data';
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600) {
      status = err.statusCode;
      errorType = errorTypeForStatus(status);
    }
    if (status >= 500) logger.error({ err, method: request.method, url: request.url }, 'request failed');
    else logger.debug({ err, method: request.method, url: request.url }, 'bad request');
    if (isApiPath(request.url)) {
      const body: ApiErrorBody = { status: 'error', errorType, error: err.message };
      return reply.code(status).send(body);
    }
    return reply.code(status).type('text/plain; charset=utf-8').send(`${err.message}\n`);
  });
}
