export { type AlertmanagerApiDeps, alertmanagerApiRoutes, parsePostableAlerts } from './v2.js';
export { alertingConfigText } from './config-text.js';
