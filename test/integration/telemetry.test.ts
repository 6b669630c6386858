import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import type { DeviceDto, HistoryDto } from '../../shared/api.ts';
import type { Description } from '../../shared/wire.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const thermometer: Description = {
  model: 'test-thermometer',
  firmware: '1.0.0',
  kind: 'thermometer',
  metrics: [
    { name: 'temperature', unit: '°C' },
    { name: 'humidity', unit: '%' },
  ],
  controls: [],
  methods: [],
};

describe('telemetry', () => {
  let t: TestHub;
  let device: HearthDevice | undefined;
  beforeEach(async () => {
    t = await startTestHub();
  });
  afterEach(async () => {
    await device?.stop();
    device = undefined;
    await t.close();
  });

  it('stores readings from a real device and answers history queries', async () => {
    const { credentials } = await t.addDevice('Hall thermometer', { id: 'hall-thermo', room: 'Hall' });
    device = new HearthDevice({
      url: t.mqttUrl,
      id: credentials.device_id,
      password: credentials.password,
      description: thermometer,
    });
    await device.start();
    const base = Date.now() - 60_000;
    for (let i = 0; i < 20; i++)
      device.telemetry({ temperature: 20 + i / 10, humidity: 40 }, base + i * 1000);
    await waitFor(() => device?.stats.telemetrySent === 20, { what: '20 readings acknowledged' });

    const res = await t.api(
      `/api/devices/hall-thermo/history?metric=temperature&from=${base}&to=${base + 20_000}&points=100`,
    );
    expect(res.status).toBe(200);
    const h = (await res.json()) as HistoryDto;
    expect(h.ts).toHaveLength(20);
    expect(h.bucket_ms).toBeNull();
    expect(h.unit).toBe('°C');
    expect(h.value[0]).toBeCloseTo(20);
    expect(h.value[19]).toBeCloseTo(21.9);

    const dev = (await (await t.api('/api/devices/hall-thermo')).json()) as DeviceDto;
    expect(dev.presence.status).toBe('online');
    expect(dev.latest.temperature?.value).toBeCloseTo(21.9);
    expect(dev.description?.model).toBe('test-thermometer');
  });
});
