import { VigieError } from '../../common/index.js';

/** A chunk operation the encoding cannot do (bad argument, unsupported append, too many samples). */
export class ChunkError extends VigieError {
  override name = 'ChunkError';
}

/**
 * Chunk bytes are not what their encoding promises (truncated, corrupt, hostile).
 * `offset` is the byte offset inside the chunk where decoding failed; the caller that
 * knows the file adds it (see `CorruptionError` in common).
 */
export class ChunkCorruptionError extends ChunkError {
  override name = 'ChunkCorruptionError';
  constructor(
    readonly offset: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`chunk byte ${offset}: ${message}`, options);
  }
}
