/** Fetches now and then every `intervalMs` (never two at once); keeps the last good answer through errors. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, HttpError } from '../api/http.ts';

export interface PollState<T> {
  data: T | null;
  /** The last attempt's failure; null once one succeeds again. */
  error: string | null;
  /** HTTP status of the last failure (404: the hub has no such endpoint). */
  errorStatus: number | null;
  /** When the data was last loaded (browser clock). */
  updatedAt: number | null;
}

export function usePoll<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
): [PollState<T>, () => void] {
  const [state, setState] = useState<PollState<T>>({
    data: null,
    error: null,
    errorStatus: null,
    updatedAt: null,
  });
  const [kick, setKick] = useState(0);
  const latest = useRef(fetcher);
  latest.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `kick` restarts the loop on demand
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      latest
        .current(abort.signal)
        .then(
          (data) => setState({ data, error: null, errorStatus: null, updatedAt: Date.now() }),
          (err: unknown) => {
            if (abort.signal.aborted) return;
            const status = err instanceof HttpError ? err.status : null;
            setState((s) => ({ ...s, error: errorMessage(err), errorStatus: status }));
          },
        )
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(run, intervalMs);
        });
    };
    run();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [intervalMs, kick]);

  return [state, useCallback(() => setKick((k) => k + 1), [])];
}
