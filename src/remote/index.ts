export { SnappyError, compress, maxCompressedLength, uncompress, uncompressInto, uncompressedLength } from './snappy.js';
export { ProtobufError } from './protobuf.js';
export { type SeriesCacheOptions, type SeriesEntry, SeriesCache } from './series-cache.js';
export { type IngestResult, WriteRequestIngester } from './ingest.js';
export { type RemoteSample, WriteRequestEncoder, encodeLabels } from './encode.js';
export { type RemoteWriteStats, RemoteWriter, type RemoteWriterOptions, queueName } from './writer.js';
export { type RemoteWrite, type RemoteWriteOptions, createRemoteWrite } from './remote-write.js';
export { type SendResult, RemoteWriteClient } from './client.js';
