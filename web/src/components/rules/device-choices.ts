import type { DeviceOption } from '../../hooks/useDeviceOptions.ts';

/**
 * Options of a device picker: `Name (id)` for the devices that fit (all of
 * them when none does), the id alone for one the hub no longer has, and a
 * prompt while nothing is chosen.
 */
export function deviceChoices(
  devices: DeviceOption[],
  current: string,
  fits?: (d: DeviceOption) => boolean,
): { value: string; label: string }[] {
  const fitting = fits ? devices.filter(fits) : devices;
  const list = (fitting.length > 0 ? fitting : devices).map((d) => ({
    value: d.id,
    label: `${d.name} (${d.id})`,
  }));
  if (current && !list.some((o) => o.value === current)) {
    list.unshift({ value: current, label: `${current} (unknown device)` });
  }
  if (!current) list.unshift({ value: '', label: 'Choose a device…' });
  return list;
}
