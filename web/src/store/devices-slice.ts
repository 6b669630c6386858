/** Devices as the live feed describes them: snapshot, then deltas applied in place. */
import type { StateCreator } from 'zustand';
import type { DeviceDto } from '../../../shared/api.ts';
import type { PresenceEvent, StateEvent, TelemetryEvent } from '../../../shared/socket.ts';
import type { Store } from './store.ts';

export interface DevicesSlice {
  devices: Record<string, DeviceDto>;
  /** True once a snapshot arrived: before it, "no devices" would be a lie. */
  devicesLoaded: boolean;
  /** Replaces every device (snapshot on connect and on resync). */
  applySnapshot(devices: DeviceDto[]): void;
  /** Each apply* returns false when the device is unknown (the caller may resync). */
  applyTelemetry(e: TelemetryEvent): boolean;
  applyState(e: StateEvent): boolean;
  applyPresence(e: PresenceEvent): boolean;
  upsertDevice(device: DeviceDto): void;
  removeDevice(id: string): void;
}

export const createDevicesSlice: StateCreator<Store, [], [], DevicesSlice> = (set, get) => {
  /** Replaces one device, keeping every other object identical so their tiles do not re-render. */
  const patch = (id: string, update: (d: DeviceDto) => DeviceDto): boolean => {
    const current = get().devices[id];
    if (!current) return false;
    set({ devices: { ...get().devices, [id]: update(current) } });
    return true;
  };

  return {
    devices: {},
    devicesLoaded: false,

    applySnapshot: (devices) =>
      set({ devices: Object.fromEntries(devices.map((d) => [d.id, d])), devicesLoaded: true }),

    applyTelemetry: (e) =>
      patch(e.device_id, (d) => {
        const latest = { ...d.latest };
        for (const [metric, value] of Object.entries(e.values)) {
          const prev = latest[metric];
          // Buffered readings replayed after a reconnect may be older than what we show.
          if (!prev || prev.ts <= e.ts) latest[metric] = { value, ts: e.ts };
        }
        const lastSeen = d.last_seen === null || d.last_seen < e.ts ? e.ts : d.last_seen;
        return { ...d, latest, last_seen: lastSeen };
      }),

    applyState: (e) => patch(e.device_id, (d) => ({ ...d, state: e.state, state_ts: e.ts })),

    applyPresence: (e) => patch(e.device_id, (d) => ({ ...d, presence: e.presence })),

    upsertDevice: (device) => set({ devices: { ...get().devices, [device.id]: device } }),

    removeDevice: (id) => {
      if (!(id in get().devices)) return;
      const { [id]: _removed, ...rest } = get().devices;
      set({ devices: rest });
    },
  };
};
