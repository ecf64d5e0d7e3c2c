export { ByteSizeError, formatByteSize, parseByteSize } from './size.js';
export { DurationError, formatDuration, parseDuration } from './duration.js';
export {
  type ConfigIssue,
  ConfigError,
  type LoadedConfig,
  MAX_ALIAS_COUNT,
  MAX_CONFIG_BYTES,
  formatIssue,
  loadConfig,
  parseConfig,
} from './load.js';
export { type SourcePos, positionOf, toPos } from './source-map.js';
export {
  type AuthConfig,
  type AuthorizationConfig,
  type BasicAuthConfig,
  type DnsSDConfig,
  type FileSDConfig,
  type HttpSDConfig,
  type ScrapeConfig,
  type ScrapeProtocol,
  type TLSVersion,
  type StaticConfig,
  type TLSConfig,
  type GlobalConfig,
  type ProbeJobConfig,
  type HostConfig,
  type LoginRateLimitConfig,
  type QueryConfig,
  type RemoteWriteConfig,
  type RemoteWriteQueueConfig,
  type StorageConfig,
  UNIMPLEMENTED_SECTIONS,
  type VigieConfig,
} from './types.js';
export { type NodeTlsOptions, TlsSettingsError, nodeTlsOptions, tlsFilePaths, tlsFilesStamp } from './tls.js';
