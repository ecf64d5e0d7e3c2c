/**
 * The inverted index of the TSDB: postings algebra, the head's in-memory index, the
 * block index file (format: docs/format/index.md) and matcher evaluation over either.
 */
export {
  type Postings,
  bitmapToPostings,
  emptyPostings,
  gallop,
  intersect,
  intersect2,
  intersects,
  isPostings,
  postingsFromIds,
  postingsHas,
  union,
  union2,
  without,
} from './postings.js';
export { MemPostings } from './mem-postings.js';
export type { IndexReader } from './reader.js';
export { labelNamesFor, labelValuesFor, literalPrefix, postingsForMatchers } from './matchers.js';
export { type ChunkMeta, type IndexSeries, IndexWriteError } from './format.js';
export { encodeIndex, writeIndex } from './writer.js';
export { IndexFile } from './index-file.js';
