import { useCallback, useState } from 'react';
import { errorMessage } from '../api/http.ts';

/**
 * One request at a time from a form or a button: `busy` while it runs, then
 * its error message (or null). `run(start, onDone)` starts the request and
 * calls `onDone` with its result when it succeeds; `setError` shows a
 * message of the form's own (a failed local check).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(<T>(start: () => Promise<T>, onDone?: (value: T) => void) => {
    setBusy(true);
    setError(null);
    start().then(
      (value) => {
        setBusy(false);
        onDone?.(value);
      },
      (err: unknown) => {
        setBusy(false);
        setError(errorMessage(err));
      },
    );
  }, []);
  return { busy, error, setError, run };
}
