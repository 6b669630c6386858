/**
 * Commands: POST /api/devices/:id/rpc against a real SDK device, each outcome
 * mapped to its status and recorded in the command log; late replies are
 * dropped and counted; the SDK acts once on a redelivered request; rpc is
 * never retained.
 */
import type { Packet } from 'mqtt';
import Type from 'typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HearthDevice, RpcHandlerError } from '../../devices/sdk/hearth-device.ts';
import type { CommandDto, Credentials } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import { EmptyParamsSchema, HeaterSetParamsSchema } from '../../shared/wire.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { heater, sdkDevice } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { commands, counter, getDevice, retained } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'rpc-heater';

interface CommandError {
  error: string;
  message: string;
  command: CommandDto;
}

describe('rpc', () => {
  let t: TestHub;
  let creds: Credentials;
  let device: HearthDevice;
  let identifyCalls: number;
  /** Releases the pending `slow.op` handler. */
  let releaseSlow: (() => void) | undefined;
  const cleanup = new Cleanup();

  function rpc(body: unknown, id = ID): Promise<Response> {
    return t.api(`/api/devices/${id}/rpc`, { method: 'POST', body });
  }

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    creds = (await t.addDevice('Heater', { id: ID })).credentials;
    identifyCalls = 0;
    device = cleanup.add(sdkDevice(t, creds, heater, { state: { heater: false } }), (d) => d.stop());
    device
      .handle('temperature.read', EmptyParamsSchema, () => ({ temperature: 21.5, ts: Date.now() }))
      .handle('heater.set', HeaterSetParamsSchema, async ({ on }) => {
        if (on) throw new RpcHandlerError('rejected', 'window open: heating refused');
        await device.reportState({ heater: on });
        return { heater: on };
      })
      .handle('identify', EmptyParamsSchema, () => {
        identifyCalls++;
        return { blinked: true };
      })
      .handle(
        'slow.op',
        Type.Object({}),
        () =>
          new Promise((resolve) => {
            releaseSlow = () => resolve({ late: true });
          }),
      );
    await device.start();
    await waitFor(async () => (await getDevice(t, ID)).presence.status === 'online', { what: 'online' });
  });
  afterEach(() => cleanup.run());

  it('200 with the result and the round-trip time', async () => {
    const res = await rpc({ method: 'temperature.read', params: {} });
    expect(res.status).toBe(200);
    const c = (await res.json()) as CommandDto;
    expect(c).toMatchObject({
      device_id: ID,
      method: 'temperature.read',
      status: 'ok',
      actor: 'user:owner',
      error: null,
    });
    expect(c.result).toMatchObject({ temperature: 21.5 });
    expect(c.rtt_ms).toBeGreaterThan(0);
    expect(c.finished_at).toBeGreaterThanOrEqual(c.created_at);
  });

  it("a device error answers 502 with the device's code and message", async () => {
    const res = await rpc({ method: 'heater.set', params: { on: true } });
    expect(res.status).toBe(502);
    const body = (await res.json()) as CommandError;
    expect(body.error).toBe('device_error');
    expect(body.message).toBe('window open: heating refused');
    expect(body.command.status).toBe('error');
    expect(body.command.error).toEqual({ code: 'rejected', message: 'window open: heating refused' });

    const invalid = await rpc({ method: 'heater.set', params: { on: 'yes' } });
    expect(invalid.status).toBe(502);
    expect(((await invalid.json()) as CommandError).command.error?.code).toBe('invalid_params');
  });

  it('a handler that never answers times out with 504; its late reply is dropped and counted', async () => {
    const lateBefore = await counter(t, 'mqtt_dropped_unknown_reply');
    const res = await rpc({ method: 'slow.op', timeout_ms: 150 });
    expect(res.status).toBe(504);
    const body = (await res.json()) as CommandError;
    expect(body.error).toBe('timeout');
    expect(body.command.status).toBe('timeout');

    await waitFor(() => releaseSlow, { what: 'the slow handler to be running' });
    releaseSlow?.();
    await waitFor(async () => (await counter(t, 'mqtt_dropped_unknown_reply')) === lateBefore + 1, {
      what: 'the late reply counted',
    });
    const [logged] = await commands(t, ID);
    expect(logged?.status).toBe('timeout'); // the late reply does not rewrite history
    expect(device.connected).toBe(true);
  });

  it('an offline device answers 409 at once; an unknown device 404; a method it lacks 400', async () => {
    const idle = await t.addDevice('Never connected', { id: 'rpc-idle' });
    expect(idle.device.presence.status).toBe('unknown');
    const offline = await rpc({ method: 'identify' }, 'rpc-idle');
    expect(offline.status).toBe(409);
    const body = (await offline.json()) as CommandError;
    expect(body.error).toBe('device_offline');
    expect(body.command.status).toBe('offline');

    await device.stop();
    await waitFor(async () => (await getDevice(t, ID)).presence.status === 'offline', { what: 'offline' });
    const stopped = await rpc({ method: 'identify' });
    expect(stopped.status).toBe(409);

    const unknown = await rpc({ method: 'identify' }, 'no-such-device');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });

    const lacking = await rpc({ method: 'oven.preheat' });
    expect(lacking.status).toBe(400);
    expect(await lacking.json()).toMatchObject({ error: 'invalid_input' });
  });

  it('the command log records each command with actor, status and round-trip time', async () => {
    expect((await rpc({ method: 'temperature.read' })).status).toBe(200);
    expect((await rpc({ method: 'heater.set', params: { on: true } })).status).toBe(502);
    expect((await rpc({ method: 'slow.op', timeout_ms: 100 })).status).toBe(504);
    expect((await rpc({ method: 'heater.set', params: { on: false } })).status).toBe(200);
    await device.stop();
    await waitFor(async () => (await getDevice(t, ID)).presence.status === 'offline', { what: 'offline' });
    expect((await rpc({ method: 'identify' })).status).toBe(409);

    const log = await commands(t, ID);
    expect(log.map((c) => [c.method, c.status])).toEqual([
      ['identify', 'offline'],
      ['heater.set', 'ok'],
      ['slow.op', 'timeout'],
      ['heater.set', 'error'],
      ['temperature.read', 'ok'],
    ]);
    for (const c of log) {
      expect(c.actor).toBe('user:owner');
      expect(c.finished_at).not.toBeNull();
      if (c.status === 'ok' || c.status === 'error') expect(c.rtt_ms).toBeGreaterThan(0);
      else expect(c.rtt_ms).toBeNull();
    }
    expect(log[1]?.params).toEqual({ on: false });
    expect(log[1]?.result).toEqual({ heater: false });
  });

  it('a redelivered request (same rpc id) runs the handler once and re-sends the reply', async () => {
    const res = await rpc({ method: 'identify' });
    expect(res.status).toBe(200);
    const first = (await res.json()) as CommandDto;
    expect(identifyCalls).toBe(1);
    const unknownBefore = await counter(t, 'mqtt_dropped_unknown_reply');

    // A QoS 1 redelivery of the same request, straight from the hub's broker.
    const request = { id: first.id, method: 'identify', params: {} };
    await t.hub.app.broker.publish(topics.rpc(ID), Buffer.from(JSON.stringify(request)), false);
    // The re-sent reply reaches the hub, which no longer waits for it: counted as unknown.
    await waitFor(async () => (await counter(t, 'mqtt_dropped_unknown_reply')) === unknownBefore + 1, {
      what: 'the re-sent reply',
    });
    expect(identifyCalls).toBe(1);
    expect(device.stats.rpcDuplicates).toBe(1);
    expect(device.stats.rpcHandled).toBe(1);
    const log = await commands(t, ID);
    expect(log).toHaveLength(1);
    expect(log[0]?.status).toBe('ok');
  });
});

