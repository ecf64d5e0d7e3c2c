import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { AbortedError } from '../common/index.js';
import { type Collector, type MetricSample } from './types.js';

/** Called once per collector that failed, for logging; `err` is what it threw. */
export type CollectErrorHandler = (collector: string, err: unknown) => void;

/**
 * Runs every collector concurrently and returns their samples (in `collectors` order, each
 * collector's in emission order), followed by node_exporter's
 * `node_scrape_collector_success{collector}` (1 or 0) and
 * `node_scrape_collector_duration_seconds{collector}`. Never rejects: a collector that throws,
 * or is still running when `signal` aborts, counts as failed and keeps the samples it emitted
 * before; samples it emits afterwards are dropped. Samples with a non-number value are dropped.
 */
export async function collectAll(collectors: readonly Collector[], signal: AbortSignal, onError?: CollectErrorHandler): Promise<MetricSample[]> {
  // One listener on the caller's signal; the collectors' many concurrent reads listen on ours.
  const inner = new AbortController();
  setMaxListeners(0, inner.signal);
  const forward = (): void => inner.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  let results: RunResult[];
  try {
    results = await Promise.all(collectors.map((c) => runOne(c, inner.signal)));
  } finally {
    signal.removeEventListener('abort', forward);
  }
  const out: MetricSample[] = [];
  for (const r of results) for (const s of r.samples) out.push(s);
  results.forEach((r, i) => {
    const collector = collectors[i]!.name;
    if (r.error !== undefined) onError?.(collector, r.error);
    out.push({ name: 'node_scrape_collector_duration_seconds', labels: [['collector', collector]], value: r.seconds, type: 'gauge', help: 'node_exporter: Duration of a collector scrape.' });
    out.push({ name: 'node_scrape_collector_success', labels: [['collector', collector]], value: r.error === undefined ? 1 : 0, type: 'gauge', help: 'node_exporter: Whether a collector succeeded.' });
  });
  return out;
}

interface RunResult {
  readonly samples: MetricSample[];
  readonly seconds: number;
  readonly error: unknown;
}

async function runOne(c: Collector, signal: AbortSignal): Promise<RunResult> {
  const samples: MetricSample[] = [];
  let open = true;
  const emit = (s: MetricSample): void => {
    if (open && typeof s.value === 'number') samples.push(s);
  };
  const start = performance.now();
  let error: unknown;
  try {
    if (signal.aborted) throw new AbortedError('collection aborted', { cause: signal.reason });
    await untilAborted(Promise.resolve().then(() => c.collect(emit, signal)), signal);
  } catch (err) {
    error = err ?? new Error(`collector ${c.name} failed`);
  }
  open = false;
  return { samples, seconds: (performance.now() - start) / 1000, error };
}

/** Settles like `p`, or rejects with AbortedError as soon as `signal` aborts (a collector that ignores its signal must not hold the scrape). */
function untilAborted(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError('collection aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
