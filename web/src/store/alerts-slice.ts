/** Alerts by id: active ones loaded over HTTP, then kept current by live `alert` events. */
import type { StateCreator } from 'zustand';
import type { AlertDto } from '../../../shared/alerts.ts';
import type { Store } from './store.ts';

/** Alerts kept in the browser; the hub holds the full history. */
const KEEP = 200;

export interface AlertsSlice {
  alerts: Record<number, AlertDto>;
  /** True once the active alerts were loaded: before it, "no alerts" would be a lie. */
  alertsLoaded: boolean;
  /** Why the last load of the active alerts failed; null when it did not. */
  alertsError: string | null;
  applyAlert(alert: AlertDto): void;
  /** The hub's active alerts (after a connect): ones we show as active but it does not list have cleared. */
  setActiveAlerts(active: AlertDto[]): void;
  alertsLoadFailed(message: string): void;
}

/**
 * An alert only moves forward (raised → acknowledged, active → cleared), so
 * whichever copy has gone further wins, whatever order the HTTP answer and
 * the live events arrived in.
 */
function further(a: AlertDto | undefined, b: AlertDto): AlertDto {
  if (!a) return b;
  const cleared = a.status === 'cleared' ? a : b.status === 'cleared' ? b : null;
  const acked = a.acknowledged_at !== null ? a : b.acknowledged_at !== null ? b : null;
  return {
    ...b,
    ...(cleared
      ? { status: 'cleared', cleared_at: cleared.cleared_at, clear_reason: cleared.clear_reason }
      : {}),
    ...(acked ? { acknowledged_at: acked.acknowledged_at, acknowledged_by: acked.acknowledged_by } : {}),
  };
}

function trim(alerts: Record<number, AlertDto>): Record<number, AlertDto> {
  const ids = Object.keys(alerts).map(Number);
  if (ids.length <= KEEP) return alerts;
  const next = { ...alerts };
  // Cleared alerts go first, oldest first: an active alert is never dropped for room.
  const order = ids.sort((x, y) => {
    const a = alerts[x];
    const b = alerts[y];
    const rank = (d: AlertDto | undefined) => (d?.status === 'active' ? 1 : 0);
    return rank(a) - rank(b) || x - y;
  });
  for (const id of order.slice(0, ids.length - KEEP)) delete next[id];
  return next;
}

export const createAlertsSlice: StateCreator<Store, [], [], AlertsSlice> = (set, get) => ({
  alerts: {},
  alertsLoaded: false,
  alertsError: null,

  applyAlert: (alert) =>
    set({ alerts: trim({ ...get().alerts, [alert.id]: further(get().alerts[alert.id], alert) }) }),

  setActiveAlerts: (active) => {
    const next: Record<number, AlertDto> = {};
    const listed = new Set(active.map((a) => a.id));
    for (const a of Object.values(get().alerts)) {
      // Missing from the hub's list: it cleared while we were not listening.
      if (a.status === 'active' && !listed.has(a.id)) continue;
      next[a.id] = a;
    }
    for (const a of active) next[a.id] = further(next[a.id], a);
    set({ alerts: trim(next), alertsLoaded: true, alertsError: null });
  },

  alertsLoadFailed: (message) => set({ alertsError: message }),
});
