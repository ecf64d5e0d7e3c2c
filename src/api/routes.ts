import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../common/index.js';
import type { Matcher } from '../model/index.js';
import {
  type Engine,
  PromQLParseError,
  QueryCanceledError,
  QueryEvalError,
  QueryTimeoutError,
  TooManySamplesError,
  exprToJson,
  formatExpr,
  parseExpr,
} from '../promql/index.js';
import { ApiError } from '../server/index.js';
import type { Queryable, Querier } from '../storage/index.js';
import { encodeResult, labelsObject } from './encode.js';
import { MAX_TIME, MIN_TIME, duration, matchers, one, params, time } from './params.js';

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;

export interface QueryApiDeps {
  readonly queryable: Queryable;
  readonly engine: Engine;
  readonly clock: Clock;
  /** Default and maximum query timeout in ms (`timeout` parameters may only shorten it). */
  readonly timeoutMs: number;
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Registers GET and POST (form) for a Prometheus API path. */
function getPost(app: FastifyInstance, url: string, handler: Handler): void {
  app.route({ method: ['GET', 'POST'], url, handler });
}

const success = (data: unknown, warnings: readonly string[] = [], infos: readonly string[] = []): unknown => ({
  status: 'success',
  data,
  ...(warnings.length > 0 ? { warnings } : {}),
  ...(infos.length > 0 ? { infos } : {}),
});

/** Maps engine and parser errors to Prometheus' error types and status codes. */
function apiError(e: unknown): Error {
  if (!(e instanceof Error)) return new ApiError('internal', String(e));
  if (e instanceof ApiError) return e;
  if (e instanceof PromQLParseError) return new ApiError('bad_data', e.message, { cause: e });
  if (e instanceof QueryTimeoutError) return new ApiError('timeout', e.message, { cause: e });
  if (e instanceof QueryCanceledError) return new ApiError('canceled', e.message, { cause: e });
  if (e instanceof TooManySamplesError || e instanceof QueryEvalError) return new ApiError('execution', e.message, { cause: e });
  return e;
}

/**
 * An AbortSignal that fires on timeout or when the client goes away. The response's
 * `close` is the signal: the request's own `close` fires as soon as a POSTed body has been
 * read (Node 20), which would cancel every form query.
 */
function querySignal(req: FastifyRequest, reply: FastifyReply, timeoutMs: number): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableEnded) ac.abort(new QueryCanceledError('query was canceled: the client went away'));
  };
  res.once('close', onClose);
  const timer = setTimeout(() => ac.abort(new QueryTimeoutError(`query timed out in expression evaluation`)), timeoutMs);
  return { signal: ac.signal, done: () => (clearTimeout(timer), res.off('close', onClose)) };
}

function queryTimeout(deps: QueryApiDeps, p: Map<string, string[]>): number {
  const t = duration(p, 'timeout');
  return t === undefined ? deps.timeoutMs : Math.min(t, deps.timeoutMs);
}

/**
 * Prometheus' API takes POSTed forms (Grafana sends range queries that way); `match[]`
 * may repeat, so values are kept as arrays when a key repeats.
 */
function acceptForms(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1 << 20 }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(String(body))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    done(null, out);
  });
}

/** /api/v1/query, /api/v1/query_range, /api/v1/format_query, /api/v1/parse_query. */
export function registerQueryRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  acceptForms(app);
  getPost(app, '/api/v1/query', async (req, reply) => {
    const p = params(req);
    const q = one(p, 'query');
    if (q === undefined || q === '') throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
    const t = time(p, 'time', deps.clock.now());
    const { signal, done } = querySignal(req, reply, queryTimeout(deps, p));
    try {
      const r = await deps.engine.instantQuery(deps.queryable, q, t, signal);
      return success(encodeResult(r), r.warnings, r.infos);
    } catch (e) {
      throw apiError(e);
    } finally {
      done();
    }
  });

  getPost(app, '/api/v1/query_range', async (req, reply) => {
    const p = params(req);
    const q = one(p, 'query');
    if (q === undefined || q === '') throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
    if (one(p, 'start') === undefined) throw new ApiError('bad_data', 'invalid parameter "start": missing');
    if (one(p, 'end') === undefined) throw new ApiError('bad_data', 'invalid parameter "end": missing');
    const start = time(p, 'start', 0);
    const end = time(p, 'end', 0);
    if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
    const step = duration(p, 'step');
    if (step === undefined) throw new ApiError('bad_data', 'invalid parameter "step": missing');
    if ((end - start) / step > MAX_POINTS_PER_SERIES) {
      throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    const { signal, done } = querySignal(req, reply, queryTimeout(deps, p));
    try {
      const r = await deps.engine.rangeQuery(deps.queryable, q, start, end, step, signal);
      return success(encodeResult(r), r.warnings, r.infos);
    } catch (e) {
      throw apiError(e);
    } finally {
      done();
    }
  });

  const parsed = (req: FastifyRequest, render: (q: string) => unknown): Promise<unknown> => {
    try {
      return Promise.resolve(success(render(one(params(req), 'query') ?? '')));
    } catch (e) {
      return Promise.reject(apiError(e));
    }
  };
  getPost(app, '/api/v1/format_query', (req) => parsed(req, (q) => formatExpr(parseExpr(q), true)));
  getPost(app, '/api/v1/parse_query', (req) => parsed(req, (q) => exprToJson(parseExpr(q))));
}

