import { close, closeSync, fsync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { WalError } from './errors.js';
import { HEADER_SIZE, SEGMENT_MAGIC, makeHeader, segmentPath } from './segment.js';

const fsyncFd = (fd: number): Promise<void> => new Promise((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())));
const closeFd = (fd: number): Promise<void> => new Promise((res, rej) => close(fd, (e) => (e ? rej(e) : res())));

/** fsync a directory so entries created, renamed or removed in it survive power loss. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * One segment open for writing. Writes are synchronous and positional; the async
 * operations (fsync, close) are chained so none runs on a closed descriptor.
 */
export class SegmentWriter {
  /** Bytes in the file, header included. */
  size = HEADER_SIZE;
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    readonly index: number,
    readonly path: string,
    private readonly fd: number,
  ) {}

  /**
   * Creates the segment exclusively (never reuses an existing file), writes its header,
   * and fsyncs the file and its directory so the empty segment exists after power loss.
   */
  static create(dir: string, index: number): SegmentWriter {
    const path = segmentPath(dir, index);
    const fd = openSync(path, 'wx');
    const w = new SegmentWriter(index, path, fd);
    try {
      const h = makeHeader(SEGMENT_MAGIC);
      writeAll(fd, h, h.length, 0);
      fsyncSync(fd);
      fsyncDirSync(dirname(path));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return w;
  }

  /**
   * Appends buf[0, len) at the end of the segment. On failure the file is cut back to
   * its previous size and the error rethrown; if even that fails, `TornSegmentError`
   * is thrown and the segment must not be written again.
   */
  append(buf: Uint8Array, len: number): void {
    try {
      writeAll(this.fd, buf, len, this.size);
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        throw new TornSegmentError(this.path, { cause: err });
      }
      throw err;
    }
    this.size += len;
  }

  fsyncSync(): void {
    fsyncSync(this.fd);
  }

  /** fsync after every operation queued before it. */
  fsync(): Promise<void> {
    const p = this.chain.then(() => fsyncFd(this.fd));
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** fsync (unless `synced`), then close. The writer must not be used afterwards. */
  close(synced: boolean): Promise<void> {
    const p = this.chain.then(() => (synced ? undefined : fsyncFd(this.fd))).finally(() => closeFd(this.fd));
    this.chain = p.catch(() => undefined);
    return p;
  }
}

/** A failed write could not be undone: the segment ends in a partial record. */
export class TornSegmentError extends WalError {
  override name = 'TornSegmentError';
  constructor(path: string, options: ErrorOptions) {
    super(`${path}: write failed and the partial record could not be removed`, options);
  }
}

function writeAll(fd: number, buf: Uint8Array, len: number, position: number): void {
  let off = 0;
  while (off < len) off += writeSync(fd, buf, off, len - off, position + off);
}
