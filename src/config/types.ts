import type { RelabelConfig } from '../relabel/index.js';
import type { AlertingConfig } from '../notify/index.js';
import type { ProbeModule } from '../probe/index.js';

/**
 * The validated configuration. Durations are whole milliseconds, sizes whole bytes.
 * Everything is filled in: a section or key missing from the file gets its default.
 */
export interface VigieConfig {
  readonly global: GlobalConfig;
  readonly storage: StorageConfig;
  readonly host: HostConfig;
  readonly auth: AuthConfig;
  /** Prometheus' scrape_configs; job names are unique. */
  readonly scrape_configs: readonly ScrapeConfig[];
  readonly rule_files: readonly string[];
  /** Where PromQL and the query API read from, and their limits. */
  readonly query: QueryConfig;
  /** Prometheus' remote_write; names are unique when given. */
  readonly remote_write: readonly RemoteWriteConfig[];
  /** Alertmanager-shaped routing, receivers, silences' peers; see src/notify. */
  readonly alerting: AlertingConfig;
  /** blackbox_exporter's `modules:` map, validated with every default filled in (durations in ms). */
  readonly probe_modules: Readonly<Record<string, ProbeModule>>;
  /** Probe jobs; job names unique among probes and scrape_configs. */
  readonly probes: readonly ProbeJobConfig[];
}

/** One `probes:` job: each target is probed with `module` every `interval`. */
export interface ProbeJobConfig {
  readonly job_name: string;
  /** Name of a module of probe_modules (or a built-in one). */
  readonly module: string;
  readonly targets: readonly string[];
  /** ms; default 30s. */
  readonly interval: number;
  /** ms; 0 = the module's timeout, else derived from the interval. */
  readonly timeout: number;
  /** ms; a successful probe slower than this is "slow"; 0 = never slow. */
  readonly slow_threshold: number;
  /** Added to every series of the job. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface GlobalConfig {
  /** ms; default 1m. */
  readonly scrape_interval: number;
  /** ms; default 10s; never above scrape_interval. */
  readonly scrape_timeout: number;
  /** ms; default 1m. */
  readonly evaluation_interval: number;
  /** Labels added to series and alerts leaving Vigie; names match [a-zA-Z_][a-zA-Z0-9_]*. */
  readonly external_labels: Readonly<Record<string, string>>;
  /** Defaults of the scrape_configs keys of the same names (0 = no limit); a job's own non-zero value wins. */
  readonly sample_limit: number;
  readonly target_limit: number;
  readonly label_limit: number;
  readonly label_name_length_limit: number;
  readonly label_value_length_limit: number;
  /** bytes */
  readonly body_size_limit: number;
  readonly keep_dropped_targets: number;
  /** Default scrape_protocols of the jobs; undefined = Prometheus' default. */
  readonly scrape_protocols?: readonly ScrapeProtocol[] | undefined;
}

/** Prometheus' exposition protocols (scrape_protocols, fallback_scrape_protocol). */
export type ScrapeProtocol = 'PrometheusProto' | 'OpenMetricsText0.0.1' | 'OpenMetricsText1.0.0' | 'PrometheusText0.0.4' | 'PrometheusText1.0.0';

export interface StorageConfig {
  readonly retention: {
    /** ms; default 15d; 0 = keep forever (unless size says otherwise). */
    readonly time: number;
    /** bytes; default 0 = unlimited. */
    readonly size: number;
  };
  readonly wal: {
    /** bytes; default 64MiB. */
    readonly segment_size: number;
    /** ms between fsyncs of the WAL; default 1s; 0 = fsync on every commit. */
    readonly sync_interval: number;
  };
  /** ms; default 0 = out-of-order samples are rejected. */
  readonly out_of_order_time_window: number;
}

export interface HostConfig {
  /** Collect this machine's metrics (the node_exporter part); default true. */
  readonly enabled: boolean;
  /** ms between host collections; undefined (the default) means global.scrape_interval. */
  readonly interval?: number | undefined;
  /** Allow-list of host collector names (cpu, meminfo, filesystem...); undefined = all. */
  readonly collectors?: readonly string[] | undefined;
  readonly filesystem: {
    /** Regexp of mount points to skip; default node_exporter's `^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)`. */
    readonly mount_points_exclude: string;
    /** Regexp of filesystem types to skip; default node_exporter's list of pseudo filesystems. */
    readonly fs_types_exclude: string;
  };
}

