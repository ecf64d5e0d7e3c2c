import { brotliCompressSync, brotliDecompressSync, constants as zc, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SampleIterator } from '../../storage/index.js';
import type { Chunk, ChunkAppender, ChunkIterator } from './chunk.js';
import { ValueDecoder, ValueEncoder } from './dense-values.js';
import { ChunkCorruptionError, ChunkError } from './errors.js';
import { ByteReader, ByteWriter } from './varint.js';

/**
 * The 'dense' encoding: write-once chunks for persisted blocks, optimised for bytes.
 * Layout (see docs/format/chunks.md):
 *   byte  version << 4 | compressor (0 none, 1 brotli, 2 deflate-raw)
 *   uvarint n (samples) | uvarint payload length before compression | payload (compressed)
 * payload: svarint t0 | svarint (t1 - t0) | svarint delta-of-delta x (n - 2) | value column (dense-values.ts)
 */
export const DENSE_VERSION = 1;
/** Largest sample count `encodeDense` accepts and the decoder trusts. */
export const DENSE_HARD_MAX_SAMPLES = 1 << 20;
/** Recommended samples per dense chunk (measured in bench/chunk-density.md): the block writer splits series at this size. */
export const DENSE_MAX_SAMPLES = 8192;

/** Smallest `chunkSize` node:zlib accepts. */
const MIN_ZLIB_CHUNK = 64;

export type DenseCompressor = 'none' | 'brotli' | 'deflate';

export interface DenseOptions {
  /** Default 'brotli'. The smaller of compressed and uncompressed is kept either way. */
  readonly compressor?: DenseCompressor;
  /** Brotli quality 0-11 or deflate level 1-9. Default: brotli 6 / deflate 9. */
  readonly level?: number;
  /** Forces a value mode (0 xor, 1 delta, 2 decimal); for benchmarks. */
  readonly valueMode?: number;
}

/**
 * Encodes samples (ts[i], vs[i]) for i < n: timestamps safe integers, strictly increasing
 * (throws ChunkError otherwise); values bit-exact. Reusable scratch lives in a `DenseEncoder`;
 * this function makes a fresh one (fine per chunk; keep one `DenseEncoder` per writer for speed).
 */
export function encodeDense(ts: Float64Array, vs: Float64Array, n: number, opts?: DenseOptions): Uint8Array {
  return new DenseEncoder().encode(ts, vs, n, opts);
}

/** Holds the encoder's scratch buffers; not shareable between concurrent users. */
export class DenseEncoder {
  private readonly out = new ByteWriter(4096);
  private readonly values = new ValueEncoder();

  encode(ts: Float64Array, vs: Float64Array, n: number, opts?: DenseOptions): Uint8Array {
    if (!(Number.isInteger(n) && n >= 0 && n <= DENSE_HARD_MAX_SAMPLES && n <= ts.length && n <= vs.length)) {
      throw new ChunkError(`bad sample count ${n} for dense chunk`);
    }
    const out = this.out;
    out.len = 0;
    writeTimestamps(out, ts, n);
    this.values.encode(out, vs, n, opts?.valueMode);
    const payload = out.bytes();
    const comp = opts?.compressor ?? 'brotli';
    let body: Uint8Array = payload;
    let cid = 0;
    if (comp === 'brotli') {
      const c = brotliCompressSync(payload, {
        // zlib's default 16 KiB output buffer per call was most of the ArrayBuffer churn of
        // compaction: size it to the input (the output is only kept when smaller).
        chunkSize: Math.max(MIN_ZLIB_CHUNK, payload.length),
        params: {
          [zc.BROTLI_PARAM_QUALITY]: opts?.level ?? 6,
          // A window just larger than the payload: same output, and the encoder's native state
          // (sized by the window) stays small instead of 4 MiB per call.
          [zc.BROTLI_PARAM_LGWIN]: Math.min(22, Math.max(10, Math.ceil(Math.log2(payload.length + 16)))),
          [zc.BROTLI_PARAM_SIZE_HINT]: payload.length,
        },
      });
      if (c.length < payload.length) { body = c; cid = 1; }
    } else if (comp === 'deflate') {
      const c = deflateRawSync(payload, { level: opts?.level ?? 9, chunkSize: Math.max(MIN_ZLIB_CHUNK, payload.length) });
      if (c.length < payload.length) { body = c; cid = 2; }
    }
    const head = new ByteWriter(24);
    head.byte((DENSE_VERSION << 4) | cid);
    head.uvarint(n);
    head.uvarint(payload.length);
    const res = new Uint8Array(head.len + body.length);
    res.set(head.bytes());
    res.set(body, head.len);
    return res;
  }
}

const MAX_T = Number.MAX_SAFE_INTEGER;

/** Timestamp column: svarint t0, svarint (t1 - t0), then svarint delta-of-deltas. Throws ChunkError. */
function writeTimestamps(out: ByteWriter, ts: Float64Array, n: number): void {
  let prevT = 0, prevD = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    const d = t - prevT;
    if (!(t === Math.floor(t) && t <= MAX_T && t >= -MAX_T && (i === 0 || (d > 0 && d <= MAX_T)))) badTimestamp(t, prevT, i);
    out.svarint(i < 2 ? (i === 0 ? t : d) : d - prevD);
    prevD = d;
    prevT = t;
  }
}

