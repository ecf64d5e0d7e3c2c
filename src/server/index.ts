export { type ApiErrorBody, type ApiErrorType, ApiError, isApiPath } from './api-error.js';
export type { Closeable, RunningServer, ServerOptions, StartServer } from './contract.js';
export type { HttpServerDeps } from './deps.js';
export { BASE_ROUTES, type HttpServer, type RoutePlugin, createHttpServer } from './http-server.js';
export { type ListenAddress, ListenAddressError, formatListenAddress, parseListenAddress } from './listen-address.js';
export { HTTP_DURATION_METRIC, createMetricsRegistry } from './metrics.js';
export { registerHomeRoute } from './home-route.js';
export { registerOpsRoutes } from './ops-routes.js';
export { registerMetricsRoute } from './metrics.js';
