/**
 * What the scraper needs from an exposition-format parser: the shape of
 * `src/textparse`'s `ExpositionParser`. The scraper receives a `ParserFactory` from
 * the composition root, so it does not depend on a concrete parser:
 *   `(text, ct) => new ExpositionParser(text, formatFromContentType(ct))`.
 */
export interface ExpositionParserLike {
  /** Next entry, or undefined at the end. Throws on malformed input (the scrape fails). */
  next(): 'series' | 'type' | 'help' | 'unit' | 'comment' | undefined;
  /** Raw `name{...}` of the current series: the scrape cache key. */
  seriesText(): string;
  metricName(): string;
  /** Label pairs in input order, without __name__. */
  labelPairs(): [string, string][];
  value(): number;
  /** Explicit timestamp in ms, if the line has one. */
  timestamp(): number | undefined;
}

/** Builds a parser over a response body; `contentType` is the response's Content-Type header. */
export type ParserFactory = (text: string, contentType: string | undefined) => ExpositionParserLike;
