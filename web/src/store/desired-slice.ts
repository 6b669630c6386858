/** Desired values (set while a device may be away) from the live feed, by device and property. */
import type { StateCreator } from 'zustand';
import type { DesiredDto } from '../../../shared/desired-state.ts';
import type { Store } from './store.ts';

export interface DesiredSlice {
  /** By `${device_id}\0${property}`. */
  desired: Record<string, DesiredDto>;
  applyDesired(d: DesiredDto): void;
}

export const createDesiredSlice: StateCreator<Store, [], [], DesiredSlice> = (set, get) => ({
  desired: {},
  applyDesired: (d) => {
    const key = `${d.device_id}\u0000${d.property}`;
    const current = get().desired[key];
    // Versions only go up: an older event arriving late changes nothing.
    if (current && current.version > d.version) return;
    set({ desired: { ...get().desired, [key]: d } });
  },
});
