import type { Registry } from 'prom-client';
import type { Logger } from '../common/index.js';
import type { VigieConfig } from '../config/index.js';

/** What the HTTP app needs from the rest of Vigie; route plugins receive the same object. */
export interface HttpServerDeps {
  readonly logger: Logger;
  /** Vigie's own metrics, served on /metrics. Never prom-client's global registry. */
  readonly registry: Registry;
  /** True once storage is open and everything started; /-/ready answers 503 before. */
  readonly isReady: () => boolean;
  /** Same as SIGHUP: re-read and apply the config; rejects with the reason when refused. */
  readonly reload: () => Promise<void>;
  /** The config in force now (changes after a reload). */
  readonly config: () => VigieConfig;
  /** Vigie's version, shown on the home page. */
  readonly version: string;
}
