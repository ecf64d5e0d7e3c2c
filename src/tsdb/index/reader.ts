import type { Labels } from '../../model/index.js';
import type { Postings } from './postings.js';

/**
 * What queries need from an inverted index; implemented by the head's `MemPostings` and by
 * a persisted block's `IndexFile`. All methods are synchronous and never return undefined
 * for unknown names/values: they return empty results. Returned arrays are read-only
 * snapshots that later writes to the index do not change.
 */
export interface IndexReader {
  /** Sorted ids of series that have label `name` with exactly `value` (value non-empty). */
  postings(name: string, value: string): Postings;
  /** Sorted ids of every series in the index. */
  allPostings(): Postings;
  /** Every label name present in some series, sorted. */
  labelNames(): readonly string[];
  /** Every value of label `name` (never ''), sorted; [] when the name is unknown. */
  labelValues(name: string): readonly string[];
  /**
   * Labels of series `id`, when the reader can produce them cheaply. The matcher helpers
   * use it to answer label-name/value questions from a few series; without it they fall
   * back to postings intersections.
   */
  labelsOf?(id: number): Labels | undefined;
}
