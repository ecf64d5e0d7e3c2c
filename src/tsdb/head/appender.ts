import type { Labels } from '../../model/index.js';
import { SampleRejectedError, type Appender, type SeriesRef } from '../../storage/index.js';
import { encodeSeries } from '../record/index.js';
import type { Head } from './head.js';

/** Grows a typed array by doubling; returns the (possibly new) array. */
function grow<T extends Float64Array | Uint32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

const bitsView = new Float64Array(1);
const bitsWords = new Uint32Array(bitsView.buffer);

/** True when two floats have the same bits (so NaN payloads and -0 are told apart). */
function sameBits(a: number, b: number): boolean {
  if (a !== b) {
    if (a === a || b === b) return false; // one is not NaN and they differ
  } else if (a !== 0) return true;
  bitsView[0] = a;
  const a0 = bitsWords[0]!, a1 = bitsWords[1]!;
  bitsView[0] = b;
  return a0 === bitsWords[0] && a1 === bitsWords[1];
}

/**
 * The typed arrays an appender buffers its samples in. The head keeps one set for the
 * next appender (one appender per remote-write request: allocating and growing fresh
 * arrays for each was measured to churn ~1.7 GB of malloc over the benchmark load and to
 * fragment the native heap).
 */
export interface AppendBuffers {
  refs: Uint32Array;
  slots: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
  keep: Uint8Array;
}

/** Buffers larger than this many samples are not kept for the next appender. */
const KEEP_BUFFERS_UP_TO = 1 << 16;

export function newAppendBuffers(n = 256): AppendBuffers {
  return { refs: new Uint32Array(n), slots: new Uint32Array(n), ts: new Float64Array(n), vs: new Float64Array(n), keep: new Uint8Array(n) };
}

/**
 * Buffers samples in typed arrays (no object per sample), validates each against the
 * series' newest committed and buffered sample, and at commit writes one WAL record
 * batch before making the samples visible.
 */
export class HeadAppender implements Appender {
  private refs: Uint32Array;
  /** The slot of each sample's series when appended; a slot is trusted at commit only if it still holds the ref. */
  private slots: Uint32Array;
  private ts: Float64Array;
  private vs: Float64Array;
  private keep: Uint8Array;
  private n = 0;
  private done = false;

  constructor(private readonly head: Head) {
    const b = head.takeAppendBuffers();
    this.refs = b.refs;
    this.slots = b.slots;
    this.ts = b.ts;
    this.vs = b.vs;
    this.keep = b.keep;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new Error('appender already committed or rolled back');
    const head = this.head;
    // A known ref is trusted, as in Prometheus: refs are never reused, so one returned for
    // these labels names their series until it leaves the head (then it is unknown here).
    let slot = head.slotOf(ref);
    if (slot < 0) slot = head.getOrCreate(labels);
    return this.add(slot, t, v);
  }

  appendRef(ref: SeriesRef, t: number, v: number): boolean {
    if (this.done) throw new Error('appender already committed or rolled back');
    const slot = this.head.slotOf(ref);
    if (slot < 0) return false;
    this.add(slot, t, v);
    return true;
  }

  labelsOf(ref: SeriesRef): Labels | undefined {
    return this.head.labelsOf(ref);
  }

