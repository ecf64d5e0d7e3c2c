/**
 * Bounds how many probes run at once. `acquire` resolves when a slot is free (FIFO order),
 * or rejects when `signal` aborts while waiting; each successful acquire must be paired with
 * exactly one `release`.
 */
export class Semaphore {
  private inFlight = 0;
  private readonly waiters: { grant: () => void; signal: AbortSignal; onAbort: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Slots in use now. */
  get active(): number {
    return this.inFlight;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w = {
        signal,
        grant: (): void => {
          signal.removeEventListener('abort', w.onAbort);
          resolve();
        },
        onAbort: (): void => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Frees a slot: hands it to the oldest waiter, if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.grant();
    else this.inFlight--;
  }
}
