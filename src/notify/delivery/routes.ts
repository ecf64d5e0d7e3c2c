import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, type RoutePlugin } from '../../server/index.js';
import type { Attempt } from './store.js';
import { type Delivery, UnknownReceiverError } from './delivery.js';

const MAX_LIMIT = 5000;
const DEFAULT_LIMIT = 100;

/** `since`: RFC 3339 or Unix seconds (Prometheus API style), as ms. */
function parseSince(v: string): number {
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) throw new ApiError('bad_data', `invalid parameter "since": cannot parse ${JSON.stringify(v)} to a valid timestamp (RFC 3339 or Unix seconds)`);
  return t;
}

function oneParam(req: FastifyRequest, name: string): string | undefined {
  const q = req.query as Record<string, string | string[] | undefined>;
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function attemptJson(a: Attempt): Record<string, unknown> {
  return {
    id: a.id,
    time: new Date(a.at).toISOString(),
    receiver: a.receiver,
    integration: a.integration,
    groupKey: a.groupKey,
    status: a.status,
    outcome: a.outcome,
    attempt: a.attempt,
    ...(a.httpStatus !== undefined ? { httpStatus: a.httpStatus } : {}),
    ...(a.error !== undefined ? { error: a.error } : {}),
    durationSeconds: a.durationMs / 1000,
    alerts: a.alerts,
  };
}

/**
 * `GET /api/v1/notifications?receiver=&status=ok|failed&since=&limit=`: the attempt log, newest
 * first (limit default 100, at most 5000), and `POST /api/v1/receivers/:name/test`: sends a test
 * notification through every integration of the receiver and answers each one's result.
 * Both answer Prometheus' envelope `{status:"success", data}`.
 */
export function notificationRoutes(delivery: Delivery): RoutePlugin {
  return (app: FastifyInstance): void => {
    app.get('/api/v1/notifications', async (req) => {
      const receiver = oneParam(req, 'receiver');
      const status = oneParam(req, 'status');
      if (status !== undefined && status !== '' && status !== 'ok' && status !== 'failed') {
        throw new ApiError('bad_data', `invalid parameter "status": ${JSON.stringify(status)}, expected "ok" or "failed"`);
      }
      const sinceText = oneParam(req, 'since');
      const limitText = oneParam(req, 'limit');
      let limit = DEFAULT_LIMIT;
      if (limitText !== undefined && limitText !== '') {
        limit = Number(limitText);
        if (!Number.isInteger(limit) || limit <= 0) throw new ApiError('bad_data', `invalid parameter "limit": ${JSON.stringify(limitText)}, expected a positive integer`);
        limit = Math.min(limit, MAX_LIMIT);
      }
      const attempts = delivery.attempts({
        receiver: receiver === '' ? undefined : receiver,
        status: status === '' ? undefined : status,
        since: sinceText === undefined || sinceText === '' ? undefined : parseSince(sinceText),
        limit,
      });
      return Promise.resolve({ status: 'success', data: attempts.map(attemptJson) });
    });

    app.post('/api/v1/receivers/:name/test', async (req) => {
      const { name } = req.params as { name: string };
      try {
        const results = await delivery.sendTest(name);
        return { status: 'success', data: { receiver: name, results } };
      } catch (err) {
        if (err instanceof UnknownReceiverError) throw new ApiError('not_found', err.message, { cause: err });
        throw err;
      }
    });
  };
}
