/** Alerts from the live feed, by id (no page shows them yet: that is the alerts issue). */
import type { StateCreator } from 'zustand';
import type { AlertDto } from '../../../shared/alerts.ts';
import type { Store } from './store.ts';

/** Alerts kept in the browser; the hub holds the full history. */
const KEEP = 200;

export interface AlertsSlice {
  alerts: Record<number, AlertDto>;
  applyAlert(alert: AlertDto): void;
}

export const createAlertsSlice: StateCreator<Store, [], [], AlertsSlice> = (set, get) => ({
  alerts: {},
  applyAlert: (alert) => {
    const next = { ...get().alerts, [alert.id]: alert };
    const ids = Object.keys(next).map(Number);
    if (ids.length > KEEP) {
      for (const id of ids.sort((a, b) => a - b).slice(0, ids.length - KEEP)) delete next[id];
    }
    set({ alerts: next });
  },
});