export interface AuthConfig {
  /** What a request without credentials may do; default 'none' (401). 'viewer': read-only guest. */
  readonly anonymous: 'viewer' | 'none';
  /** How long a login session lasts, in ms, from the login (default 7 days). */
  readonly session_ttl: number;
  /** Login throttling, per remote address and per user name. */
  readonly login_rate_limit: LoginRateLimitConfig;
}

/**
 * After `failures` failed logins within `window` (ms), further attempts are refused with 429
 * for `lockout` ms, doubled at each further failure (capped at `window`).
 */
export interface LoginRateLimitConfig {
  readonly failures: number;
  readonly window: number;
  readonly lockout: number;
}

/**
 * One `scrape_configs` entry, in Prometheus' shape. Durations in ms, sizes in bytes;
 * limits are 0 for "no limit". Interval, timeout, limits and scrape_protocols are resolved
 * against `global` (timeout never above the interval). The deprecated bearer_token(_file)
 * come out as `authorization` (type Bearer), as Prometheus reads them.
 */
export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval: number;
  readonly scrape_timeout: number;
  /** Default '/metrics'. */
  readonly metrics_path: string;
  readonly scheme: 'http' | 'https';
  /** URL query parameters; each may repeat. */
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly honor_labels: boolean;
  /** Default true. */
  readonly honor_timestamps: boolean;
  readonly static_configs: readonly StaticConfig[];
  readonly file_sd_configs: readonly FileSDConfig[];
  readonly http_sd_configs: readonly HttpSDConfig[];
  readonly dns_sd_configs: readonly DnsSDConfig[];
  readonly relabel_configs: readonly RelabelConfig[];
  readonly metric_relabel_configs: readonly RelabelConfig[];
  readonly basic_auth?: BasicAuthConfig | undefined;
  readonly authorization?: AuthorizationConfig | undefined;
  readonly tls_config: TLSConfig;
  readonly sample_limit: number;
  readonly label_limit: number;
  readonly label_name_length_limit: number;
  readonly label_value_length_limit: number;
  readonly body_size_limit: number;
  /** More active targets than this (after relabeling) fail every target of the job; 0 = no limit. */
  readonly target_limit: number;
  /** Targets dropped by relabeling kept for /api/v1/targets; 0 = all. */
  readonly keep_dropped_targets: number;
  /** Builds the Accept header, most wanted first; PrometheusProto is left out of it (no protobuf parser). */
  readonly scrape_protocols: readonly ScrapeProtocol[];
  /** The format of a response whose Content-Type is missing, unparsable or unknown; never PrometheusProto. */
  readonly fallback_scrape_protocol?: ScrapeProtocol | undefined;
  /** Staleness markers also for series with explicit timestamps; default false. */
  readonly track_timestamps_staleness: boolean;
  /** Ask for gzip (default true); false sends `Accept-Encoding: identity`. */
  readonly enable_compression: boolean;
  /** Follow 3xx redirects as Go's client does (up to 10); default true. */
  readonly follow_redirects: boolean;
  /** Accepted for compatibility; Vigie scrapes over HTTP/1.1. */
  readonly enable_http2: boolean;
}

/** A target group: `host:port` addresses and labels shared by them. */
export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface FileSDConfig {
  /** Paths ending in .json, .yml or .yaml; the last path element may hold a glob (`*`, `?`, `[...]`). */
  readonly files: readonly string[];
  /** ms; default 5m. Files are also watched for changes. */
  readonly refresh_interval: number;
}

/** Prometheus' http_sd_config: target groups as JSON from a URL (`__meta_url` on each). */
export interface HttpSDConfig {
  /** http:// or https:// URL, as written (also the `__meta_url` value). */
  readonly url: string;
  /** ms between GETs, and the timeout of each; default 60s. */
  readonly refresh_interval: number;
  /** At most one of basic_auth and authorization. */
  readonly basic_auth?: BasicAuthConfig | undefined;
  readonly authorization?: AuthorizationConfig | undefined;
  readonly tls_config: TLSConfig;
}

/** Prometheus' dns_sd_config: targets from DNS records of `names`. */
export interface DnsSDConfig {
  /** At least one. */
  readonly names: readonly string[];
  /** Upper-cased; default SRV. */
  readonly type: 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';
  /** Port of the targets for A, AAAA, MX and NS (required for those); ignored for SRV. */
  readonly port: number;
  /** ms between lookups; default 30s. */
  readonly refresh_interval: number;
}

export interface BasicAuthConfig {
  readonly username: string;
  readonly password?: string | undefined;
  readonly password_file?: string | undefined;
}

