export { Block } from './block.js';
export { BlockQuerier } from './querier.js';
export { type BlockMeta, readMeta } from './meta.js';
export { type SeriesSamples, type WriteBlockOptions, fsyncPath, writeBlock } from './writer.js';
export { isUlid, newUlid } from './ulid.js';
