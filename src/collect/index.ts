// The built-in host collector (node_exporter's role): reads /proc and /sys, emits node_exporter's
// metric names. Knows nothing of storage: callers append the samples where they want.
export { CollectError, type Collector, type Emit, type MetricSample } from './types.js';
export { type CollectErrorHandler, collectAll } from './run.js';
export { formatValue, renderExposition } from './exposition.js';
export {
  HOST_COLLECTOR_NAMES,
  type HostCollectorName,
  type HostCollectorOptions,
  HostOptionsError,
  hostCollectors,
  hostOptionsFromConfig,
} from './host.js';
export { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE } from './filesystem.js';
export { DEFAULT_DISK_DEVICE_EXCLUDE } from './diskstats.js';