/** Opens a querier over the request's [start, end] (defaults: all time); the caller closes it. */
function querierFor(deps: QueryApiDeps, p: Map<string, string[]>): Querier {
  return deps.queryable.querier(time(p, 'start', MIN_TIME), time(p, 'end', MAX_TIME));
}

/** /api/v1/series, /api/v1/labels, /api/v1/label/:name/values, /api/v1/metadata, /api/v1/query_exemplars. */
export function registerMetaRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  acceptForms(app);
  getPost(app, '/api/v1/series', (req) => Promise.resolve().then(async () => {
    const p = params(req);
    const sets = matchers(p, true);
    const limit = Number(one(p, 'limit') ?? 0);
    // A remote store fetches first (Queryable.prepare), then answers synchronously.
    const src = deps.queryable.prepare
      ? await deps.queryable.prepare(sets.map((ms) => ({ matchers: ms, mint: time(p, 'start', MIN_TIME), maxt: time(p, 'end', MAX_TIME), labelsOnly: true })))
      : deps.queryable;
    const q = querierFor({ ...deps, queryable: src }, p);
    try {
      const seen = new Set<string>();
      const out: Record<string, string>[] = [];
      for (const ms of sets) {
        const set = q.select(ms, { labelsOnly: true });
        while (set.next()) {
          const o = labelsObject(set.at().labels);
          const key = JSON.stringify(o);
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(o);
        }
        const e = set.err();
        if (e) throw new ApiError('execution', e.message, { cause: e });
      }
      const warnings = limit > 0 && out.length > limit ? ['results truncated due to limit'] : [];
      return success(limit > 0 ? out.slice(0, limit) : out, warnings);
    } finally {
      q.close();
    }
  }));

  getPost(app, '/api/v1/labels', async (req) => {
    const p = params(req);
    const q = querierFor(deps, p);
    try {
      const names = await unionOver(matchers(p, false), (ms) => q.labelNames(ms));
      return success(limitList(names, p));
    } finally {
      q.close();
    }
  });

  app.get<{ Params: { name: string } }>('/api/v1/label/:name/values', async (req) => {
    const p = params(req);
    const name = req.params.name;
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new ApiError('bad_data', `invalid label name: "${name}"`);
    const q = querierFor(deps, p);
    try {
      const values = await unionOver(matchers(p, false), (ms) => q.labelValues(name, ms));
      return success(limitList(values, p));
    } finally {
      q.close();
    }
  });

  // Metric metadata (HELP/TYPE) is not stored yet: an empty answer is Prometheus' shape for "none known".
  getPost(app, '/api/v1/metadata', () => Promise.resolve(success({})));
  getPost(app, '/api/v1/targets/metadata', () => Promise.resolve(success([])));
  getPost(app, '/api/v1/query_exemplars', () => Promise.resolve(success([])));
}

/** Sorted union of per-selector results (all series when there is no selector). */
async function unionOver(sets: Matcher[][], get: (ms: Matcher[]) => Promise<string[]>): Promise<string[]> {
  if (sets.length === 0) return get([]);
  const all = new Set<string>();
  for (const ms of sets) for (const s of await get(ms)) all.add(s);
  return [...all].sort();
}

function limitList(list: string[], p: Map<string, string[]>): string[] {
  const limit = Number(one(p, 'limit') ?? 0);
  return limit > 0 ? list.slice(0, limit) : list;
}

