// Dashboards in Grafana's JSON model: storage (state database), import/export in Grafana's file
// format, and the /api/v1/dashboards routes.
export { DashboardError, type DashboardErrorType, DashboardInvalidError, DashboardNotFoundError, DashboardTitleConflictError, DashboardVersionMismatchError } from './errors.js';
export { EXPORT_INPUT, SUPPORTED_PANEL_TYPES, VIGIE_DATASOURCE, exportDashboard, normalizeImport, slugOf, unwrapImport } from './grafana.js';
export { convertLegacyPanel } from './legacy.js';
export { DASHBOARD_BODY_LIMIT, type DashboardAuditFn, type DashboardRouteDeps, dashboardRoutes } from './routes.js';
export { type Dashboard, MAX_DEPTH, checkUid, parseDashboard } from './schema.js';
export { type DashboardMeta, DashboardStore, type ListQuery, type SaveRequest, type SaveResult, type StoredDashboard, newUid, openDashboardStore } from './store.js';

