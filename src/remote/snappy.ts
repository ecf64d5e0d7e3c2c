import { VigieError } from '../common/index.js';

/**
 * Snappy block format (https://github.com/google/snappy/blob/main/format_description.txt),
 * the compression of Prometheus remote write. Written here rather than taken from npm:
 * the pure-JS `snappyjs` zero-fills a fresh output buffer per call and says only "Invalid
 * Snappy bitstream"; the native `snappy` package measured slower than both on 230 KB
 * remote-write bodies (N-API copies). This one decodes into a caller's reusable buffer,
 * checks every bound, and says where the input is wrong.
 */

/** The input is not valid snappy block data; `offset` is the byte of the input at fault. */
export class SnappyError extends VigieError {
  override name = 'SnappyError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(`snappy: ${message} at compressed byte ${offset}`);
  }
}

/** Largest compressed size for `n` input bytes (snappy's MaxEncodedLen). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** The uncompressed length the block announces in its preamble. Throws `SnappyError`. */
export function uncompressedLength(src: Uint8Array): number {
  return readPreamble(src)[0];
}

function readPreamble(src: Uint8Array): [length: number, pos: number] {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    if (i >= src.length) throw new SnappyError(i, 'truncated length preamble');
    const b = src[i]!;
    x += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (x > 0xffffffff) throw new SnappyError(0, 'length preamble above 2^32-1');
      return [x, i + 1];
    }
    mul *= 128;
  }
  throw new SnappyError(0, 'length preamble longer than 5 bytes');
}

/**
 * Decompresses `src` into `out` (which must hold at least `uncompressedLength(src)` bytes)
 * and returns that length. Throws `SnappyError` on any malformed input; never reads or
 * writes out of bounds.
 */
export function uncompressInto(src: Uint8Array, out: Uint8Array): number {
  const [n, start] = readPreamble(src);
  if (n > out.length) throw new SnappyError(0, `output buffer of ${out.length} bytes is smaller than the ${n} announced`);
  const end = src.length;
  let p = start;
  let o = 0;
  while (p < end) {
    const tagPos = p;
    const tag = src[p++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (p + extra > end) throw new SnappyError(tagPos, 'truncated literal length');
        len = src[p]!;
        if (extra > 1) len |= src[p + 1]! << 8;
        if (extra > 2) len |= src[p + 2]! << 16;
        if (extra > 3) len += src[p + 3]! * 0x1000000;
        p += extra;
      }
      len += 1;
      if (p + len > end) throw new SnappyError(tagPos, `literal of ${len} bytes runs past the end of the input`);
      if (o + len > n) throw new SnappyError(tagPos, `literal of ${len} bytes overflows the announced length ${n}`);
      if (len < 16) for (let i = 0; i < len; i++) out[o++] = src[p++]!;
      else {
        out.set(src.subarray(p, p + len), o);
        o += len;
        p += len;
      }
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (p >= end) throw new SnappyError(tagPos, 'truncated copy');
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[p++]!;
    } else if (kind === 2) {
      if (p + 2 > end) throw new SnappyError(tagPos, 'truncated copy');
      len = 1 + (tag >>> 2);
      offset = src[p]! | (src[p + 1]! << 8);
      p += 2;
    } else {
      if (p + 4 > end) throw new SnappyError(tagPos, 'truncated copy');
      len = 1 + (tag >>> 2);
      offset = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16)) + src[p + 3]! * 0x1000000;
      p += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError(tagPos, `copy offset ${offset} outside the ${o} bytes decoded so far`);
    if (o + len > n) throw new SnappyError(tagPos, `copy of ${len} bytes overflows the announced length ${n}`);
    let from = o - offset;
    if (offset >= len && len > 16) {
      out.copyWithin(o, from, from + len);
      o += len;
    } else for (let i = 0; i < len; i++) out[o++] = out[from++]!;
  }
  if (o !== n) throw new SnappyError(end, `input ends after ${o} of the ${n} announced bytes`);
  return n;
}

/** Decompresses into a new buffer of at most `maxLength` bytes (else `SnappyError`). */
export function uncompress(src: Uint8Array, maxLength = 0xffffffff): Uint8Array {
  const n = uncompressedLength(src);
  if (n > maxLength) throw new SnappyError(0, `announced length ${n} is above the limit of ${maxLength}`);
  const out = new Uint8Array(n);
  uncompressInto(src, out);
  return out;
}

const HASH_BITS = 14;
const BLOCK = 65536;

/**
 * Compresses `src` (greedy matching of 4-byte sequences, 64 KiB blocks, as Google's
 * encoder does). Any snappy decoder reads the result. Returns a view of a fresh buffer.
 */
export function compress(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(maxCompressedLength(n));
  let o = 0;
  let x = n;
  while (x >= 0x80) {
    out[o++] = (x & 0x7f) | 0x80;
    x = Math.floor(x / 128);
  }
  out[o++] = x;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK) {
    const blockEnd = Math.min(n, blockStart + BLOCK);
    let lit = blockStart;
    let i = blockStart;
    let skip = 32;
    while (i + 4 <= blockEnd) {
      const word = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
      const h = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
      const cand = table[h]!;
      table[h] = i;
      if (cand >= blockStart && src[cand] === src[i] && src[cand + 1] === src[i + 1] && src[cand + 2] === src[i + 2] && src[cand + 3] === src[i + 3]) {
        let len = 4;
        while (i + len < blockEnd && src[cand + len] === src[i + len]) len++;
        o = emitLiteral(src, lit, i, out, o);
        o = emitCopy(i - cand, len, out, o);
        i += len;
        lit = i;
        skip = 32;
      } else {
        i += skip >>> 5;
        skip++;
      }
    }
    o = emitLiteral(src, lit, blockEnd, out, o);
  }
  return out.subarray(0, o);
}

function emitLiteral(src: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
  const len = to - from;
  if (len === 0) return o;
  const n = len - 1;
  if (n < 60) out[o++] = n << 2;
  else if (n < 0x100) {
    out[o++] = 60 << 2;
    out[o++] = n;
  } else {
    out[o++] = 61 << 2; // len < 64 KiB: at most one block
    out[o++] = n & 0xff;
    out[o++] = n >>> 8;
  }
  out.set(src.subarray(from, to), o);
  return o + len;
}

/** Copies with a 2-byte offset (always < 64 KiB here), 1..64 bytes per element. */
function emitCopy(offset: number, len: number, out: Uint8Array, o: number): number {
  while (len > 0) {
    const l = Math.min(len, 64);
    out[o++] = ((l - 1) << 2) | 2;
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
    len -= l;
  }
  return o;
}
