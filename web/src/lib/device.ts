/** What a device can show and do, read from its description. */
import type { DeviceDto } from '../../../shared/api.ts';
import type { ControlSpec, MetricSpec } from '../../../shared/wire.ts';

/** The metric a tile shows large: temperature when there is one. */
export function primaryMetric(device: DeviceDto): MetricSpec | null {
  const metrics = device.description?.metrics ?? [];
  const declared = metrics.find((m) => m.name === 'temperature') ?? metrics[0];
  if (declared) return declared;
  const seen = 'temperature' in device.latest ? 'temperature' : Object.keys(device.latest)[0];
  return seen ? { name: seen } : null;
}

/** Controls the device can be commanded to set (`<name>.set` is among its methods). */
export function settableControls(device: DeviceDto): ControlSpec[] {
  const d = device.description;
  if (!d) return [];
  return d.controls.filter((c) => d.methods.includes(`${c.name}.set`));
}

/** Commands reach online and stale devices (the hub sends to both). */
export function isReachable(device: DeviceDto): boolean {
  return device.presence.status === 'online' || device.presence.status === 'stale';
}

export function canReadTemperature(device: DeviceDto): boolean {
  return device.description?.methods.includes('temperature.read') ?? false;
}

/** The device command line shown with fresh credentials; arguments quoted when the shell needs it. */
export function deviceCommandLine(kind: string, url: string, id: string, password: string): string {
  const q = (s: string) => (/^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `npm run device -- ${q(kind)} --url ${q(url)} --id ${q(id)} --password ${q(password)}`;
}
