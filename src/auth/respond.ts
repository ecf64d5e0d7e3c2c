import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath } from '../server/index.js';

/** errorType values of auth answers, next to Prometheus' own (bad_data, not_found...). */
export type AuthErrorType = 'unauthorized' | 'forbidden' | 'too_many_requests' | 'conflict' | 'bad_data' | 'not_found';

/**
 * Answers an error: Prometheus' JSON envelope `{status:"error", errorType, error}` under /api/,
 * plain text elsewhere. Returns the reply (for `return` from hooks and handlers).
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, errorType: AuthErrorType, message: string): FastifyReply {
  reply.code(status);
  if (isApiPath(request.url)) return reply.send({ status: 'error', errorType, error: message });
  return reply.type('text/plain; charset=utf-8').send(`${message}\n`);
}

/** 401 with the challenge; `invalid` when credentials were given but are not valid. */
export function sendUnauthorized(request: FastifyRequest, reply: FastifyReply, message: string, invalid: boolean): FastifyReply {
  reply.header('WWW-Authenticate', invalid ? 'Bearer realm="vigie", error="invalid_token"' : 'Bearer realm="vigie"');
  return sendError(request, reply, 401, 'unauthorized', message);
}
