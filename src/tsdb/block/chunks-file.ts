import { closeSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { CorruptionError } from '../../common/index.js';

/**
 * The block's chunk file: an 8-byte header ("VGCHUNK" + version 1) then chunk records
 * back to back. A record is [encoding u8][payload][crc32 of encoding+payload, u32 BE].
 * The index stores each chunk's byte offset (`ref`) and record length.
 */
export const CHUNKS_MAGIC = Buffer.from('VGCHUNK\u0001', 'latin1');
const FLUSH_AT = 1 << 22;

/** Writes chunk records, buffering up to 4 MiB between writes. `finish` fsyncs and closes. */
export class ChunksWriter {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private offset = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    this.push(CHUNKS_MAGIC);
  }

  /** Appends one chunk; returns its ref (byte offset) and record length. */
  write(encoding: number, payload: Uint8Array): { ref: number; length: number } {
    const ref = this.offset;
    const head = Buffer.of(encoding);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(payload, crc32(head)) >>> 0);
    this.push(head);
    this.push(payload);
    this.push(crc);
    return { ref, length: payload.length + 5 };
  }

  private push(b: Uint8Array): void {
    this.pending.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.pendingBytes += b.byteLength;
    this.offset += b.byteLength;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.concat(this.pending, this.pendingBytes);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.pending = [];
    this.pendingBytes = 0;
  }

  finish(): number {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    return this.offset;
  }

  abort(): void {
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
