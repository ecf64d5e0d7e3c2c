import { CorruptionError, VigieError } from '../../common/index.js';

/**
 * The first byte of every record names its encoding. 0 is never valid (it is what a
 * zero-filled buffer holds). 1–3 are used below; 4–127 are reserved for future Vigie
 * record types (tombstones, exemplars, metadata, histograms); 128–255 are reserved for
 * extensions. Readers must skip or reject types they do not know; they must not guess.
 */
export const RecordType = Object.freeze({
  /** `(ref, labels)` entries: series created in the head. */
  Series: 1,
  /** `(ref, t, v)` entries: float samples appended to existing series. */
  Samples: 2,
  /** `(ref, mint, maxt, chunk bytes)` entries: whole head chunks, written in checkpoints. */
  Chunks: 3,
} as const);
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** The record's type byte, or undefined for an empty record. Unknown values are returned as is. */
export function recordType(rec: Uint8Array): number | undefined {
  return rec[0];
}

/**
 * A record's bytes do not follow its encoding. `offset` is relative to the start of the
 * record; the caller knows where the record came from and can say so when it logs.
 */
export class RecordDecodeError extends CorruptionError {
  override name = 'RecordDecodeError';
  constructor(offset: number, message: string, options?: ErrorOptions) {
    super('record', offset, message, options);
  }
}

/** The caller asked to encode something the format cannot hold (a bug, not bad data). */
export class RecordEncodeError extends VigieError {
  override name = 'RecordEncodeError';
}
