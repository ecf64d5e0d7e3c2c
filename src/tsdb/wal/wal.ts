import { statSync, unlinkSync, mkdirSync } from 'node:fs';
import type { Logger } from '../../common/index.js';
import { WalError } from './errors.js';
import { FRAME_HEADER_SIZE, HEADER_SIZE, MAX_RECORD_SIZE, listSegments, putFrameHeader, segmentPath } from './segment.js';
import { SegmentWriter, TornSegmentError, fsyncDirSync } from './writer.js';

export interface WalOptions {
  /** Segment size in bytes at which `log` starts the next segment (default 64 MiB, minimum 64). */
  readonly segmentSize?: number | undefined;
  readonly logger: Logger;
  /**
   * How often the current segment is fsynced, in ms (default 1000). 0 = fsync inside
   * every `log` call (slow: one fsync per commit).
   */
  readonly syncIntervalMs?: number | undefined;
}

export const DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;
export const DEFAULT_SYNC_INTERVAL_MS = 1000;
const MIN_SEGMENT_SIZE = 64;
/** The reusable frame buffer is dropped after a batch bigger than this, so one huge batch does not pin memory. */
const SCRATCH_KEEP = 8 * 1024 * 1024;

/**
 * A write-ahead log: a directory of numbered segments holding opaque records
 * (docs/format/wal.md). One writer per directory; not safe to share between processes.
 *
 * Durability: once `log` returns, its records are in the OS page cache and survive the
 * process being killed (SIGKILL, crash). They survive power loss or a kernel crash once
 * the segment holding them has been fsynced: by `sync()`, `cut()`, `close()`, the
 * periodic sync (`syncIntervalMs`), or inside `log` when `syncIntervalMs` is 0.
 */