  /** Validates and buffers one sample of the series at `slot`; returns its ref. */
  private add(slot: number, t: number, v: number): SeriesRef {
    const head = this.head;
    const S = head.series;
    if (!Number.isInteger(t)) {
      head.stats.rejected.invalid++;
      throw new SampleRejectedError('invalid', `timestamp ${t} is not an integer number of milliseconds`);
    }
    if (t < head.minValidTime) {
      head.stats.rejected.too_old++;
      throw new SampleRejectedError('too_old', `sample at ${t} is older than the head accepts (min valid time ${head.minValidTime})`);
    }
    const maxTime = S.maxTime[slot]!, pendingT = S.pendingT[slot]!;
    const pending = pendingT > maxTime;
    const lastT = pending ? pendingT : maxTime;
    if (t <= lastT) {
      if (t === lastT && sameBits(v, pending ? S.pendingV[slot]! : S.lastValue[slot]!)) return S.ref[slot]!; // exact duplicate: ignored, as Prometheus does
      const reason = t === lastT ? 'duplicate' : 'out_of_order';
      head.stats.rejected[reason]++;
      throw new SampleRejectedError(
        reason,
        t === lastT ? `duplicate sample for timestamp ${t} with a different value` : `out of order sample: ${t} is older than the newest sample ${lastT}`,
      );
    }
    S.pendingT[slot] = t;
    S.pendingV[slot] = v;
    const i = this.n++;
    if (i >= this.refs.length) {
      this.refs = grow(this.refs, i + 1, (k) => new Uint32Array(k));
      this.slots = grow(this.slots, i + 1, (k) => new Uint32Array(k));
      this.ts = grow(this.ts, i + 1, (k) => new Float64Array(k));
      this.vs = grow(this.vs, i + 1, (k) => new Float64Array(k));
      this.keep = new Uint8Array(this.refs.length);
    }
    const r = S.ref[slot]!;
    this.refs[i] = r;
    this.slots[i] = slot;
    this.ts[i] = t;
    this.vs[i] = v;
    return r;
  }

  /** The slot of sample i's series if it is still in the head, else -1. */
  private slotAt(i: number): number {
    const slot = this.slots[i]!;
    const S = this.head.series;
    return S.ref[slot] === this.refs[i] && S.labels.has(slot) ? slot : -1;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a WAL error becomes a rejection
  async commit(): Promise<void> {
    if (this.done) throw new Error('appender already committed or rolled back');
    this.done = true;
    const head = this.head;
    const S = head.series;
    const n = this.n;
    try {
      // Pass 1: drop samples overtaken by another appender's commit; find unlogged series.
      const keep = this.keep;
      keep.fill(0, 0, n);
      const newSeries: number[] = [];
      const enc = head.samplesEncoder;
      enc.reset();
      for (let i = 0; i < n; i++) {
        const slot = this.slotAt(i);
        if (slot < 0 || this.ts[i]! <= S.maxTime[slot]! || this.ts[i]! < head.minValidTime) {
          head.stats.rejected.out_of_order++;
          continue;
        }
        keep[i] = 1;
        if (S.walLogged[slot] === 0) {
          S.walLogged[slot] = 1;
          newSeries.push(slot);
        }
        enc.add(this.refs[i]!, this.ts[i]!, this.vs[i]!);
      }
      if (head.log) {
        const records: Uint8Array[] = [];
        if (newSeries.length > 0) records.push(encodeSeries(newSeries.map((slot) => ({ ref: S.ref[slot]!, labels: S.labels.get(slot)! }))));
        // A view of the head's encoder: head.log copies it before returning.
        if (enc.count > 0) records.push(enc.record());
        if (records.length > 0) {
          try {
            head.log(records);
          } catch (e) {
            for (const slot of newSeries) S.walLogged[slot] = 0;
            throw e;
          }
        }
      }
      // Pass 2: make the samples visible.
      const chunks = head.chunks;
      for (let i = 0; i < n; i++) {
        if (keep[i] === 0) continue;
        const t = this.ts[i]!;
        if (chunks.append(this.slots[i]!, t, this.vs[i]!)) head.stats.chunksCreated++;
        head.noteTime(t);
      }
      head.stats.samplesAppended += n - countZeros(keep, n);
    } finally {
      this.clearPending();
    }
  }

  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.clearPending();
  }

  private clearPending(): void {
    const S = this.head.series;
    for (let i = 0; i < this.n; i++) {
      const slot = this.slotAt(i);
      if (slot >= 0) S.pendingT[slot] = -Infinity;
    }
    this.n = 0;
    if (this.refs.length <= KEEP_BUFFERS_UP_TO) this.head.returnAppendBuffers({ refs: this.refs, slots: this.slots, ts: this.ts, vs: this.vs, keep: this.keep });
  }
}

function countZeros(a: Uint8Array, n: number): number {
  let z = 0;
  for (let i = 0; i < n; i++) if (a[i] === 0) z++;
  return z;
}
