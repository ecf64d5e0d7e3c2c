import { VigieError } from '../common/index.js';
import type { ProbeMetrics } from './result.js';

/** A probe failed for `message` (one sentence, shown to users as the failure reason). */
export class ProbeFailure extends VigieError {
  override name = 'ProbeFailure';
}

/** What a prober gets besides its module and target. */
export interface ProberContext {
  readonly metrics: ProbeMetrics;
  /** Aborted on the caller's signal or when the probe's timeout elapses; probers destroy their sockets and children on it. */
  readonly signal: AbortSignal;
  /** ms the probe may last in total (already the smaller of the module's and the caller's). */
  readonly timeoutMs: number;
  /** `hostname` parameter of /probe: the HTTP Host header, or the TLS server name for tcp. */
  readonly hostname?: string | undefined;
  log(message: string): void;
}

/**
 * A prober: resolves to undefined on success or to the failure reason; it may also throw
 * (a ProbeFailure or any error: its message becomes the reason).
 */
export type Prober<C> = (target: string, config: C, ctx: ProberContext) => Promise<string | undefined>;

/** The reason to report when `signal` fired: the timeout or the caller's abort. */
export function abortReason(signal: AbortSignal, timeoutMs: number): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name === 'TimeoutError') return `probe timed out after ${timeoutMs / 1000}s`;
  return 'probe aborted';
}

/** Rejects with the abort reason when `signal` fires first; the work itself is left to the caller to cancel. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(new ProbeFailure(abortReason(signal, timeoutMs)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ProbeFailure(abortReason(signal, timeoutMs)));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A short human text of a socket/DNS error (`connection refused`, `no such host`...). */
export function describeNetError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by peer';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ENOTFOUND':
      return 'no such host';
    case 'EAI_AGAIN':
      return 'temporary failure in name resolution';
    case 'EPIPE':
      return 'connection closed by peer (broken pipe)';
    default:
      return err.message;
  }
}
