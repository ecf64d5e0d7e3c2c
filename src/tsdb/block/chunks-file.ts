import { closeSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { CorruptionError } from '../../common/index.js';

/**
 * The block's chunk file: an 8-byte header ("VGCHUNK" + version 1) then chunk records
 * back to back. A record is [encoding u8][payload][crc32 of encoding+payload, u32 BE].
 * The index stores each chunk's byte offset (`ref`) and record length.
 */
export const CHUNKS_MAGIC = Buffer.from('VGCHUNK\u0001', 'latin1');
const FLUSH_AT = 1 << 20;
const EMPTY = Buffer.alloc(0);

/** A finished writer's buffer, kept for the next writer (blocks are written one after another). */
let spareBuffer: Buffer | undefined;

/**
 * Writes chunk records through one 1 MiB buffer reused across writers (records are copied
 * into it, no allocation per chunk; a record larger than the buffer gets a buffer of its
 * own). `finish` fsyncs and closes.
 */
export class ChunksWriter {
  private readonly fd: number;
  private buf: Buffer;
  private used = 0;
  private offset = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    this.buf = spareBuffer ?? Buffer.allocUnsafe(FLUSH_AT);
    spareBuffer = undefined;
    this.buf.set(CHUNKS_MAGIC, 0);
    this.used = CHUNKS_MAGIC.length;
    this.offset = CHUNKS_MAGIC.length;
  }

  /** Appends one chunk; returns its ref (byte offset) and record length. */
  write(encoding: number, payload: Uint8Array): { ref: number; length: number } {
    const ref = this.offset;
    const length = payload.length + 5;
    if (this.used + length > this.buf.length) {
      this.flush();
      if (length > this.buf.length) this.buf = Buffer.allocUnsafe(length);
    }
    const buf = this.buf;
    const at = this.used;
    buf[at] = encoding;
    buf.set(payload, at + 1);
    buf.writeUInt32BE(crc32(buf.subarray(at, at + 1 + payload.length)) >>> 0, at + 1 + payload.length);
    this.used += length;
    this.offset += length;
    return { ref, length };
  }

  private flush(): void {
    const buf = this.buf;
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, buf, off, this.used - off);
    this.used = 0;
    if (buf.length > FLUSH_AT) this.buf = Buffer.allocUnsafe(FLUSH_AT);
  }

  private release(): void {
    if (this.buf.length === FLUSH_AT) spareBuffer = this.buf;
    this.buf = EMPTY;
  }

  finish(): number {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.release();
    return this.offset;
  }

  abort(): void {
    this.release();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** Positioned reads of chunk records; verifies each record's CRC. */
export class ChunksReader {
  private fd: number | undefined;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    const head = Buffer.alloc(CHUNKS_MAGIC.length);
    readSync(this.fd, head, 0, head.length, 0);
    if (!head.equals(CHUNKS_MAGIC)) {
      this.close();
      throw new CorruptionError(path, 0, 'not a Vigie chunk file (bad magic)');
    }
  }

  /** The chunk at `ref`: its encoding and payload (a fresh buffer the caller owns). */
  read(ref: number, length: number): { encoding: number; payload: Uint8Array } {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    if (length < 5) throw new CorruptionError(this.path, ref, `chunk record length ${length} is too short`);
    const buf = Buffer.allocUnsafe(length);
    const got = readSync(this.fd, buf, 0, length, ref);
    if (got !== length) throw new CorruptionError(this.path, ref, `chunk record truncated: wanted ${length} bytes, file has ${got}`);
    const want = buf.readUInt32BE(length - 4);
    if ((crc32(buf.subarray(0, length - 4)) >>> 0) !== want) throw new CorruptionError(this.path, ref, 'chunk checksum mismatch');
    return { encoding: buf[0]!, payload: buf.subarray(1, length - 4) };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
