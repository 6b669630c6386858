/** Devices for the rule editor's pickers: id, name, metrics, controls; re-renders only when those change. */
import { useMemo } from 'react';
import type { Store } from '../store/store.ts';
import { useStore } from '../store/store.ts';

export interface DeviceOption {
  id: string;
  name: string;
  room: string | null;
  metrics: string[];
  /** Controls it can be commanded to set (`<name>.set` among its methods). */
  controls: string[];
}

const F = '\u0001';
const R = '\u0002';
const L = '\u0003';

/** A string compares by value: a telemetry update that adds no metric changes nothing. */
function selectKey(s: Store): string {
  return Object.values(s.devices)
    .map((d) => {
      const metrics = new Set([
        ...(d.description?.metrics.map((m) => m.name) ?? []),
        ...Object.keys(d.latest),
      ]);
      const controls = d.description?.controls
        .filter((c) => d.description?.methods.includes(`${c.name}.set`))
        .map((c) => c.name);
      return [d.id, d.name, d.room ?? '', [...metrics].sort().join(L), (controls ?? []).join(L)].join(F);
    })
    .sort((a, b) => a.localeCompare(b))
    .join(R);
}

const list = (s: string | undefined) => (s ? s.split(L) : []);

export function useDeviceOptions(): DeviceOption[] {
  const key = useStore(selectKey);
  return useMemo(
    () =>
      key === ''
        ? []
        : key
            .split(R)
            .map((row) => {
              const [id = '', name = '', room = '', metrics, controls] = row.split(F);
              return { id, name, room: room || null, metrics: list(metrics), controls: list(controls) };
            })
            .sort((a, b) => a.name.localeCompare(b.name)),
    [key],
  );
}
