/** Desired values (set while a device may be away) by device and property: loaded over HTTP, kept live. */
import type { StateCreator } from 'zustand';
import type { DesiredDto } from '../../../shared/desired-state.ts';
import type { Store } from './store.ts';

export interface DesiredSlice {
  /** By `desiredKey(device_id, property)`. */
  desired: Record<string, DesiredDto>;
  applyDesired(d: DesiredDto): void;
  /** A device's desired values as GET /api/devices/:id/desired lists them. */
  setDesiredList(list: DesiredDto[]): void;
}

export const desiredKey = (deviceId: string, property: string): string => `${deviceId}\u0000${property}`;

/** Versions only go up; within a version, a later update (applied, expired …) wins. */
function isNewer(current: DesiredDto | undefined, d: DesiredDto): boolean {
  if (!current) return true;
  if (d.version !== current.version) return d.version > current.version;
  return d.updated_at >= current.updated_at;
}

export const createDesiredSlice: StateCreator<Store, [], [], DesiredSlice> = (set, get) => ({
  desired: {},

  applyDesired: (d) => {
    const key = desiredKey(d.device_id, d.property);
    if (!isNewer(get().desired[key], d)) return;
    set({ desired: { ...get().desired, [key]: d } });
  },

  setDesiredList: (list) => {
    const next = { ...get().desired };
    let changed = false;
    for (const d of list) {
      const key = desiredKey(d.device_id, d.property);
      if (isNewer(next[key], d) && next[key] !== d) {
        next[key] = d;
        changed = true;
      }
    }
    if (changed) set({ desired: next });
  },
});
