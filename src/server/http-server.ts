import type { AddressInfo } from 'node:net';
import { fastify, type FastifyInstance } from 'fastify';
import { registerErrorHandlers } from './api-error.js';
import type { HttpServerDeps } from './deps.js';
import { registerHomeRoute } from './home-route.js';
import type { ListenAddress } from './listen-address.js';
import { registerMetricsRoute, registerRequestMetrics } from './metrics.js';
import { registerOpsRoutes } from './ops-routes.js';

/** A route plugin: registers a few routes on the app. One file each (ops, metrics, api/v1/query, ...). */
export type RoutePlugin = (app: FastifyInstance, deps: HttpServerDeps) => void;

/** The routes every Vigie server has; later plugins are passed in `extraRoutes`. */
export const BASE_ROUTES: readonly RoutePlugin[] = [registerOpsRoutes, registerMetricsRoute, registerHomeRoute];

export interface HttpServer {
  /** The fastify app, for `app.inject()` in tests and for adding routes before listen(). */
  readonly app: FastifyInstance;
  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  listen(host: string, port: number): Promise<ListenAddress>;
  /** Stops accepting connections and waits for requests in flight. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the HTTP app: request metrics and debug logging, error handlers (Prometheus' JSON
 * shape under /api/), then BASE_ROUTES and `extraRoutes` in order. Does not listen yet.
 */
export function createHttpServer(deps: HttpServerDeps, extraRoutes: readonly RoutePlugin[] = []): HttpServer {
  const app = fastify({
    logger: false,
    // Keep-alive connections must not hold up shutdown.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  registerRequestMetrics(app, deps);
  registerErrorHandlers(app, deps.logger);
  for (const plugin of [...BASE_ROUTES, ...extraRoutes]) plugin(app, deps);

  let closed: Promise<void> | undefined;
  return {
    app,
    async listen(host: string, port: number): Promise<ListenAddress> {
      await app.listen({ host, port });
      const addr = app.server.address() as AddressInfo | null;
      return { host, port: addr?.port ?? port };
    },
    close(): Promise<void> {
      closed ??= app.close();
      return closed;
    },
  };
}
