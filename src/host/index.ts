// Monitoring of the machine Vigie runs on: the collectors of src/collect, run on a timer,
// their samples appended to storage with the labels a Prometheus scrape would give them.
export { HostMonitor, type HostMonitorOptions, type HostMonitorStats } from './service.js';
