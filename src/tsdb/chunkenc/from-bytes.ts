import type { SampleIterator } from '../../storage/index.js';
import type { Chunk, ChunkIterator, Encoding } from './chunk.js';
import { DenseChunk, DenseIterator } from './dense.js';
import { ChunkError } from './errors.js';
import { XorChunk, XorIterator } from './xor.js';

/**
 * Reads back persisted chunk bytes. 'xor' chunks are decoded once to restore the appender
 * state (they stay appendable; the bytes are copied); 'dense' chunks keep a reference to
 * `bytes` and only check the header. Corrupt bytes throw `ChunkCorruptionError`.
 */
export function chunkFromBytes(encoding: Encoding, bytes: Uint8Array): Chunk {
  switch (encoding) {
    case 'xor':
      return XorChunk.fromBytes(bytes);
    case 'dense':
      return new DenseChunk(bytes);
    default:
      throw new ChunkError(`unknown chunk encoding ${String(encoding)}`);
  }
}

/**
 * An iterator straight over persisted bytes, without building a Chunk (cheaper for 'xor':
 * no copy, no full decode). `reuse` is recycled when it has the same encoding.
 * Corruption is reported by the iterator's `err()`.
 */
export function newChunkIterator(encoding: Encoding, bytes: Uint8Array, reuse?: SampleIterator): ChunkIterator {
  let it: ChunkIterator;
  if (encoding === 'xor') it = reuse instanceof XorIterator ? reuse : new XorIterator();
  else if (encoding === 'dense') it = reuse instanceof DenseIterator ? reuse : new DenseIterator();
  else throw new ChunkError(`unknown chunk encoding ${String(encoding)}`);
  it.reset(bytes);
  return it;
}
