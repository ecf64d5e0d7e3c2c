import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat, exportSamples } from '../exchange/index.js';
import type { Queryable } from '../storage/index.js';
import { ApiError } from './api-error.js';
import { type QueryValue, parseSelectors, queryValues, timeParam } from './exchange-params.js';
import type { RoutePlugin } from './http-server.js';

export interface ExportRouteDeps {
  /** Where samples are read (the local storage). */
  readonly queryable: Queryable;
  /** Current time in ms, the default `end` (default Date.now). */
  readonly now?: () => number;
}

interface ExportQuery {
  'match[]'?: QueryValue;
  start?: QueryValue;
  end?: QueryValue;
  format?: QueryValue;
}

/**
 * `GET /api/v1/export?match[]=SELECTOR&start=&end=&format=json|csv|openmetrics`: the raw
 * samples of the series matching any `match[]` (at least one required), in [start, end]
 * (RFC 3339 or unix seconds; default: everything up to now), streamed in the format of
 * `vigie export` (default JSON lines as VictoriaMetrics' /api/v1/export; see
 * src/exchange exportSamples). Bad parameters answer 400 in Prometheus' JSON error shape; an
 * error after the first bytes were sent ends the response early (the body is then cut short).
 * A client that disconnects stops the export.
 */
export function exportRoute(deps: ExportRouteDeps): RoutePlugin {
  const now = deps.now ?? Date.now;
  return (app: FastifyInstance) => {
    app.get('/api/v1/export', async (request: FastifyRequest<{ Querystring: ExportQuery }>, reply) => {
      const q = request.query;
      const matches = queryValues(q['match[]']);
      if (matches.length === 0) throw new ApiError('bad_data', 'missing parameter "match[]": give at least one series selector, e.g. match[]={job="node"}');
      const selectors = parseSelectors(matches);
      const mint = timeParam('start', q.start, Number.MIN_SAFE_INTEGER);
      const maxt = timeParam('end', q.end, now());
      if (maxt < mint) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
      const f = q.format === undefined || q.format === '' ? 'json' : q.format;
      if (typeof f !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(f)) {
        throw new ApiError('bad_data', `invalid parameter "format": expected one of ${EXPORT_FORMATS.join(', ')}`);
      }
      const format = f as ExportFormat;
      const abort = new AbortController();
      request.raw.once('close', () => abort.abort(new Error('client went away')));
      const gen = exportSamples(deps.queryable, { selectors, mint, maxt, format, signal: abort.signal });
      // Read the first piece before answering, so that early failures still get a proper error.
      const first = await gen.next();
      async function* body(): AsyncGenerator<string> {
        if (first.done === true) return;
        yield first.value;
        yield* gen;
      }
      return reply.type(EXPORT_CONTENT_TYPES[format]).send(Readable.from(body()));
    });
  };
}
