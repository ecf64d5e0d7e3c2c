import { useEffect, useState } from 'preact/hooks';

export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
}

/**
 * Runs `load` when `deps` change, and again every `refreshMs` when given (the previous data
 * stays shown while reloading). The signal aborts a load that is no longer wanted.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], refreshMs?: number): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = (): void => {
      setState((s) => ({ ...s, loading: true }));
      load(ac.signal).then(
        (data) => { if (!ac.signal.aborted) setState({ data, error: undefined, loading: false }); },
        (e: unknown) => { if (!ac.signal.aborted) setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e), loading: false })); },
      ).finally(() => {
        if (!ac.signal.aborted && refreshMs !== undefined) timer = setTimeout(run, refreshMs);
      });
    };
    run();
    return () => {
      ac.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, deps);
  return state;
}
