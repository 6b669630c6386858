/** Loads one metric's history for a window; a newer request cancels the older one. */
import { useEffect, useState } from 'react';
import type { HistoryDto } from '../../../shared/api.ts';
import { errorMessage, HttpError, http } from '../api/http.ts';

export interface HistoryState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last data loaded; kept while a newer window loads so the chart does not blink. */
  data: HistoryDto | null;
  error: string | null;
}

export interface HistoryRequest {
  deviceId: string;
  metric: string;
  from: number;
  to: number;
  /** The chart's width in pixels: more points than that cannot be seen. */
  points: number;
  /** Changes force a reload (after a reconnect, or "Retry"). */
  reload: number;
}

export function useHistory({ deviceId, metric, from, to, points, reload }: HistoryRequest): HistoryState {
  const [state, setState] = useState<HistoryState>({ status: 'idle', data: null, error: null });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is a deliberate trigger
  useEffect(() => {
    if (points <= 0) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, status: 'loading', error: null }));
    http.history(deviceId, { metric, from, to, points }, abort.signal).then(
      (data) => setState({ status: 'ready', data, error: null }),
      (err: unknown) => {
        if (err instanceof HttpError && err.code === 'aborted') return;
        setState((s) => ({ status: 'error', data: s.data, error: errorMessage(err) }));
      },
    );
    return () => abort.abort();
  }, [deviceId, metric, from, to, points, reload]);

  return state;
}
