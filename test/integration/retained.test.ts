/**
 * Retained description and state. Under the current ACL a device may
 * subscribe only to its own `hearth/<id>/rpc` (integration accounts come
 * later), so no MQTT client can be a late subscriber to `description`/`state`:
 * retention is checked through the hub (GET /api/devices/:id, which must
 * survive a device reconnect and a hub restart) and through the broker's own
 * retained store.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials, DeviceDto } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import type { DeviceState } from '../../shared/wire.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { heater, sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { counter, getDevice, retained } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'retained-dev';
const initialState: DeviceState = { heater: false, setpoint: 19.5, mode: 'eco' };

async function deviceWhere(t: TestHub, test: (d: DeviceDto) => boolean, what: string): Promise<DeviceDto> {
  return waitFor(
    async () => {
      const d = await getDevice(t, ID);
      return test(d) ? d : undefined;
    },
    { what },
  );
}

async function retainedJson(t: TestHub, topic: string): Promise<unknown> {
  const text = await retained(t, topic);
  return text === undefined ? undefined : JSON.parse(text);
}

describe('retained description and state', () => {
  let t: TestHub;
  let creds: Credentials;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    creds = (await t.addDevice('Radiator', { id: ID, room: 'Kitchen' })).credentials;
  });
  afterEach(() => cleanup.run());

  it('the hub and the broker keep what the device published, after the device is gone', async () => {
    const device = cleanup.add(sdkDevice(t, creds, heater, { state: initialState }), (d) => d.stop());
    const before = Date.now();
    await device.start();
    const seen = await deviceWhere(t, (d) => d.description !== null && d.state_ts !== null, 'described');
    expect(seen.description).toEqual(heater);
    expect(seen.state).toEqual(initialState);
    expect(seen.state_ts).toBeGreaterThanOrEqual(before);
    expect(await retainedJson(t, topics.description(ID))).toEqual(heater);
    expect(await retainedJson(t, topics.state(ID))).toEqual(initialState);

    await device.reportState({ heater: true });
    const updated = await deviceWhere(t, (d) => d.state.heater === true, 'state update');
    expect(updated.state).toEqual({ ...initialState, heater: true });
    expect(await retainedJson(t, topics.state(ID))).toEqual({ ...initialState, heater: true });

    await device.stop();
    await deviceWhere(t, (d) => d.presence.status === 'offline', 'offline');
    const after = await getDevice(t, ID);
    expect(after.description).toEqual(heater);
    expect(after.state).toEqual({ ...initialState, heater: true });
    expect(await retainedJson(t, topics.description(ID))).toEqual(heater);
    expect(await retainedJson(t, topics.state(ID))).toEqual({ ...initialState, heater: true });
  });

  it('survive a reconnect by a client that republishes nothing', async () => {
    const device = cleanup.add(sdkDevice(t, creds, heater, { state: initialState }), (d) => d.stop());
    await device.start();
    await deviceWhere(t, (d) => d.state_ts !== null && d.description !== null, 'described');
    await device.stop();

    const raw = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, creds.password)), (r) => r.end());
    await deviceWhere(t, (d) => d.presence.status === 'online', 'online again');
    const d = await getDevice(t, ID);
    expect(d.description).toEqual(heater);
    expect(d.state).toEqual(initialState);
    expect(await retainedJson(t, topics.description(ID))).toEqual(heater);
    expect(await retainedJson(t, topics.state(ID))).toEqual(initialState);
    await raw.end();
  });

  it('an invalid description or state replaces neither the stored nor the retained one', async () => {
    const raw = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, creds.password)), (r) => r.end());
    const pub = (topic: string, payload: string) =>
      raw.client.publishAsync(topic, payload, { qos: 1, retain: true });
    await pub(topics.description(ID), JSON.stringify(thermometer));
    await pub(topics.state(ID), JSON.stringify({ heater: false }));
    await deviceWhere(t, (d) => d.description !== null && d.state_ts !== null, 'described');
    const invalidBefore = await counter(t, 'mqtt_dropped_invalid_payload');

    await pub(topics.description(ID), JSON.stringify({ model: 'x' }));
    await pub(topics.state(ID), JSON.stringify({ heater: { nested: true } }));
    await pub(topics.state(ID), '{"heater": tru');
    await pub(topics.state(ID), ''); // an empty retained payload would delete the retained state
    expect(await counter(t, 'mqtt_dropped_invalid_payload')).toBe(invalidBefore + 4);

    const d = await getDevice(t, ID);
    expect(d.description).toEqual(thermometer);
    expect(d.state).toEqual({ heater: false });
    expect(await retainedJson(t, topics.description(ID))).toEqual(thermometer);
    expect(await retainedJson(t, topics.state(ID))).toEqual({ heater: false });
    expect(raw.client.connected).toBe(true);
  });
});

describe('retained description and state across a hub restart', () => {
  it('the hub still knows them from SQLite after restarting on the same data dir', async () => {
    const dataDir = tempDir();
    const cleanup = new Cleanup();
    cleanup.add(dataDir, (dir) => rmSync(dir, { recursive: true, force: true }));
    try {
      const first = await startTestHub({ dataDir });
      let firstClosed = false;
      cleanup.add(first, (hub) => firstClosed || hub.close(true));
      const { credentials } = await first.addDevice('Radiator', { id: ID });
      const device = cleanup.add(sdkDevice(first, credentials, heater, { state: initialState }), (d) =>
        d.stop(),
      );
      await device.start();
      await deviceWhere(first, (d) => d.state_ts !== null && d.description !== null, 'described');
      const stateTs = (await getDevice(first, ID)).state_ts;
      await device.stop();
      await first.close(true);
      firstClosed = true;

      const second = cleanup.add(await startTestHub({ dataDir }), (hub) => hub.close(true));
      const d = await getDevice(second, ID);
      expect(d.description).toEqual(heater);
      expect(d.state).toEqual(initialState);
      expect(d.state_ts).toBe(stateTs);
      // The device is not connected: an rpc is refused as offline, but its method list is known.
      const res = await second.api(`/api/devices/${ID}/rpc`, {
        method: 'POST',
        body: { method: 'nope.nope' },
      });
      expect(res.status).toBe(400);
    } finally {
      await cleanup.run();
    }
  });
});
