/** Readings of one metric that arrive live after `since`, from the store (never from the socket). */
import { useEffect, useState } from 'react';
import { useStore } from '../store/store.ts';

export interface TailPoint {
  ts: number;
  value: number;
}

/** A chart open for hours must not grow without bound. */
const MAX_TAIL = 5000;

/** `since` null: not live, no tail. A new `since` (a new window) starts an empty tail. */
export function useLiveTail(deviceId: string, metric: string, since: number | null): TailPoint[] {
  const [tail, setTail] = useState<TailPoint[]>([]);
  useEffect(() => {
    setTail([]);
    if (since === null) return;
    return useStore.subscribe((s, prev) => {
      const r = s.devices[deviceId]?.latest[metric];
      if (!r || r === prev.devices[deviceId]?.latest[metric] || r.ts < since) return;
      setTail((t) => {
        const last = t.at(-1);
        if (last && r.ts <= last.ts) return t;
        const next = [...t, { ts: r.ts, value: r.value }];
        return next.length > MAX_TAIL ? next.slice(-MAX_TAIL) : next;
      });
    });
  }, [deviceId, metric, since]);
  return tail;
}
