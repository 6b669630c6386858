/** Keeps the active alerts loaded while the dashboard is open: after every snapshot, live events after that. */
import { useEffect } from 'react';
import { loadActiveAlerts } from '../actions/alerts.ts';
import { useStore } from '../store/store.ts';

export function useActiveAlertsSync(): void {
  const epoch = useStore((s) => s.live.epoch);
  useEffect(() => {
    // Before the first snapshot the feed is not listening: an alert raised now would be missed.
    if (epoch > 0) void loadActiveAlerts();
  }, [epoch]);
}
