/** Selectors that return stable values, so components re-render only when what they show changes. */
import type { DeviceDto } from '../../../shared/api.ts';
import type { Store } from './store.ts';

const SEP_FIELD = '\u0001';
const SEP_ROW = '\u0002';

function byRoomThenName(a: DeviceDto, b: DeviceDto): number {
  return (
    (a.room ?? '\uffff').localeCompare(b.room ?? '\uffff') ||
    a.name.localeCompare(b.name) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The room layout as one string (room, id per device, in display order). A
 * string compares by value, so a telemetry update does not re-render the page.
 */
export const selectLayoutKey = (s: Store): string =>
  Object.values(s.devices)
    .sort(byRoomThenName)
    .map((d) => `${d.room ?? ''}${SEP_FIELD}${d.id}`)
    .join(SEP_ROW);

export interface RoomGroup {
  /** null: devices with no room. */
  room: string | null;
  ids: string[];
}

/** Parses a layout key back into rooms with their device ids. */
export function groupsFromLayoutKey(key: string): RoomGroup[] {
  if (key === '') return [];
  const groups: RoomGroup[] = [];
  for (const row of key.split(SEP_ROW)) {
    const [room = '', id = ''] = row.split(SEP_FIELD);
    const name = room === '' ? null : room;
    const last = groups.at(-1);
    if (last && last.room === name) last.ids.push(id);
    else groups.push({ room: name, ids: [id] });
  }
  return groups;
}

/** Every room name in use, sorted, joined (stable for the datalist of the admin page). */
export const selectRoomsKey = (s: Store): string =>
  [...new Set(Object.values(s.devices).flatMap((d) => (d.room ? [d.room] : [])))].sort().join(SEP_ROW);

export const roomsFromKey = (key: string): string[] => (key === '' ? [] : key.split(SEP_ROW));

export const selectDevice =
  (id: string) =>
  (s: Store): DeviceDto | undefined =>
    s.devices[id];

export const selectDeviceCount = (s: Store): number => Object.keys(s.devices).length;

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/**
 * Ids of the active alerts, most severe then newest first, joined: a string,
 * so the alerts panel re-renders only when the set or its order changes.
 */
export const selectActiveAlertsKey = (s: Store): string =>
  Object.values(s.alerts)
    .filter((a) => a.status === 'active')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.raised_at - a.raised_at)
    .map((a) => a.id)
    .join(',');

export const alertIdsFromKey = (key: string): number[] => (key === '' ? [] : key.split(',').map(Number));

/** Active alerts nobody has acknowledged yet: what the nav badge counts. */
export const selectUnacknowledgedCount = (s: Store): number =>
  Object.values(s.alerts).filter((a) => a.status === 'active' && a.acknowledged_at === null).length;
