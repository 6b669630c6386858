import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import type { EffectiveRetentionDto, HistoryDto, StorageDto } from '../../shared/api.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const DAY = 24 * 3600 * 1000;

describe('retention, rollups and storage', () => {
  let t: TestHub;
  let device: HearthDevice;
  beforeEach(async () => {
    t = await startTestHub({ overrides: { checkpointIntervalMs: 100 } });
    const { credentials } = await t.addDevice('Sensor', { id: 'sensor-1' });
    device = new HearthDevice({
      url: t.mqttUrl,
      id: credentials.device_id,
      password: credentials.password,
      description: {
        model: 'm',
        firmware: '1',
        metrics: [{ name: 'temperature' }, { name: 'humidity' }],
        controls: [],
        methods: [],
      },
    });
    await device.start();
  });
  afterEach(async () => {
    await device.stop();
    await t.close();
  });

  const history = async (metric: string, from: number, to: number, points = 1000) =>
    (await (
      await t.api(`/api/devices/sensor-1/history?metric=${metric}&from=${from}&to=${to}&points=${points}`)
    ).json()) as HistoryDto;

  it('prunes raw readings past their retention but keeps the rollups, honouring overrides', async () => {
    const now = Date.now();
    // One reading per hour for 40 days.
    for (let h = 40 * 24; h > 0; h--) device.telemetry({ temperature: 20, humidity: 50 }, now - h * 3600_000);
    await waitFor(() => device.stats.telemetrySent === 40 * 24, { what: 'readings acknowledged' });

    // Keep humidity's raw readings forever.
    const put = await t.api('/api/devices/sensor-1/retention', {
      method: 'PUT',
      body: { metric: 'humidity', raw_days: 0 },
    });
    expect(put.status).toBe(200);
    const effective = (await put.json()) as EffectiveRetentionDto;
    expect(effective.defaults).toEqual({ raw_days: 30, minute_days: 366, hour_days: 0 });
    expect(effective.effective.humidity).toEqual({ raw_days: 0, minute_days: 366, hour_days: 0 });
    expect(effective.effective.temperature).toEqual({ raw_days: 30, minute_days: 366, hour_days: 0 });

    const result = await t.hub.app.storage.pruner.runOnce();
    expect(result.deleted).toBeGreaterThan(200);

    // Raw temperature readings older than 30 days are gone; the last 30 days are intact.
    const rawOld = await history('temperature', now - 40 * DAY, now - 31 * DAY, 200);
    expect(rawOld.source).toBe('1h');
    // 216 hourly readings in the range; a rollup answer is aligned to whole
    // buckets, so the hour buckets at either edge may bring in one reading each.
    const oldCount = rawOld.count.reduce((a, c) => a + c, 0);
    expect(oldCount).toBeGreaterThanOrEqual(216);
    expect(oldCount).toBeLessThanOrEqual(218);
    // With fewer points the coarser 6-hour tier answers, from the same rollups.
    const coarse = await history('temperature', now - 40 * DAY, now - 31 * DAY, 50);
    expect(coarse.source).toBe('6h');
    expect(coarse.ts.length).toBeLessThanOrEqual(50);
    const recent = await history('temperature', now - 29 * DAY, now, 5000);
    expect(recent.count.reduce((a, c) => a + c, 0)).toBe(29 * 24);
    // The raw tier itself: a 1-hour window 35 days ago is answered from raw readings, now empty.
    const rawWindow = await history('temperature', now - 35 * DAY, now - 35 * DAY + 3600_000);
    expect(rawWindow.source).toBe('raw');
    expect(rawWindow.ts).toHaveLength(0);
    const humidityWindow = await history('humidity', now - 35 * DAY, now - 35 * DAY + 3600_000);
    expect(humidityWindow.ts).toHaveLength(1);

    const del = await t.api('/api/devices/sensor-1/retention?metric=humidity', { method: 'DELETE' });
    expect(((await del.json()) as EffectiveRetentionDto).overrides).toHaveLength(0);
    expect(
      (await t.api('/api/devices/sensor-1/retention?metric=humidity', { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('reports the database size, rows per tier and projected growth', async () => {
    for (let i = 0; i < 50; i++) device.telemetry({ temperature: i });
    await waitFor(() => device.stats.telemetrySent === 50);
    const s = (await (await t.api('/api/storage')).json()) as StorageDto;
    expect(s.size_bytes).toBeGreaterThan(0);
    expect(s.tiers.map((x) => x.name)).toEqual(['raw', '1m', '10m', '1h', '6h']);
    expect(s.tiers[0]?.rows).toBe(50);
    expect(s.tiers[0]?.rows_per_day).toBe(50);
    expect(s.projected_bytes.days_365).toBeGreaterThanOrEqual(s.projected_bytes.days_30);
    expect(s.projected_bytes.days_30).toBeGreaterThan(s.size_bytes);
    // The WAL is checkpointed from the worker thread.
    await waitFor(() => t.hub.app.storage.checkpointer.stats.runs > 2, { what: 'checkpoints' });
    expect(t.hub.app.storage.checkpointer.stats.failures).toBe(0);
  });

  it('refuses bad retention bodies', async () => {
    for (const body of [{ raw_days: -1 }, { raw_days: 'ten' }, { metric: 'Bad Name' }, { extra: 1 }]) {
      const res = await t.api('/api/devices/sensor-1/retention', { method: 'PUT', body });
      expect(res.status).toBe(400);
    }
    expect((await t.api('/api/devices/nope/retention', { method: 'PUT', body: {} })).status).toBe(404);
  });
});
