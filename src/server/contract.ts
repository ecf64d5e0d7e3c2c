import type { Logger } from '../common/index.js';
import type { VigieConfig } from '../config/index.js';
import type { ListenAddress } from './listen-address.js';

/**
 * What `vigie server` hands to the composition root (src/main.ts `startServer`).
 * The CLI has already loaded and validated the config; the data directory may not exist yet.
 */
export interface ServerOptions {
  /** The config file given with --config, or undefined when running on defaults (reload re-reads it). */
  readonly configFile: string | undefined;
  /** The validated config read at start. */
  readonly config: VigieConfig;
  /** --data-dir, as given (relative to the working directory). */
  readonly dataDir: string;
  /** --listen; port 0 means "any free port" (the real one is in RunningServer.address). */
  readonly listen: ListenAddress;
  /** The root logger; give components a child with their name. */
  readonly logger: Logger;
  /** Vigie's version, e.g. "0.1.0". */
  readonly version: string;
}

/** Something that holds resources until closed. close() is called once and must not throw twice. */
export interface Closeable {
  /** For logs: "http", "storage", ... */
  readonly name: string;
  close(): Promise<void>;
}

/** What the composition root returns once everything is started and listening. */
export interface RunningServer {
  /** Where the HTTP server listens (the real port when 0 was asked). */
  readonly address: ListenAddress;
  /**
   * Re-reads the config file and applies it (SIGHUP and POST /-/reload).
   * Rejects with a readable reason when the new config is refused; the old one then stays in force.
   */
  reload(): Promise<void>;
  /** Closed one after another, in this order, on shutdown: the HTTP server first, the storage last. */
  readonly closeables: readonly Closeable[];
}

/** The composition root's entry point, as the CLI calls it. Rejects when the start fails (after cleaning up). */
export type StartServer = (options: ServerOptions) => Promise<RunningServer>;
