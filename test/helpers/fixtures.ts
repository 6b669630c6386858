/** Device descriptions and SDK devices shared by the integration tests. */
import { HearthDevice, type HearthDeviceOptions } from '../../devices/sdk/hearth-device.ts';
import type { Credentials } from '../../shared/api.ts';
import type { Description } from '../../shared/wire.ts';
import type { TestHub } from './hub.ts';

export const thermometer: Description = {
  model: 'test-thermometer',
  firmware: '1.0.0',
  kind: 'thermometer',
  metrics: [{ name: 'temperature', unit: '°C' }],
  controls: [],
  methods: [],
};

export const heater: Description = {
  model: 'test-heater',
  firmware: '2.1.0',
  kind: 'heater',
  metrics: [{ name: 'temperature', unit: '°C' }],
  controls: [
    { name: 'heater', type: 'boolean' },
    { name: 'setpoint', type: 'number', min: 5, max: 30, step: 0.5, unit: '°C' },
  ],
  methods: ['heater.set', 'setpoint.set', 'temperature.read', 'identify', 'slow.op'],
};

/** An SDK device for `credentials`, not started. Reconnects slowly so tests stay in control. */
export function sdkDevice(
  t: TestHub,
  credentials: Credentials,
  description: Description,
  extra: Partial<HearthDeviceOptions> = {},
): HearthDevice {
  return new HearthDevice({
    url: t.mqttUrl,
    id: credentials.device_id,
    password: credentials.password,
    description,
    backoff: { initialMs: 60_000, maxMs: 60_000 },
    ...extra,
  });
}
