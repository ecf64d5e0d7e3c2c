/** Retry timing of delivery. All durations in ms. */
export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter. */
  readonly initialMs: number;
  /** Upper bound of any delay. */
  readonly maxMs: number;
  /** Growth per attempt. */
  readonly factor: number;
}

/**
 * Delay after the `attempt`-th failed try (1-based): initial × factor^(attempt-1), capped at
 * maxMs, then jittered uniformly into [½·d, d] so many failing items do not retry in step.
 * `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number): number {
  const exp = Math.min(p.maxMs, p.initialMs * Math.pow(p.factor, Math.max(0, attempt - 1)));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
