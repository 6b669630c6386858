/** Loads a device's desired values (after every snapshot); live `desired` events keep them current. */
import { useEffect } from 'react';
import { loadDesired } from '../actions/desired.ts';
import { useStore } from '../store/store.ts';

export function useDesiredSync(deviceId: string, enabled: boolean): void {
  const epoch = useStore((s) => s.live.epoch);
  useEffect(() => {
    if (!enabled || epoch === 0) return;
    // A failure leaves the live events to fill in; the device page's desired card shows load errors.
    loadDesired(deviceId).catch(() => {});
  }, [deviceId, enabled, epoch]);
}
