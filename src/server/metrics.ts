import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpServerDeps } from './deps.js';

/**
 * A fresh registry for Vigie's own metrics, with the process and Node.js default metrics
 * and `vigie_build_info{version}`. One per process (default metrics sample process-wide state).
 */
export function createMetricsRegistry(version: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'vigie_build_info',
    help: 'A metric with a constant 1 value labelled by the version Vigie was built from.',
    labelNames: ['version', 'nodejs'],
    registers: [registry],
  });
  info.set({ version, nodejs: process.versions.node }, 1);
  return registry;
}

export const HTTP_DURATION_METRIC = 'http_request_duration_seconds';

/** The request-duration histogram on `registry` (created on first call, then reused). */
function durationHistogram(registry: Registry): Histogram<'method' | 'route' | 'code'> {
  const existing = registry.getSingleMetric(HTTP_DURATION_METRIC);
  if (existing instanceof Histogram) return existing;
  return new Histogram({
    name: HTTP_DURATION_METRIC,
    help: 'Time spent answering HTTP requests, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'code'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10, 30, 60],
    registers: [registry],
  });
}

/**
 * Times every request into `http_request_duration_seconds` (route = the route pattern, or
 * "unmatched" for 404s, so label values stay bounded) and logs it at debug level.
 */
export function registerRequestMetrics(app: FastifyInstance, deps: HttpServerDeps): void {
  const hist = durationHistogram(deps.registry);
  const log = deps.logger;
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    hist.observe({ method: request.method, route, code: String(reply.statusCode) }, seconds);
    if (log.isLevelEnabled('debug')) {
      log.debug({ method: request.method, url: request.url, code: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'http request');
    }
    return Promise.resolve();
  });
}

/** GET /metrics: the registry in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, deps: HttpServerDeps): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(text);
  });
}
