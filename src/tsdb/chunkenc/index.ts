export { type Chunk, type ChunkAppender, type ChunkIterator, type Encoding } from './chunk.js';
export { chunkFromBytes, newChunkIterator } from './from-bytes.js';
export {
  DENSE_HARD_MAX_SAMPLES,
  DENSE_MAX_SAMPLES,
  type DenseCompressor,
  DenseChunk,
  DenseEncoder,
  DenseIterator,
  type DenseOptions,
  encodeDense,
} from './dense.js';
export { ChunkCorruptionError, ChunkError } from './errors.js';
export { XOR_MAX_FIRST_BYTES, XOR_MAX_SAMPLE_BYTES, XOR_MAX_SAMPLES, XorChunk, XorIterator, xorAppendBits } from './xor.js';
export { XorValueCoder } from './xor-values.js';
export { BitReader, BitWriter } from './bstream.js';
