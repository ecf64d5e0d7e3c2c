/**
 * The validated configuration. Durations are whole milliseconds, sizes whole bytes.
 * Everything is filled in: a section or key missing from the file gets its default.
 */
export interface VigieConfig {
  readonly global: GlobalConfig;
  readonly storage: StorageConfig;
  readonly host: HostConfig;
  readonly auth: AuthConfig;
  /** Accepted with loose validation; not implemented yet (the loader warns). */
  readonly scrape_configs: readonly Readonly<Record<string, unknown>>[];
  readonly rule_files: readonly string[];
  readonly remote_write: readonly Readonly<Record<string, unknown>>[];
  readonly alerting: Readonly<Record<string, unknown>>;
  readonly probe_modules: Readonly<Record<string, unknown>>;
  readonly probes: readonly Readonly<Record<string, unknown>>[];
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
}

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
}

export interface AuthConfig {
  /** What a request without credentials may do; default 'none'. */
  readonly anonymous: 'viewer' | 'none';
}

/** Sections accepted today but not acted on; the loader warns when one is present. */
export const UNIMPLEMENTED_SECTIONS = ['scrape_configs', 'rule_files', 'remote_write', 'alerting', 'probe_modules', 'probes'] as const;
