import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../common/index.js';
import { type IngestResult, ProtobufError, SeriesCache, SnappyError, WriteRequestIngester, maxCompressedLength, uncompressInto, uncompressedLength } from '../remote/index.js';
import type { Appendable } from '../storage/index.js';
import type { ApiErrorBody } from './api-error.js';
import type { RoutePlugin } from './http-server.js';

export interface RemoteWriteRouteDeps {
  /** Where received samples go; one appender per request, committed before the answer. */
  readonly appendable: Appendable;
  readonly logger: Logger;
  /** Largest decompressed request in bytes (default 32 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Encoded-labels cache; pass one to bound or inspect it (default: a fresh one). */
  readonly cache?: SeriesCache;
  /** Called with the counts of each request whose samples were committed (self-monitoring). */
  readonly onIngest?: (result: IngestResult) => void;
}

/** Decompression buffers up to this size are kept for the next request. */
const KEEP_SCRATCH_BYTES = 8 * 2 ** 20;

/**
 * `POST /api/v1/write`: Prometheus remote write 1.0 (protobuf `WriteRequest`, snappy block
 * compression). Answers:
 * - 204 when every sample was stored;
 * - 400 when the body is not valid snappy/protobuf (nothing stored), or when some series
 *   or samples were refused (invalid labels; out-of-order, duplicate or too-old samples;
 *   native histograms, which Vigie does not store yet). In the second case the valid samples
 *   ARE stored and committed; the JSON error names the counts per reason;
 * - 413 when the body (compressed or announced decompressed size) exceeds the limit;
 * - 415 for another Content-Type (remote write 2.0 included) or Content-Encoding;
 * - 5xx when the commit failed (nothing acknowledged; the sender retries).
 * A missing Content-Type / Content-Encoding is taken as 1.0 / snappy, as Prometheus does.
 * Series without `__name__` are accepted (as Prometheus does); any valid UTF-8 label name is.
 */
export function remoteWriteRoute(deps: RemoteWriteRouteDeps): RoutePlugin {
  const max = deps.maxBodyBytes ?? 32 * 2 ** 20;
  const ingester = new WriteRequestIngester(deps.cache ?? new SeriesCache());
  const log = deps.logger;
  let scratch = Buffer.allocUnsafe(1 << 20);

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const unsupported = checkHeaders(request);
    if (unsupported !== undefined) return sendError(reply, 415, unsupported);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let n: number;
    try {
      n = uncompressedLength(body);
    } catch (err) {
      return sendError(reply, 400, `invalid snappy body: ${(err as Error).message}`);
    }
    if (n > max) return sendError(reply, 413, `decompressed body of ${n} bytes exceeds the limit of ${max} bytes`);
    let buf = scratch;
    if (n > buf.length) {
      buf = Buffer.allocUnsafe(n);
      if (n <= KEEP_SCRATCH_BYTES) scratch = buf;
    }
    try {
      uncompressInto(body, buf);
    } catch (err) {
      if (err instanceof SnappyError) return sendError(reply, 400, `invalid snappy body: ${err.message}`);
      throw err;
    }
    const app = deps.appendable.appender();
    let r: IngestResult;
    try {
      r = ingester.ingest(buf, n, app);
    } catch (err) {
      app.rollback();
      if (err instanceof ProtobufError) return sendError(reply, 400, `invalid WriteRequest (nothing stored): ${err.message}`);
      throw err;
    }
    await app.commit();
    deps.onIngest?.(r);
    const problem = describeProblems(r);
    if (problem === undefined) return reply.code(204).send();
    log.warn({ stored: r.appended, samples: r.samples, rejected: r.rejected, invalidSeries: r.invalidSeries, histograms: r.histograms }, `remote write: ${problem}`);
    return reply.code(400).send({ ...errorBody(problem), stored: r.appended, rejected: r.rejected, invalidSeries: r.invalidSeries, histograms: r.histograms });
  };

  return (app: FastifyInstance) => {
    void app.register((child, _opts, done) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxCompressedLength(max) }, (_req, b, cb) => cb(null, b));
      child.post('/api/v1/write', handler);
      done();
    });
  };
}

/** Why the request's headers are refused (415), or undefined. */
function checkHeaders(request: FastifyRequest): string | undefined {
  const ct = request.headers['content-type'];
  if (ct !== undefined && ct !== '') {
    const [type, ...params] = ct.split(';').map((s) => s.trim());
    if (type?.toLowerCase() !== 'application/x-protobuf') return `unsupported Content-Type ${JSON.stringify(ct)}: expected application/x-protobuf (remote write 1.0)`;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k?.toLowerCase() === 'proto' && v !== 'prometheus.WriteRequest') return `unsupported remote write message ${JSON.stringify(v)}: only prometheus.WriteRequest (1.0) is accepted`;
    }
  }
  const enc = request.headers['content-encoding'];
  if (enc !== undefined && enc !== '' && enc.toLowerCase() !== 'snappy') return `unsupported Content-Encoding ${JSON.stringify(enc)}: only snappy is accepted`;
  return undefined;
}

/** A sentence about what was refused, or undefined when everything was stored. */
function describeProblems(r: IngestResult): string | undefined {
  const parts: string[] = [];
  const rej = Object.entries(r.rejected).filter(([, c]) => c > 0);
  if (rej.length > 0) parts.push(`${rej.map(([k, c]) => `${c} ${k.replaceAll('_', '-')}`).join(', ')} samples refused (first: ${r.firstRejection ?? '?'})`);
  if (r.invalidSeries > 0) parts.push(`${r.invalidSeries} series with invalid labels, ${r.invalidSamples} samples not stored (${r.invalidMessages.join('; ')})`);
  if (r.histograms > 0) parts.push(`${r.histograms} native histogram samples not stored: Vigie does not support native histograms yet`);
  if (parts.length === 0) return undefined;
  return `stored ${r.appended} of ${r.samples} samples; ${parts.join('; ')}`;
}

function errorBody(message: string): ApiErrorBody {
  return { status: 'error', errorType: 'bad_data', error: message };
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send(errorBody(message));
}
