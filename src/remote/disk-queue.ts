import { closeSync, fsync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../common/index.js';

/**
 * A durable FIFO of opaque records for one remote-write destination, in a directory:
 *
 *   NNNNNNNN.seg   segments, appended to in order; cut at `segmentBytes`
 *   position       JSON {segment, offset}: the first record not yet acknowledged
 *
 * A record is `len:u32le crc:u32le count:u32le maxT:f64le payload[len]`, crc = CRC-32 of
 * the bytes from `count` to the end of the payload. `count` and `maxT` describe the samples
 * in the payload (for stats and for dropping). Appends are synchronous writes (they survive
 * a process crash at once) and are fsynced every `syncInterval` ms (a power loss may cost
 * that much, as the WAL's promise). The position is saved at most every `syncInterval` ms
 * and at close, so after a crash records since the last save are delivered again
 * (at-least-once; receivers ignore identical samples). A torn record at the tail of the
 * last segment (crash mid-write) is cut off at open.
 */
export interface DiskQueueOptions {
  readonly dir: string;
  readonly logger: Logger;
  /** Segment size before a new one is cut (default 8 MiB). */
  readonly segmentBytes?: number;
  /** Bytes kept at most; beyond, the oldest segments are dropped (default 1 GiB). */
  readonly maxBytes?: number;
  /** ms between fsyncs and position saves (default 1000). */
  readonly syncInterval?: number;
}

export interface QueueBatch {
  readonly payloads: Uint8Array[];
  readonly samples: number;
  readonly maxT: number;
  /** Where the queue resumes once this batch is acknowledged. */
  readonly end: QueuePosition;
}

export interface QueuePosition {
  readonly segment: number;
  readonly offset: number;
}

const HEADER = 20;
const segName = (i: number): string => `${String(i).padStart(8, '0')}.seg`;

interface Segment {
  readonly index: number;
  size: number;
  /** Samples in records of this segment at or after the read position. */
  samples: number;
}

export class DiskQueue {
  private readonly segments: Segment[] = [];
  private fd = -1;
  private pos: QueuePosition;
  private savedPos = '';
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly segmentBytes: number;
  private readonly maxBytes: number;
  /** Samples dropped because the queue exceeded maxBytes or a record was corrupt. */
  dropped = 0;

  constructor(private readonly o: DiskQueueOptions) {
    this.segmentBytes = o.segmentBytes ?? 8 * 2 ** 20;
    this.maxBytes = o.maxBytes ?? 2 ** 30;
    mkdirSync(o.dir, { recursive: true });
    const indexes = readdirSync(o.dir).filter((n) => /^\d{8}\.seg$/.test(n)).map((n) => Number(n.slice(0, 8))).sort((a, b) => a - b);
    this.pos = this.readPosition(indexes);
    for (const i of indexes) {
      if (i < this.pos.segment) rmSync(join(o.dir, segName(i)), { force: true });
      else this.segments.push({ index: i, size: statSync(join(o.dir, segName(i))).size, samples: 0 });
    }
    if (this.segments.length === 0) this.segments.push({ index: this.pos.segment, size: 0, samples: 0 });
    this.scan();
    const last = this.segments[this.segments.length - 1]!;
    this.fd = openSync(join(o.dir, segName(last.index)), 'a');
    this.timer = setInterval(() => this.sync(), o.syncInterval ?? 1000);
    this.timer.unref();
  }

  /** Samples in records not yet acknowledged. */
  get pending(): number {
    let n = 0;
    for (const s of this.segments) n += s.samples;
    return n;
  }

  /** Bytes of segments still on disk. */
  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Appends one record (synchronous write). */
  append(payload: Uint8Array, count: number, maxT: number): void {
    let last = this.segments[this.segments.length - 1]!;
    if (last.size > 0 && last.size + HEADER + payload.length > this.segmentBytes) {
      closeSync(this.fd);
      last = { index: last.index + 1, size: 0, samples: 0 };
      this.segments.push(last);
      this.fd = openSync(join(this.o.dir, segName(last.index)), 'a');
    }
    const rec = Buffer.allocUnsafe(HEADER + payload.length);
    rec.writeUInt32LE(payload.length, 0);
    rec.writeUInt32LE(count, 8);
    rec.writeDoubleLE(maxT, 12);
    rec.set(payload, HEADER);
    rec.writeUInt32LE(crc32(rec.subarray(8)), 4);
    let off = 0;
    while (off < rec.length) off += writeSync(this.fd, rec, off, rec.length - off);
    last.size += rec.length;
    last.samples += count;
    this.dirty = true;
    this.enforceLimit();
  }

  /** Reads records from the read position until `maxSamples` are gathered (at least one record), or undefined when empty. */
  peek(maxSamples: number): QueueBatch | undefined {
    const payloads: Uint8Array[] = [];
    let samples = 0;
    let maxT = -Infinity;
    let { segment, offset } = this.pos;
    while (samples < maxSamples) {
      const si = this.segments.findIndex((s) => s.index === segment);
      const seg = this.segments[si];
      if (seg === undefined) break;
      if (offset >= seg.size) {
        const next = this.segments[si + 1];
        if (next === undefined) break;
        segment = next.index;
        offset = 0;
        continue;
      }
      const rec = this.readRecord(seg.index, offset, seg.size);
      if (rec === undefined) {
        // Corrupt: skip the rest of this segment.
        offset = seg.size;
        continue;
      }
      payloads.push(rec.payload);
      samples += rec.count;
      if (rec.maxT > maxT) maxT = rec.maxT;
      offset += HEADER + rec.payload.length;
    }
    if (payloads.length === 0) {
      if (segment !== this.pos.segment || offset !== this.pos.offset) this.ack({ segment, offset }, 0);
      return undefined;
    }
    return { payloads, samples, maxT, end: { segment, offset } };
  }

  /** Acknowledges everything before `end` (`samples` of them): drops finished segments. */
  ack(end: QueuePosition, samples: number): void {
    this.pos = end;
    let left = samples;
    for (const s of this.segments) {
      if (s.index > end.segment) break;
      const take = s.index < end.segment ? s.samples : Math.min(s.samples, left);
      s.samples -= take;
      left -= take;
    }
    while (this.segments.length > 1 && this.segments[0]!.index < end.segment) {
      const s = this.segments.shift()!;
      rmSync(join(this.o.dir, segName(s.index)), { force: true });
    }
    this.dirty = true;
  }

  /** fsyncs the open segment and saves the position if either changed. */
  sync(): void {
    if (!this.dirty || this.fd < 0) return;
    this.dirty = false;
    fsync(this.fd, (err) => {
      if (err) this.o.logger.error({ err }, 'remote write queue: fsync failed');
    });
    this.savePosition();
  }

  /** Syncs and closes; the queue must not be used afterwards. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    this.savePosition();
  }

  private savePosition(): void {
    const s = JSON.stringify(this.pos);
    if (s === this.savedPos) return;
    const tmp = join(this.o.dir, 'position.tmp');
    writeFileSync(tmp, s);
    renameSync(tmp, join(this.o.dir, 'position'));
    this.savedPos = s;
  }

  private readPosition(indexes: number[]): QueuePosition {
    try {
      const p = JSON.parse(readFileSync(join(this.o.dir, 'position'), 'utf8')) as QueuePosition;
      if (Number.isSafeInteger(p.segment) && Number.isSafeInteger(p.offset) && p.offset >= 0) {
        this.savedPos = JSON.stringify(p);
        return p;
      }
    } catch {
      // no position yet: start at the oldest segment
    }
    return { segment: indexes[0] ?? 1, offset: 0 };
  }

  /** Counts pending samples; cuts a torn tail off the last segment. */
  private scan(): void {
    for (const [k, seg] of this.segments.entries()) {
      const isLast = k === this.segments.length - 1;
      let off = seg.index === this.pos.segment ? this.pos.offset : 0;
      while (off < seg.size) {
        const rec = this.readRecord(seg.index, off, seg.size);
        if (rec === undefined) break;
        seg.samples += rec.count;
        off += HEADER + rec.payload.length;
      }
      if (off < seg.size && isLast) {
        this.o.logger.warn({ segment: segName(seg.index), offset: off, size: seg.size }, 'remote write queue: cutting a torn record off the last segment');
        const fd = openSync(join(this.o.dir, segName(seg.index)), 'r+');
        ftruncateSync(fd, off);
        closeSync(fd);
        seg.size = off;
      }
      if (this.pos.segment === seg.index && this.pos.offset > seg.size) this.pos = { segment: seg.index, offset: seg.size };
    }
  }

  private readRecord(index: number, off: number, size: number): { payload: Uint8Array; count: number; maxT: number } | undefined {
    if (off + HEADER > size) return this.corrupt(index, off, 'truncated record header');
    const fd = openSync(join(this.o.dir, segName(index)), 'r');
    try {
      const h = Buffer.allocUnsafe(HEADER);
      readSync(fd, h, 0, HEADER, off);
      const len = h.readUInt32LE(0);
      if (off + HEADER + len > size) return this.corrupt(index, off, `record of ${len} bytes runs past the end`);
      const payload = Buffer.allocUnsafe(len);
      if (len > 0) readSync(fd, payload, 0, len, off + HEADER);
      const crc = crc32(payload, crc32(h.subarray(8)));
      if (crc !== h.readUInt32LE(4)) return this.corrupt(index, off, 'checksum mismatch');
      return { payload, count: h.readUInt32LE(8), maxT: h.readDoubleLE(12) };
    } finally {
      closeSync(fd);
    }
  }

  private corrupt(index: number, off: number, why: string): undefined {
    this.o.logger.warn({ segment: segName(index), offset: off }, `remote write queue: ${why}`);
    return undefined;
  }

  /** Drops the oldest segments (their pending samples counted in `dropped`) while over maxBytes. */
  private enforceLimit(): void {
    while (this.segments.length > 1 && this.bytes > this.maxBytes) {
      const s = this.segments.shift()!;
      this.dropped += s.samples;
      rmSync(join(this.o.dir, segName(s.index)), { force: true });
      this.o.logger.warn({ segment: segName(s.index), samples: s.samples }, 'remote write queue over its size limit: oldest segment dropped');
      if (this.pos.segment <= s.index) this.pos = { segment: this.segments[0]!.index, offset: 0 };
    }
  }
}
