export { Block } from './block.js';
export { BlockQuerier } from './querier.js';
export { type BlockMeta, readMeta } from './meta.js';
export { type EncodedChunk, type SeriesChunks, type SeriesSamples, type WriteBlockOptions, fsyncPath, HEAD_BLOCK_DENSE, writeBlock, writeBlockChunks } from './writer.js';
export { ENCODING_DENSE, ENCODING_XOR } from './encodings.js';
export { isUlid, newUlid } from './ulid.js';
