/**
 * Fault: the hub restarts while a device with a persistent session
 * (clean-session=false [MQTT-3.1.2-4]) is away. QoS 1 commands published for
 * it meanwhile are kept across further restarts and reach it, in order, when it
 * comes back; the retained state it published before is still there, in the
 * hub's registry and in the broker's retained store.
 *
 * The commands come from an integration account with write access to
 * `hearth/+/rpc`: the hub's own command service fails a command to an offline
 * device at once (by design), so it cannot queue one.
 */
import { rmSync } from 'node:fs';
import mqtt, { type IConnackPacket } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceDto } from '../../shared/api.ts';
import type { CreatedIntegrationDto } from '../../shared/auth.ts';
import { topics } from '../../shared/topics.ts';
import type { RpcRequest } from '../../shared/wire.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('a persistent session across hub restarts', () => {
  it('gets the QoS 1 commands queued while it was away, in order; retained state survives', async () => {
    const dataDir = cleanup.add(tempDir('hearth-session-'), (d) =>
      rmSync(d, { recursive: true, force: true }),
    );
    let running: TestHub | null = null;
    cleanup.add(null, () => running?.close(true));
    const restart = async () => {
      await running?.close(true);
      running = null;
      running = await startTestHub({ dataDir });
      return running;
    };

    let t = await restart();
    const { credentials } = await t.addDevice('Boiler', { id: 'boiler-1' });
    const created = await t.api('/api/integrations', {
      method: 'POST',
      body: { username: 'automation', patterns: ['hearth/+/rpc', 'hearth/+/state'], access: 'readwrite' },
    });
    expect(created.status).toBe(201);
    const integration = (await created.json()) as CreatedIntegrationDto;
    const session = deviceOptions('boiler-1', credentials.password, { clean: false });

    // The device's first visit: a QoS 1 subscription to its commands, its state retained.
    const first = await connectRaw(t.mqttUrl, session);
    expect(first.client.connected).toBe(true);
    await first.client.subscribeAsync(topics.rpc('boiler-1'), { qos: 1 });
    await first.client.publishAsync(
      topics.state('boiler-1'),
      JSON.stringify({ heater: true, setpoint: 21 }),
      {
        qos: 1,
        retain: true,
      },
    );
    await first.end();

    // Restarted while the device is away; an automation sends it three commands.
    t = await restart();
    const automation = await connectRaw(t.mqttUrl, {
      clientId: 'automation-1',
      username: 'automation',
      password: integration.password,
      protocolVersion: 4,
      clean: true,
    });
    const sent: RpcRequest[] = [
      { id: 'cmd-1', method: 'setpoint.set', params: { value: 19 } },
      { id: 'cmd-2', method: 'heater.set', params: { on: false } },
      { id: 'cmd-3', method: 'setpoint.set', params: { value: 20.5 } },
    ];
    // PUBACK from the broker: queued for the offline session, and stored.
    for (const request of sent) {
      await automation.client.publishAsync(topics.rpc('boiler-1'), JSON.stringify(request), { qos: 1 });
    }
    await automation.end();

    // Restarted again before the device is back: the queue is on disk, not in memory.
    t = await restart();
    const received: { request: RpcRequest; qos: number; retain: boolean }[] = [];
    // Listening before CONNECT: the queue is sent right after the CONNACK.
    const back = cleanup.add(mqtt.connect(t.mqttUrl, { ...session, reconnectPeriod: 0 }), (c) =>
      c.endAsync(),
    );
    back.on('message', (topic, payload, packet) => {
      if (topic !== topics.rpc('boiler-1')) return;
      received.push({
        request: JSON.parse(payload.toString()) as RpcRequest,
        qos: packet.qos,
        retain: packet.retain,
      });
    });
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      back.once('connect', resolve);
      back.once('error', reject);
    });
    expect(connack.sessionPresent).toBe(true);
    await waitFor(() => received.length >= sent.length, { what: 'the queued commands' });
    expect(received.map((r) => r.request)).toEqual(sent);
    expect(received.every((r) => r.qos === 1 && !r.retain)).toBe(true);

    // The retained state: in the registry …
    const device = (await (await t.api('/api/devices/boiler-1')).json()) as DeviceDto;
    expect(device.state).toEqual({ heater: true, setpoint: 21 });
    // … and in the broker's retained store, served to a new subscriber.
    const watcher = cleanup.add(
      await connectRaw(t.mqttUrl, {
        clientId: 'automation-2',
        username: 'automation',
        password: integration.password,
        protocolVersion: 4,
        clean: true,
      }),
      (c) => c.end(),
    );
    const retained = new Promise<[string, string, boolean]>((resolve) => {
      watcher.client.once('message', (topic, payload, packet) =>
        resolve([topic, payload.toString(), packet.retain]),
      );
    });
    await watcher.client.subscribeAsync('hearth/+/state', { qos: 1 });
    const [topic, payload, retain] = await retained;
    expect(topic).toBe(topics.state('boiler-1'));
    expect(JSON.parse(payload)).toEqual({ heater: true, setpoint: 21 });
    expect(retain).toBe(true);
  });
});
