/** Desired state: load a device's values, or set one to apply now or when the device is back. */
import type { SetDesiredBody } from '../../../shared/desired-state.ts';
import { desiredApi } from '../api/desired-api.ts';
import { useStore } from '../store/store.ts';

export async function loadDesired(deviceId: string): Promise<void> {
  useStore.getState().setDesiredList(await desiredApi.list(deviceId));
}

export async function setDesired(deviceId: string, body: SetDesiredBody): Promise<void> {
  useStore.getState().applyDesired(await desiredApi.set(deviceId, body));
}
