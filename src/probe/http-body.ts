import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflateRaw } from 'node:zlib';
import type { ProberContext } from './context.js';

/** Most body bytes kept in memory for the body regexps; a longer body fails the probe with a clear reason. */
export const MAX_MATCHED_BODY_BYTES = 64 * 2 ** 20;

export interface ReadBody {
  /** Bytes read after decompression (probe_http_uncompressed_body_length). */
  readonly bytes: number;
  /** The body text when `keep` was asked (UTF-8), else ''. */
  readonly text: string;
  /** Why reading failed (limit exceeded, bad compressed data, connection lost); undefined when complete. */
  readonly error?: string | undefined;
}

/**
 * Reads a response body to its end: decompresses it when `compression` is set (as blackbox
 * does, whatever Content-Encoding says), stops with an error past `limit` bytes (0 = no limit,
 * counted after decompression), keeps the text when `keep` (bounded by MAX_MATCHED_BODY_BYTES).
 */
export function readBody(res: Readable, compression: string, limit: number, keep: boolean, ctx: ProberContext): Promise<ReadBody> {
  return new Promise<ReadBody>((resolve) => {
    let stream: Readable = res;
    if (compression === 'gzip') stream = res.pipe(createGunzip());
    else if (compression === 'br') stream = res.pipe(createBrotliDecompress());
    else if (compression === 'deflate') stream = res.pipe(createInflateRaw());
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        res.destroy();
        if (stream !== res) stream.destroy();
      }
      resolve({ bytes, text: keep ? Buffer.concat(chunks).toString('utf8') : '', error });
    };
    const onAbort = (): void => finish('aborted while reading the body');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      let take = chunk;
      if (limit > 0 && bytes + chunk.length > limit) take = chunk.subarray(0, limit - bytes);
      bytes += take.length;
      if (keep) chunks.push(take);
      if (take.length < chunk.length) return finish(`body is larger than body_size_limit (${limit} bytes)`);
      if (keep && bytes > MAX_MATCHED_BODY_BYTES) finish(`body is larger than ${MAX_MATCHED_BODY_BYTES} bytes, too large for the body regexps`);
    });
    stream.on('end', () => finish());
    stream.on('error', (err: Error) => finish(`failed to read the body: ${err.message}`));
    res.on('aborted', () => finish('connection lost while reading the body'));
    res.on('error', (err: Error) => finish(`failed to read the body: ${err.message}`));
  });
}
