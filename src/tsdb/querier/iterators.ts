import type { Labels } from '../../model/index.js';
import type { SampleIterator, Series } from '../../storage/index.js';

/** An iterator with no samples. */
export class EmptyIterator implements SampleIterator {
  t = 0;
  v = 0;
  next(): boolean {
    return false;
  }
  seek(): boolean {
    return false;
  }
  err(): Error | undefined {
    return undefined;
  }
}

/**
 * Restricts an iterator to [mint, maxt] (inclusive) and to at most `limit` samples
 * from its start (the head's open chunk grows while a query reads it: the limit is
 * the sample count seen when the query began, so the view stays consistent).
 */
export class RangeIterator implements SampleIterator {
  t = 0;
  v = 0;
  private seen = 0;
  private done = false;
  private started = false;

  constructor(
    private readonly inner: SampleIterator,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly limit: number = Infinity,
  ) {}

  next(): boolean {
    if (this.done) return false;
    if (!this.started) return this.seek(this.mint);
    return this.accept(this.inner.next());
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.started && this.t >= t) return true;
    this.started = true;
    const target = Math.max(t, this.mint);
    // Count skipped samples so the limit still holds after a seek.
    while (this.inner.next()) {
      this.seen++;
      if (this.seen > this.limit) return this.stop();
      if (this.inner.t >= target) return this.check();
    }
    return this.stop();
  }

  private accept(ok: boolean): boolean {
    if (!ok) return this.stop();
    this.seen++;
    if (this.seen > this.limit) return this.stop();
    return this.check();
  }

  private check(): boolean {
    if (this.inner.t > this.maxt) return this.stop();
    this.t = this.inner.t;
    this.v = this.inner.v;
    return true;
  }

  private stop(): false {
    this.done = true;
    return false;
  }

  err(): Error | undefined {
    return this.inner.err();
  }
}

/** One chunk of a series as seen by a reader: its time bounds (inclusive) and a way to open it. */
export interface ChunkSource {
  readonly mint: number;
  readonly maxt: number;
  /**
   * Opens the chunk. `reuse` is the chain's previous, spent iterator: a source may recycle
   * its memory (decode buffers) instead of allocating a new one.
   */
  open(reuse?: SampleIterator): SampleIterator;
}

/**
 * Iterates a series' chunks in order, clipped to [mint, maxt]. Chunks must be sorted by
 * mint and must not overlap (the head and a block each guarantee that for their own
 * chunks); overlapping sources are combined with `MergeIterator` instead.
 */
export class ChunkChainIterator implements SampleIterator {
  t = 0;
  v = 0;
  private i = -1;
  private cur: SampleIterator | undefined;
  /** The last chunk iterator opened (kept after the chain ends, for reuse by the next chain). */
  private last: SampleIterator | undefined;
  private error: Error | undefined;
  private positioned = false;

  /** `spare`: a spent chunk iterator whose memory the first chunk opened may reuse. */
  constructor(
    private readonly chunks: readonly ChunkSource[],
    private readonly mint: number,
    private readonly maxt: number,
    spare?: SampleIterator,
  ) {
    this.last = spare;
  }

  /** A chunk iterator this chain no longer needs once it is spent (for `ChunkSeries.iterator(reuse)`). */
  spareChunkIterator(): SampleIterator | undefined {
    return this.last;
  }

  next(): boolean {
    for (;;) {
      if (this.cur?.next()) return this.take(this.cur);
      if (!this.advanceChunk()) return false;
      if (this.cur!.seek(this.mint)) return this.take(this.cur!);
    }
  }

  seek(t: number): boolean {
    if (this.positioned && this.t >= t) return true;
    const target = Math.max(t, this.mint);
    for (;;) {
      // Chunks that end before the target are skipped without being decoded.
      if (this.cur !== undefined && this.chunks[this.i]!.maxt >= target && this.cur.seek(target)) {
        return this.take(this.cur);
      }
      if (!this.advanceChunk()) return false;
    }
  }

