// Probe scheduling, uptime and incidents: runs the probers of src/probe on their jobs'
// intervals, stores their results as a Prometheus scraping blackbox_exporter would, tracks
// each target's status and incident history (state database), and serves /probe and the
// /api/v1/probes JSON API.
export type { ProbeJobConfig } from './scheduler.js';
export type { InstantQueryFunc } from './uptime.js';
export { UptimeService, type UptimeServiceOptions } from './service.js';
