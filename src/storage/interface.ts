import type { Labels, Matcher } from '../model/index.js';

/**
 * Contracts between the storage engine and everything that reads or writes samples
 * (scraper, rules, PromQL engine, HTTP API, remote backends). Timestamps are integer
 * milliseconds; every time range here is inclusive at both ends [mint, maxt].
 */

/** Opaque, process-local handle to a series, returned by `Appender.append`. 0 means "unknown". */
export type SeriesRef = number;

/**
 * Buffers samples until `commit`. Not safe to share between concurrent producers:
 * take one appender per batch. After `commit` or `rollback` the appender is spent.
 */
export interface Appender {
  /**
   * Adds one sample. `ref` from an earlier append of the same series skips the label
   * lookup (pass 0 when unknown; a known ref is trusted: the labels are not compared with
   * its series'); the returned ref is valid for the process' lifetime
   * unless the series is garbage-collected after a head truncation, in which case the
   * labels are used. Throws `SampleRejectedError` for out-of-order/duplicate samples or
   * samples older than the head accepts; other samples in the batch are unaffected.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /**
   * Optional fast path for callers that keep refs and not labels (the scraper): adds one
   * sample to the series `ref` names and returns true, or returns false without adding
   * anything when `ref` is 0 or no longer known (then call `append` with the labels).
   * Throws as `append` does.
   */
  appendRef?(ref: SeriesRef, t: number, v: number): boolean;
  /** Optional: the labels of a series this appendable holds under `ref` (a new array). */
  labelsOf?(ref: SeriesRef): Labels | undefined;
  /** Makes the batch durable per the WAL promise (see README) and visible to queries. */
  commit(): Promise<void>;
  /** Discards the batch. */
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

/** Why a sample was refused. Counted per reason by the engine. */
export type RejectReason = 'out_of_order' | 'duplicate' | 'too_old' | 'invalid';

export class SampleRejectedError extends Error {
  override readonly name = 'SampleRejectedError';
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** Optional hints that let a querier skip work. */
export interface SelectHints {
  /** Inclusive range the caller will read; defaults to the querier's range. */
  readonly start?: number;
  readonly end?: number;
  /** The caller needs labels only (series endpoint): chunks are not read. */
  readonly labelsOnly?: boolean;
}

/**
 * A cursor over one series' samples in increasing time order. It never allocates per
 * sample: read `t` and `v` after `next()`/`seek()` returned true.
 */
export interface SampleIterator {
  /** Advances to the next sample; false at the end (then check `err()`). */
  next(): boolean;
  /** Advances to the first sample with timestamp >= t (never moves backwards); false if none. */
  seek(t: number): boolean;
  readonly t: number;
  readonly v: number;
  err(): Error | undefined;
}

export interface Series {
  readonly labels: Labels;
  /** A fresh iterator over [querier mint, querier maxt]; pass a spent one to reuse its memory. */
  iterator(reuse?: SampleIterator): SampleIterator;
}

/** Series in increasing `compareLabels` order, each label set once. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  err(): Error | undefined;
}

/** Reads a fixed time range [mint, maxt]; `close` releases what it pins (blocks, files). */
export interface Querier {
  readonly mint: number;
  readonly maxt: number;
  select(matchers: readonly Matcher[], hints?: SelectHints, signal?: AbortSignal): SeriesSet;
  /** Sorted, unique label names of series matching all matchers (all series if none). */
  labelNames(matchers?: readonly Matcher[]): Promise<string[]>;
  /** Sorted, unique values of `name` among series matching all matchers. */
  labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]>;
  close(): void;
}

/** One selection a reader is about to make: series matching all `matchers`, samples in [mint, maxt] (inclusive). */
export interface Selection {
  readonly matchers: readonly Matcher[];
  readonly mint: number;
  readonly maxt: number;
  /** Only the series' labels are needed (series endpoint): a snapshot may hold no samples for them. */
  readonly labelsOnly?: boolean;
}

export interface Queryable {
  /** A querier over the inclusive range [mint, maxt]. The caller must close it. */
  querier(mint: number, maxt: number): Querier;
  /**
   * Present on queryables whose data is fetched asynchronously (a remote store), whose own
   * `select` cannot answer. A reader that selects synchronously (the PromQL engine, the series
   * endpoint) calls it first, when present, with every selection it will make, and then reads
   * from the returned Queryable: a snapshot whose `select` answers those selections (same
   * matchers, a range within one prepared) from memory. Other selections yield an error set.
   * Rejects on fetch errors and when `signal` aborts.
   */
  prepare?(selections: readonly Selection[], signal?: AbortSignal): Promise<Queryable>;
}

/** What a complete storage backend offers: the local TSDB or a remote one. */
export interface Storage extends Appendable, Queryable {
  /** The oldest timestamp the storage may hold data for, or Infinity when empty. */
  startTime(): number;
  close(): Promise<void>;
}