  private advanceChunk(): boolean {
    if (this.cur) {
      const e = this.cur.err();
      if (e) return this.fail(e);
    }
    for (;;) {
      this.i++;
      const c = this.chunks[this.i];
      if (c === undefined || c.mint > this.maxt) {
        this.cur = undefined;
        this.i = this.chunks.length;
        this.positioned = false;
        return false;
      }
      if (c.maxt < this.mint) continue;
      try {
        this.cur = this.last = c.open(this.last);
      } catch (e) {
        return this.fail(e instanceof Error ? e : new Error(String(e)));
      }
      return true;
    }
  }

  private take(it: SampleIterator): boolean {
    if (it.t > this.maxt) {
      this.i = this.chunks.length;
      this.cur = undefined;
      this.positioned = false;
      return false;
    }
    this.t = it.t;
    this.v = it.v;
    this.positioned = true;
    return true;
  }

  private fail(e: Error): false {
    this.error = e;
    this.positioned = false;
    this.cur = undefined;
    this.i = this.chunks.length;
    return false;
  }

  err(): Error | undefined {
    return this.error ?? this.cur?.err();
  }
}

/**
 * Merges iterators of the same series whose time ranges may overlap (head and a block
 * after a restart, or blocks before compaction). Output is strictly increasing in time:
 * when several inputs hold the same timestamp, the first input in the list wins.
 */
export class MergeIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly live: boolean[];
  private started = false;
  private positioned = false;

  constructor(readonly its: readonly SampleIterator[]) {
    this.live = its.map(() => false);
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let k = 0; k < this.its.length; k++) this.live[k] = this.its[k]!.next();
    } else {
      this.advancePast(this.t);
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.positioned && this.t >= t) return true;
    this.started = true;
    for (let k = 0; k < this.its.length; k++) this.live[k] = this.its[k]!.seek(t);
    return this.pick();
  }

  private advancePast(t: number): void {
    for (let k = 0; k < this.its.length; k++) {
      const it = this.its[k]!;
      while (this.live[k] && it.t <= t) this.live[k] = it.next();
    }
  }

  private pick(): boolean {
    let best = -1;
    for (let k = 0; k < this.its.length; k++) {
      if (this.live[k] && (best < 0 || this.its[k]!.t < this.its[best]!.t)) best = k;
    }
    this.positioned = best >= 0;
    if (best < 0) return false;
    this.t = this.its[best]!.t;
    this.v = this.its[best]!.v;
    return true;
  }

  err(): Error | undefined {
    return firstError(this.its);
  }
}

/**
 * Plays iterators of the same series one after the other: for sources whose time ranges
 * are disjoint and given in time order (blocks being compacted). Cheaper than
 * `MergeIterator`; a sample not newer than the last one returned is skipped, so the output
 * stays strictly increasing even if the promise is broken.
 */
export class ConcatIterator implements SampleIterator {
  t = 0;
  v = 0;
  private k = 0;
  private last = -Infinity;

  constructor(readonly its: readonly SampleIterator[]) {}

  next(): boolean {
    while (this.k < this.its.length) {
      const it = this.its[this.k]!;
      while (it.next()) {
        if (it.t > this.last) return this.take(it);
      }
      if (it.err()) return false;
      this.k++;
    }
    return false;
  }

  seek(t: number): boolean {
    if (this.last >= t) return true;
    while (this.k < this.its.length) {
      const it = this.its[this.k]!;
      if (it.seek(t)) {
        do {
          if (it.t > this.last) return this.take(it);
        } while (it.next());
      }
      if (it.err()) return false;
      this.k++;
    }
    return false;
  }

  private take(it: SampleIterator): true {
    this.t = this.last = it.t;
    this.v = it.v;
    return true;
  }

  err(): Error | undefined {
    return firstError(this.its);
  }
}

function firstError(its: readonly SampleIterator[]): Error | undefined {
  for (const it of its) {
    const e = it.err();
    if (e) return e;
  }
  return undefined;
}

/** A series read from chunks (of the head or of a block), clipped to [mint, maxt]. */
export class ChunkSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly sources: readonly ChunkSource[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}
  iterator(reuse?: SampleIterator): SampleIterator {
    if (this.sources.length === 0) return new EmptyIterator();
    const spare = reuse instanceof ChunkChainIterator ? reuse.spareChunkIterator() : undefined;
    return new ChunkChainIterator(this.sources, this.mint, this.maxt, spare);
  }
}
