/**
 * One shared ticking clock for relative times ("3 min ago"), on the hub's
 * time: the offset comes from the last snapshot's `server_time`.
 */
import { useSyncExternalStore } from 'react';
import { useStore } from '../store/store.ts';

const TICK_MS = 5000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The hub's current time, refreshed every few seconds. */
export function useNow(): number {
  const tick = useSyncExternalStore(subscribe, () => now);
  const offset = useStore((s) => s.live.clockOffsetMs);
  return tick + offset;
}
