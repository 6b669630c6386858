/** Runs a load when its inputs change and keeps its status; the result goes wherever `load` puts it. */
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/http.ts';

export type LoadStatus = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string };

export function useLoader(load: () => Promise<void>, deps: readonly unknown[]): [LoadStatus, () => void] {
  const [state, setState] = useState<LoadStatus>({ status: 'loading' });
  const [retry, setRetry] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what the load depends on
  useEffect(() => {
    let current = true;
    load().then(
      () => current && setState({ status: 'ready' }),
      (err: unknown) => current && setState({ status: 'error', message: errorMessage(err) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, retry]);
  return [state, () => setRetry((r) => r + 1)];
}
