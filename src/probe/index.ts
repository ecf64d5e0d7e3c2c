export type { ProbeMetric, ProbeOptions, ProbeResult } from './types.js';
export {
  type DnsProbeConfig,
  type GrpcProbeConfig,
  type HttpProbeConfig,
  type IcmpProbeConfig,
  PROBER_NAMES,
  type ProbeModule,
  type ProberName,
  type TcpProbeConfig,
  type UnixProbeConfig,
  type WebsocketProbeConfig,
  parseProbeModule,
  probeModulesSchema,
} from './config.js';
export { DEFAULT_PROBE_MODULES } from './defaults.js';
export { type RunProbeOptions, effectiveTimeoutMs, runProbe } from './run.js';
export { formatGoFloat, renderProbeExposition } from './exposition.js';
