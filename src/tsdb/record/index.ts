/**
 * What WAL records contain. Each record starts with a type byte (`RecordType`); the WAL
 * itself (../wal) treats records as opaque bytes. Formats: docs/format/wal.md.
 */
export { RecordDecodeError, RecordEncodeError, RecordType, recordType } from './types.js';
export { type SeriesEntry, decodeSeries, encodeSeries } from './series.js';
export { type ChunkEntry, decodeChunks, encodeChunks } from './chunks.js';
export { SamplesEncoder, countSamples, decodeSamples, encodeSamples } from './samples.js';
