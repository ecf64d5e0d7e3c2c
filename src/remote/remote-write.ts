import type { Logger } from '../common/index.js';
import type { RemoteWriteConfig } from '../config/index.js';
import type { RemoteSample } from './encode.js';
import { RemoteWriter, type RemoteWriteStats } from './writer.js';

export interface RemoteWriteOptions {
  /** The `remote_write` section. */
  readonly configs: readonly RemoteWriteConfig[];
  /** `global.external_labels`. */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** Vigie's data directory; queues live in `<dataDir>/remote_write/`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** e.g. "Vigie/0.1.0". */
  readonly userAgent: string;
}

/**
 * All remote-write destinations of one config. Build with `createRemoteWrite`, call
 * `enqueue` after each successful local commit, `stats()` for metrics, `close()` at
 * shutdown (after the producers stopped). On reload: close this one, then create a new one
 * (queues are kept on disk by name, so nothing queued is lost).
 */
export interface RemoteWrite {
  readonly name: 'remote_write';
  /** Queues the samples for every destination. Synchronous; durable once it returns. */
  enqueue(samples: readonly RemoteSample[]): void;
  /** One entry per destination, in config order. */
  stats(): RemoteWriteStats[];
  close(): Promise<void>;
}

/** Opens every destination's queue and starts sending. Throws if a queue directory cannot be opened. */
export function createRemoteWrite(o: RemoteWriteOptions): RemoteWrite {
  const writers: RemoteWriter[] = [];
  try {
    for (const config of o.configs) {
      writers.push(new RemoteWriter({ config, externalLabels: o.externalLabels, dataDir: o.dataDir, logger: o.logger, userAgent: o.userAgent }));
    }
  } catch (err) {
    for (const w of writers) void w.stop();
    throw err;
  }
  for (const w of writers) w.start();
  let closed: Promise<void> | undefined;
  return {
    name: 'remote_write',
    enqueue(samples: readonly RemoteSample[]): void {
      if (samples.length === 0) return;
      for (const w of writers) {
        try {
          w.enqueue(samples);
        } catch (err) {
          o.logger.error({ err, remote: w.name, samples: samples.length }, 'remote write: could not queue samples');
        }
      }
    },
    stats: () => writers.map((w) => w.stats()),
    close(): Promise<void> {
      closed ??= Promise.all(writers.map((w) => w.stop())).then(() => undefined);
      return closed;
    },
  };
}
