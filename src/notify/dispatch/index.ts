export { compareBytes, fingerprint, formatLabelSet } from './fingerprint.js';
export { type AlertGroupView, AlertRouter, type AlertRouterOptions, type AlertStatusView, type StoredAlert } from './router.js';
