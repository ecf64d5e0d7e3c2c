import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FEDERATE_CONTENT_TYPES, federate, federateFormat } from '../exchange/index.js';
import { labelsFromRecord } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import { type QueryValue, parseSelectors, queryValues } from './exchange-params.js';
import type { RoutePlugin } from './http-server.js';

export interface FederateRouteDeps {
  readonly queryable: Queryable;
  /** Labels added to every federated series that lacks them (default: the config's global.external_labels, read per request). */
  readonly externalLabels?: () => Readonly<Record<string, string>>;
  /** Current time in ms (default Date.now). */
  readonly now?: () => number;
  /** Default 5 min (Prometheus' lookback delta). */
  readonly lookbackMs?: number;
}

/**
 * `GET /federate?match[]=SELECTOR...`, as Prometheus serves it: the newest sample (within the
 * lookback) of every series matching any `match[]`, in the text format 0.0.4 with a
 * `# TYPE name untyped` line per metric and external labels added; OpenMetrics when the
 * `Accept` header prefers it (see exchange federateFormat). No `match[]` answers an empty 200
 * (as Prometheus); a bad selector answers 400 with a plain-text reason.
 */
export function federateRoute(deps: FederateRouteDeps): RoutePlugin {
  const now = deps.now ?? Date.now;
  return (app: FastifyInstance, httpDeps) => {
    const external = deps.externalLabels ?? (() => httpDeps.config().global.external_labels);
    app.get('/federate', async (request: FastifyRequest<{ Querystring: { 'match[]'?: QueryValue } }>, reply) => {
      const selectors = parseSelectors(queryValues(request.query['match[]']));
      const format = federateFormat(request.headers.accept);
      const text = selectors.length === 0 && format === 'text'
        ? ''
        : await federate(deps.queryable, { selectors, now: now(), externalLabels: labelsFromRecord(external()), format, ...(deps.lookbackMs !== undefined ? { lookbackMs: deps.lookbackMs } : {}) });
      return reply.type(FEDERATE_CONTENT_TYPES[format]).send(text);
    });
  };
}