export class Wal {
  private cur: SegmentWriter;
  private first: number;
  /** Bytes in segments other than the current one. */
  private olderBytes: number;
  private readonly closing = new Set<Promise<void>>();
  private readonly segmentSize: number;
  private readonly syncEvery: number;
  private readonly logger: Logger;
  private scratch: Buffer = Buffer.allocUnsafe(64 * 1024);
  private dirty = false;
  private syncing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deferredError: Error | undefined;
  private broken: Error | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    opts: WalOptions,
    existing: readonly number[],
    olderBytes: number,
  ) {
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.syncEvery = opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    this.logger = opts.logger;
    const next = existing.length === 0 ? 1 : existing[existing.length - 1]! + 1;
    this.first = existing[0] ?? next;
    this.olderBytes = olderBytes;
    this.cur = SegmentWriter.create(dir, next);
    if (this.syncEvery > 0) {
      this.timer = setInterval(() => this.periodicSync(), this.syncEvery);
      this.timer.unref();
    }
  }

  /**
   * Creates `dir` if needed and starts a NEW segment after the last existing one (never
   * appends to an old segment, whose tail may be torn). Call `replayWal` first: it
   * repairs torn or corrupt segments, which `open` does not look at.
   */
  static async open(dir: string, opts: WalOptions): Promise<Wal> {
    const size = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isInteger(size) || size < MIN_SEGMENT_SIZE) throw new WalError(`segmentSize must be an integer >= ${MIN_SEGMENT_SIZE}, got ${size}`);
    const every = opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    if (!Number.isFinite(every) || every < 0) throw new WalError(`syncIntervalMs must be >= 0, got ${every}`);
    try {
      mkdirSync(dir, { recursive: true });
      const existing = await listSegments(dir);
      let bytes = 0;
      for (const i of existing) bytes += statSync(segmentPath(dir, i)).size;
      return new Wal(dir, opts, existing, bytes);
    } catch (cause) {
      throw new WalError(`cannot open WAL in ${dir}`, { cause });
    }
  }

  /**
   * Appends the records, in order, with one write system call, before returning (see the
   * class comment for what that guarantees). A batch is never split across segments: if
   * it does not fit in the current segment's remaining space, the next segment is started
   * first (a batch larger than a whole segment gets a segment of its own). Throws
   * `WalError` on I/O failure; the batch is then not logged and the WAL stays usable,
   * unless the partial write could not be undone (`TornSegmentError`): then every later
   * call throws too. Records may be empty; each is at most 4 GiB − 1.
   */
  log(records: readonly Uint8Array[]): void {
    if (this.closed) throw new WalError('WAL is closed');
    if (this.broken) throw new WalError('WAL is unusable after an earlier write failure', { cause: this.broken });
    let total = 0;
    for (const r of records) {
      if (r.length > MAX_RECORD_SIZE) throw new WalError(`record of ${r.length} bytes exceeds the ${MAX_RECORD_SIZE}-byte limit`);
      total += FRAME_HEADER_SIZE + r.length;
    }
    if (total === 0) return;
    if (this.scratch.length < total) this.scratch = Buffer.allocUnsafe(Math.max(total, this.scratch.length * 2));
    const buf = this.scratch;
    let pos = 0;
    for (const r of records) {
      buf.set(r, pos + FRAME_HEADER_SIZE);
      pos = putFrameHeader(buf, pos, buf.subarray(pos + FRAME_HEADER_SIZE, pos + FRAME_HEADER_SIZE + r.length)) + r.length;
    }
    try {
      if (this.cur.size + total > this.segmentSize && this.cur.size > HEADER_SIZE) this.rotate();
      this.cur.append(buf, total);
      this.dirty = true;
      if (this.syncEvery === 0) {
        this.cur.fsyncSync();
        this.dirty = false;
      }
    } catch (cause) {
      if (cause instanceof TornSegmentError) this.broken = cause;
      throw new WalError(`cannot append ${records.length} records to ${this.cur.path}`, { cause });
    } finally {
      if (this.scratch.length > SCRATCH_KEEP) this.scratch = Buffer.allocUnsafe(64 * 1024);
    }
  }

  /**
   * Resolves once everything `log` accepted before this call is on stable storage
   * (earlier segments included). Rejects with `WalError` if an fsync failed, including
   * a background fsync of an earlier segment since the last `sync`.
   */
  async sync(): Promise<void> {
    if (this.closed) throw new WalError('WAL is closed');
    this.dirty = false;
    const seg = this.cur;
    const pending = [...this.closing];
    try {
      await seg.fsync();
    } catch (cause) {
      this.dirty = true;
      throw new WalError(`fsync of ${seg.path} failed`, { cause });
    }
    await Promise.all(pending);
    this.throwDeferred();
  }

  /**
   * fsyncs and closes the current segment and starts the next; returns the new
   * segment's index. Everything logged before `cut` is in segments < the returned index.
   */
  cut(): number {
    if (this.closed) throw new WalError('WAL is closed');
    try {
      this.cur.fsyncSync();
    } catch (cause) {
      throw new WalError(`fsync of ${this.cur.path} failed`, { cause });
    }
    this.dirty = false;
    try {
      this.rotate(true);
    } catch (cause) {
      throw new WalError(`cannot start segment ${this.cur.index + 1} in ${this.dir}`, { cause });
    }
    return this.cur.index;
  }

  /** Inclusive indexes of the segments on disk; `last` is the one being written. */
  segmentRange(): { first: number; last: number } {
    return { first: this.first, last: this.cur.index };
  }

  /**
   * Deletes segments with index < `segment` (the current segment is never deleted, so
   * `segment` is capped at it), then fsyncs the directory. Missing files are ignored.
   */
  async truncateBefore(segment: number): Promise<void> {
    if (this.closed) throw new WalError('WAL is closed');
    const upto = Math.min(segment, this.cur.index);
    if (upto <= this.first) return;
    await Promise.all([...this.closing]);
    for (const i of await listSegments(this.dir)) {
      if (i >= upto) break;
      const p = segmentPath(this.dir, i);
      try {
        const size = statSync(p).size;
        unlinkSync(p);
        this.olderBytes -= size;
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw new WalError(`cannot delete ${p}`, { cause });
      }
    }
    this.first = upto;
    try {
      fsyncDirSync(this.dir);
    } catch (cause) {
      throw new WalError(`fsync of ${this.dir} failed`, { cause });
    }
  }

  /** Bytes in all segment files (checkpoints not included). */
  sizeBytes(): number {
    return this.olderBytes + this.cur.size;
  }

  /** Stops the periodic sync, fsyncs and closes every segment. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    const last = this.cur.close(false).catch((cause: unknown) => {
      this.deferredError ??= new WalError(`closing ${this.cur.path} failed`, { cause });
    });
    await Promise.all([...this.closing, last]);
    this.throwDeferred();
  }

  /** Closes the current segment in the background (fsync then close) and starts the next. */
  private rotate(alreadySynced = false): void {
    const old = this.cur;
    const next = SegmentWriter.create(this.dir, old.index + 1);
    this.cur = next;
    this.olderBytes += old.size;
    const p: Promise<void> = old.close(alreadySynced).then(
      () => void this.closing.delete(p),
      (cause: unknown) => {
        this.closing.delete(p);
        this.deferredError ??= new WalError(`fsync/close of ${old.path} failed`, { cause });
        this.logger.error({ err: cause, file: old.path }, 'WAL segment fsync/close failed');
      },
    );
    this.closing.add(p);
  }

  private periodicSync(): void {
    if (!this.dirty || this.syncing || this.closed) return;
    this.syncing = this.sync()
      .catch((err: unknown) => this.logger.error({ err }, 'periodic WAL fsync failed'))
      .finally(() => (this.syncing = undefined));
  }

  private throwDeferred(): void {
    const err = this.deferredError;
    if (err) {
      this.deferredError = undefined;
      throw err;
    }
  }
}
