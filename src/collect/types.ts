import { VigieError } from '../common/index.js';

/**
 * One value of one series, as a collector produces it. `labels` excludes the metric
 * name and may be in any order; an empty label value means "label absent" (Prometheus
 * semantics). `help` and `type` describe the metric family and should be the same on
 * every sample of one `name`; the first one seen wins when rendering.
 */
export interface MetricSample {
  readonly name: string;
  readonly labels: readonly [string, string][];
  readonly value: number;
  readonly help?: string;
  readonly type?: 'counter' | 'gauge' | 'untyped';
}

/** Receives the samples of one collection, in any order. */
export type Emit = (s: MetricSample) => void;

/**
 * A source of metrics (one file of /proc, one syscall...). `collect` emits what it can read;
 * it throws (a `CollectError`, with the cause) when something went wrong, possibly after
 * emitting part of its samples, as node_exporter does: `collectAll` keeps the samples and
 * reports the failure as `node_scrape_collector_success{collector=name} 0`. It must stop
 * promptly when `signal` aborts. A collector never touches storage.
 */
export interface Collector {
  /** node_exporter's collector name (`cpu`, `meminfo`...), used in `node_scrape_collector_*{collector}`. */
  readonly name: string;
  collect(emit: Emit, signal: AbortSignal): Promise<void>;
}

/** A collector could not read or understand its source; names the file when there is one. */
export class CollectError extends VigieError {
  override name = 'CollectError';
  constructor(
    readonly collector: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${collector}: ${message}`, options);
  }
}