describe('rpc is never retained', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('a device that subscribes after a command was sent receives no retained command', async () => {
    const t = cleanup.add(await startTestHub(), (hub) => hub.close());
    const { credentials } = await t.addDevice('Late listener', { id: 'rpc-late' });
    const raw = cleanup.add(
      await connectRaw(t.mqttUrl, deviceOptions('rpc-late', credentials.password)),
      (r) => r.end(),
    );
    await waitFor(async () => (await getDevice(t, 'rpc-late')).presence.status === 'online', {
      what: 'online',
    });
    // Nobody listens yet: the command is published, then times out.
    const missed = await t.api('/api/devices/rpc-late/rpc', {
      method: 'POST',
      body: { method: 'identify', timeout_ms: 100 },
    });
    expect(missed.status).toBe(504);
    const missedId = ((await missed.json()) as CommandError).command.id;
    expect(await retained(t, topics.rpc('rpc-late'))).toBeUndefined();

    const received: { id: string; retain: boolean }[] = [];
    raw.client.on('message', (_topic, payload, packet: Packet) => {
      const retain = 'retain' in packet && packet.retain === true;
      received.push({ id: (JSON.parse(payload.toString()) as { id: string }).id, retain });
    });
    const granted = await raw.client.subscribeAsync(topics.rpc('rpc-late'), { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    // Positive marker: a command sent after the subscription arrives, and nothing came before it.
    const call = t.api('/api/devices/rpc-late/rpc', {
      method: 'POST',
      body: { method: 'identify', timeout_ms: 5000 },
    });
    const marker = await waitFor(() => received[0], { what: 'the next command' });
    expect(marker.id).not.toBe(missedId);
    expect(marker.retain).toBe(false);
    await raw.client.publishAsync(
      topics.rpcReply('rpc-late'),
      JSON.stringify({ id: marker.id, result: null }),
      {
        qos: 1,
      },
    );
    expect((await call).status).toBe(200);
    expect(received).toHaveLength(1);
  });
});

describe('rpc across a session takeover', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('a pending command survives a takeover and is answered on the new connection', async () => {
    const t = cleanup.add(await startTestHub(), (hub) => hub.close());
    const { credentials } = await t.addDevice('Reconnecting', { id: 'rpc-takeover' });
    const options = deviceOptions('rpc-takeover', credentials.password);
    const first = cleanup.add(await connectRaw(t.mqttUrl, options), (r) => r.end());
    const requests: string[] = [];
    first.client.on('message', (_topic, payload) => {
      requests.push((JSON.parse(payload.toString()) as { id: string }).id);
    });
    await first.client.subscribeAsync(topics.rpc('rpc-takeover'), { qos: 1 });
    await waitFor(async () => (await getDevice(t, 'rpc-takeover')).presence.status === 'online', {
      what: 'online',
    });
    const call = t.api('/api/devices/rpc-takeover/rpc', {
      method: 'POST',
      body: { method: 'identify', timeout_ms: 5000 },
    });
    const id = await waitFor(() => requests[0], { what: 'the request' });

    const second = cleanup.add(await connectRaw(t.mqttUrl, options), (r) => r.end());
    await first.closed;
    await second.client.publishAsync(topics.rpcReply('rpc-takeover'), JSON.stringify({ id, result: 'ok' }), {
      qos: 1,
    });
    const res = await call;
    expect((await getDevice(t, 'rpc-takeover')).presence.status).toBe('online');
    expect(res.status).toBe(200);
  });
});
