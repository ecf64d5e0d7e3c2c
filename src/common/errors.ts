/** Base for Vigie's typed errors: always a message for a person, and the cause when there is one. */
export class VigieError extends Error {
  override name = 'VigieError';
}

/** Data on disk is not what its format promises. Names the file and the byte offset. */
export class CorruptionError extends VigieError {
  override name = 'CorruptionError';
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${file} at byte ${offset}: ${message}`, options);
  }
}

/** The query or operation was cancelled through its AbortSignal. */
export class AbortedError extends VigieError {
  override name = 'AbortedError';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('operation aborted', { cause: signal.reason });
}