export interface AuthorizationConfig {
  /** Default 'Bearer'. */
  readonly type: string;
  readonly credentials?: string | undefined;
  readonly credentials_file?: string | undefined;
}

/** prometheus/common's tls_config: at most one of `ca`/`ca_file` (and of cert, key); inline values are PEM text. */
export interface TLSConfig {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly ca_file?: string | undefined;
  readonly cert_file?: string | undefined;
  readonly key_file?: string | undefined;
  readonly server_name?: string | undefined;
  readonly insecure_skip_verify: boolean;
  /** Undefined: TLS 1.2 minimum and TLS 1.3 maximum (Go's and Node's defaults). */
  readonly min_version?: TLSVersion | undefined;
  readonly max_version?: TLSVersion | undefined;
}

export type TLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

/**
 * One `remote_write` entry, in Prometheus' shape. Durations in ms. At most one of
 * basic_auth, authorization and bearer_token(_file) (the deprecated form of authorization).
 */
export interface RemoteWriteConfig {
  /** http:// or https:// endpoint. */
  readonly url: string;
  /** Names the queue (its directory and logs); default: a hash of the url. */
  readonly name?: string | undefined;
  /** ms per request; default 30s. */
  readonly remote_timeout: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly basic_auth?: BasicAuthConfig | undefined;
  readonly authorization?: AuthorizationConfig | undefined;
  readonly bearer_token?: string | undefined;
  readonly bearer_token_file?: string | undefined;
  readonly tls_config: TLSConfig;
  readonly write_relabel_configs: readonly RelabelConfig[];
  readonly queue_config: RemoteWriteQueueConfig;
  /** Accepted for compatibility; metadata is not sent. */
  readonly metadata_config: Readonly<Record<string, unknown>>;
  /** Accepted for compatibility (no effect): Vigie sends float samples only, over HTTP/1.1, and a 3xx fails the send. */
  readonly send_exemplars: boolean;
  readonly send_native_histograms: boolean;
  readonly follow_redirects: boolean;
  readonly enable_http2: boolean;
}

export interface RemoteWriteQueueConfig {
  /** Samples buffered in memory before a batch is cut regardless of size/deadline; default 10000. */
  readonly capacity: number;
  /** Accepted for compatibility: Vigie sends one request at a time per remote, in order. Default 50. */
  readonly max_shards: number;
  readonly min_shards: number;
  /** Samples per request; default 2000. */
  readonly max_samples_per_send: number;
  /** ms a partial batch waits before it is sent; default 5s. */
  readonly batch_send_deadline: number;
  /** ms; first retry delay, doubled each retry up to max_backoff; defaults 30ms and 5s. */
  readonly min_backoff: number;
  readonly max_backoff: number;
  /** Retry on 429 like a 5xx (default true); when false a 429 drops the batch. */
  readonly retry_on_http_429: boolean;
  /** ms; samples older than this when queued or at a send attempt are dropped (samplesDropped); 0 (default) = none. */
  readonly sample_age_limit: number;
  /** Vigie's own: bytes the on-disk queue may hold; oldest batches are dropped beyond. Default 1GiB. */
  readonly max_bytes: number;
}

/**
 * The `query` section. Durations in ms. With `remote_url`, PromQL and the query API read from
 * that Prometheus-compatible API (VictoriaMetrics, cluster vmselect `.../select/0/prometheus`)
 * instead of the local TSDB; writes stay local (and go out through remote_write).
 */
export interface QueryConfig {
  /** Base URL of the remote API, without `/api/v1`; undefined (default) = read the local TSDB. */
  readonly remote_url?: string | undefined;
  /** ms per remote request; default 30s. */
  readonly remote_timeout: number;
  /** Extra headers sent with each remote request (e.g. a tenant header). */
  readonly headers: Readonly<Record<string, string>>;
  /** At most one of basic_auth and authorization. */
  readonly basic_auth?: BasicAuthConfig | undefined;
  readonly authorization?: AuthorizationConfig | undefined;
  /** ms an instant selector looks back for a sample; default 5m. */
  readonly lookback_delta: number;
  /** ms per query; default 2m (Prometheus' --query.timeout). */
  readonly timeout: number;
  /** Points one query may hold in memory; default 50,000,000 (Prometheus' --query.max-samples). */
  readonly max_samples: number;
}

/** Sections accepted today but not acted on; the loader warns when one is present. */
export const UNIMPLEMENTED_SECTIONS: readonly string[] = [];
