/** Loading and acknowledging alerts; the live feed keeps them current in between. */
import { alertsApi } from '../api/alerts-api.ts';
import { errorMessage } from '../api/http.ts';
import { useStore } from '../store/store.ts';

/** Loads the active alerts (on every new snapshot: a reconnect may have hidden a change). */
export async function loadActiveAlerts(): Promise<void> {
  try {
    useStore.getState().setActiveAlerts(await alertsApi.list('active'));
  } catch (err) {
    useStore.getState().alertsLoadFailed(errorMessage(err));
  }
}

/** Acknowledges an alert as the logged-in user; it stays active until its rule clears it. */
export async function acknowledgeAlert(id: number): Promise<void> {
  useStore.getState().applyAlert(await alertsApi.ack(id));
}
