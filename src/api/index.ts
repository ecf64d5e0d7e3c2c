// The Prometheus HTTP API (query, metadata, status) over any Queryable, so that Grafana,
// scripts and Prometheus' own UI components work against Vigie unchanged.
export { type QueryApiDeps, registerMetaRoutes, registerQueryRoutes } from './routes.js';
export { type StatusDeps, redactSecrets, registerStatusRoutes } from './status.js';
export { formatValue } from './encode.js';
export { type TargetsDeps, registerTargetsRoute } from './targets.js';