function badTimestamp(t: number, prevT: number, i: number): never {
  throw new ChunkError(i === 0 ? `timestamp ${t} is not a safe integer` : `timestamp ${t} does not follow ${prevT} (increasing safe integers only)`);
}

/** Parsed header of a dense chunk. Throws ChunkCorruptionError. */
function parseHeader(bytes: Uint8Array, r: ByteReader): { n: number; rawLen: number; cid: number } {
  r.reset(bytes);
  const b0 = r.byte();
  if (b0 >> 4 !== DENSE_VERSION) r.fail(`unknown dense chunk version ${b0 >> 4}`);
  const cid = b0 & 15;
  if (cid > 2) r.fail(`unknown compressor ${cid}`);
  const n = r.uvarint();
  if (n > DENSE_HARD_MAX_SAMPLES) r.fail(`sample count ${n} too large`);
  const rawLen = r.uvarint();
  // Each sample needs at least one timestamp byte; values need at most ~9.5 more.
  if (rawLen > n * 24 + 64 || (n > 0 && rawLen < n)) r.fail(`payload length ${rawLen} impossible for ${n} samples`);
  if (cid === 0 && bytes.length - r.pos !== rawLen) r.fail('payload length mismatch');
  return { n, rawLen, cid };
}

/** A persisted dense chunk. Read-only: `appender()` throws ChunkError. */
export class DenseChunk implements Chunk {
  readonly encoding = 'dense' as const;
  private readonly n: number;

  /** Validates the header (not the payload: the iterator reports payload corruption through err()). */
  constructor(private readonly data: Uint8Array) {
    this.n = parseHeader(data, new ByteReader()).n;
  }

  numSamples(): number {
    return this.n;
  }

  bytes(): Uint8Array {
    return this.data;
  }

  appender(): ChunkAppender {
    throw new ChunkError('dense chunks are write-once; re-encode to add samples');
  }

  iterator(reuse?: SampleIterator): ChunkIterator {
    const it = reuse instanceof DenseIterator ? reuse : new DenseIterator();
    it.reset(this.data);
    return it;
  }
}

/**
 * Decodes the whole chunk on `reset` into reused typed arrays, then iterates by index;
 * `seek` is a binary search. Memory: 16 bytes per sample of the largest chunk seen.
 */
export class DenseIterator implements ChunkIterator {
  readonly encoding = 'dense' as const;
  t = 0;
  v = 0;
  private ts = new Float64Array(0);
  private vs = new Float64Array(0);
  private n = 0;
  private i = -1;
  private error: Error | undefined = undefined;
  private readonly r = new ByteReader();
  private readonly values = new ValueDecoder();

  reset(bytes: Uint8Array): void {
    this.i = -1;
    this.n = 0;
    this.t = 0;
    this.v = 0;
    this.error = undefined;
    try {
      this.decode(bytes);
    } catch (e) {
      this.n = 0;
      this.error = e instanceof ChunkCorruptionError ? e : new ChunkCorruptionError(0, 'undecodable dense chunk', { cause: e });
    }
  }

  private decode(bytes: Uint8Array): void {
    const r = this.r;
    const { n, rawLen, cid } = parseHeader(bytes, r);
    let payload: Uint8Array;
    const body = bytes.subarray(r.pos);
    if (cid === 0) payload = body;
    else {
      try {
        // Output buffer sized to the known length (zlib's default is 16 KiB per call).
        const o = { maxOutputLength: Math.max(rawLen, 1), chunkSize: Math.max(MIN_ZLIB_CHUNK, rawLen) };
        payload = cid === 1 ? brotliDecompressSync(body, o) : inflateRawSync(body, o);
      } catch (cause) {
        throw new ChunkCorruptionError(r.pos, 'compressed payload does not decompress', { cause });
      }
      if (payload.length !== rawLen) throw new ChunkCorruptionError(r.pos, `payload is ${payload.length} bytes, header says ${rawLen}`);
    }
    if (this.ts.length < n) {
      const cap = Math.max(n, Math.min(2 * this.ts.length, DENSE_HARD_MAX_SAMPLES));
      this.ts = new Float64Array(cap);
      this.vs = new Float64Array(cap);
    }
    const ts = this.ts;
    r.reset(payload);
    let t = 0, d = 0;
    for (let i = 0; i < n; i++) {
      if (i === 0) t = r.svarint();
      else {
        d = i === 1 ? r.svarint() : d + r.svarint();
        t += d;
        if (!(d > 0) || !Number.isSafeInteger(t)) r.fail('timestamps out of order or range');
      }
      ts[i] = t;
    }
    this.values.decode(r, this.vs, n);
    if (r.pos !== r.end) r.fail(`${r.end - r.pos} trailing bytes`);
    this.n = n;
  }

  err(): Error | undefined {
    return this.error;
  }

  next(): boolean {
    const i = this.i + 1;
    if (i >= this.n) {
      this.i = this.n;
      return false;
    }
    this.i = i;
    this.t = this.ts[i]!;
    this.v = this.vs[i]!;
    return true;
  }

  seek(target: number): boolean {
    let lo = this.i < 0 ? 0 : this.i;
    if (lo >= this.n) return false;
    if (this.i >= 0 && this.t >= target) return true;
    let hi = this.n;
    const ts = this.ts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.n) {
      this.i = this.n;
      return false;
    }
    this.i = lo;
    this.t = ts[lo]!;
    this.v = this.vs[lo]!;
    return true;
  }
}
