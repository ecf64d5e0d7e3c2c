/**
 * What the scraper needs from an exposition-format reader: the shape of `src/textparse`'s
 * `SampleScanner`. The scraper receives a `ParserFactory` from the composition root, so it
 * does not depend on a concrete parser:
 *   `(body, ct) => SampleScanner.create(body, formatFromContentType(ct))`.
 */
export interface ExpositionParserLike {
  /** Advances to the next sample; false at the end. Throws on malformed input (the scrape fails). */
  next(): boolean;
  /** Holds the current series text (`name{...}` as written, UTF-8) at [keyStart, keyEnd): the scrape cache key. */
  readonly key: Uint8Array;
  readonly keyStart: number;
  readonly keyEnd: number;
  /**
   * The metric name and the label pairs (input order, without __name__). Either call also
   * validates the sample's label set: a key never validated before must go through one of them.
   */
  metricName(): string;
  labelPairs(): [string, string][];
  value(): number;
  /** Explicit timestamp in ms, if the line has one. */
  timestamp(): number | undefined;
}

/** Builds a parser over a response body (decompressed bytes); `contentType` is the response's Content-Type header. */
export type ParserFactory = (body: Uint8Array, contentType: string | undefined) => ExpositionParserLike;
