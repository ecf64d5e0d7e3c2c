import type { Labels } from '../model/index.js';
import type { SeriesRef } from '../storage/index.js';

/**
 * What the receiver remembers about one encoded label set: the decoded labels (or why they
 * were refused) and the storage ref from the last append.
 */
export interface SeriesEntry {
  /** Sorted, validated labels; undefined when `error` is set. */
  readonly labels: Labels | undefined;
  /** Why the label set was refused (invalid UTF-8, duplicate or empty names, no labels). */
  readonly error: string | undefined;
  /** Last ref the appender returned for these labels (0 = unknown). Updated by the receiver. */
  ref: SeriesRef;
}

export interface SeriesCacheOptions {
  /** Entries kept before the cache is emptied and starts over (default 2,000,000). */
  readonly maxEntries?: number;
  /** Total key characters kept before the cache is emptied (default 256 Mi). */
  readonly maxKeyChars?: number;
  /** Label fields longer than this many bytes are never cached (default 16 KiB). */
  readonly maxKeyBytes?: number;
}

/**
 * Encoded labels (the raw protobuf bytes of a TimeSeries' label fields, as a latin1 string)
 * → decoded series. Repeated series skip label decoding, validation and the storage's
 * label lookup. Bounded: when full it is cleared (entries are cheap to rebuild). One per
 * receiver; not shared between processes.
 */
export class SeriesCache {
  private readonly map = new Map<string, SeriesEntry>();
  private chars = 0;
  readonly maxEntries: number;
  readonly maxKeyChars: number;
  readonly maxKeyBytes: number;

  constructor(opts: SeriesCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 2_000_000;
    this.maxKeyChars = opts.maxKeyChars ?? 256 * 2 ** 20;
    this.maxKeyBytes = opts.maxKeyBytes ?? 16 * 1024;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): SeriesEntry | undefined {
    return this.map.get(key);
  }

  set(key: string, e: SeriesEntry): void {
    if (this.map.size >= this.maxEntries || this.chars + key.length > this.maxKeyChars) this.clear();
    this.map.set(key, e);
    this.chars += key.length;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
}
