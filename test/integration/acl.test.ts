/**
 * Broker ACL with two provisioned devices A and B: a device publishes only on
 * its own topics and subscribes only to its own rpc; bad credentials are
 * refused in the CONNACK; a removed device is cut off and stays out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import {
  connackRefusal,
  connectRaw,
  deviceOptions,
  type RawClient,
  subackCodes,
} from '../helpers/mqtt-clients.ts';
import { counter, getDevice, history, retained } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const A = 'acl-dev-a';
const B = 'acl-dev-b';

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const SUBACK_FAILURE = 128;

/** Answers nothing itself, but accepts `identify` as a method. */
const described = { ...thermometer, methods: ['identify'] };

describe('acl', () => {
  let t: TestHub;
  let credsA: Credentials;
  let credsB: Credentials;
  let a: RawClient;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    credsA = (await t.addDevice('Device A', { id: A })).credentials;
    credsB = (await t.addDevice('Device B', { id: B })).credentials;
    a = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(A, credsA.password)), (r) => r.end());
    await a.client.publishAsync(topics.description(A), JSON.stringify(described), { qos: 1, retain: true });
  });
  afterEach(() => cleanup.run());

  it("A cannot publish on B's topics; B's data stays untouched", async () => {
    const b = cleanup.add(sdkDevice(t, credsB, described, { state: { mode: 'auto' } }), (d) => d.stop());
    await b.start();
    await waitFor(async () => (await getDevice(t, B)).description !== null, { what: 'B described' });
    const deniedBefore = await counter(t, 'mqtt_dropped_acl_denied');

    const forged: [string, string][] = [
      [topics.telemetry(B), JSON.stringify({ temperature: 99 })],
      [topics.state(B), JSON.stringify({ mode: 'off' })],
      [topics.description(B), JSON.stringify({ ...thermometer, model: 'forged' })],
      [topics.availability(B), 'offline'],
      [topics.rpcReply(B), JSON.stringify({ id: 'x', result: 1 })],
      [topics.rpc(B), JSON.stringify({ id: 'x', method: 'identify', params: {} })],
    ];
    for (const [topic, payload] of forged) await a.client.publishAsync(topic, payload, { qos: 1 });
    expect(await counter(t, 'mqtt_dropped_acl_denied')).toBe(deniedBefore + forged.length);

    // Positive marker: A's own reading, sent after the forged ones, is stored.
    const ts = Date.now();
    await a.client.publishAsync(topics.telemetry(A), JSON.stringify({ ts, temperature: 18 }), { qos: 1 });
    await waitFor(async () => (await history(t, A, 'temperature', ts - 100, ts + 100)).value.length === 1, {
      what: "A's reading",
    });
    expect((await history(t, B, 'temperature', ts - 3_600_000, ts + 3_600_000)).value).toEqual([]);
    const dB = await getDevice(t, B);
    expect(dB.latest).toEqual({});
    expect(dB.state).toEqual({ mode: 'auto' });
    expect(dB.description?.model).toBe(thermometer.model);
    expect(dB.presence.status).toBe('online');
    expect(await retained(t, topics.availability(B))).toBe('online');
    expect(a.client.connected).toBe(true);
  });

  it("A may subscribe to its own rpc only: B's rpc, #, hearth/#, $SYS/# are refused (SUBACK 128)", async () => {
    const refusedBefore = await counter(t, 'mqtt_refused_subscribe');
    const refused = [topics.rpc(B), '#', 'hearth/#', '$SYS/#', 'hearth/+/rpc', topics.telemetry(A), '+/+/+'];
    for (const topic of refused) {
      expect(await subackCodes(a.client, topic), topic).toEqual([SUBACK_FAILURE]);
    }
    expect(await counter(t, 'mqtt_refused_subscribe')).toBe(refusedBefore + refused.length);
    expect(await subackCodes(a.client, topics.rpc(A))).toEqual([1]);
    expect(a.client.connected).toBe(true);

    // B gets a command; A, refused on B's rpc, hears nothing of it but does get its own.
    const received: string[] = [];
    a.client.on('message', (topic) => received.push(topic));
    const b = cleanup.add(sdkDevice(t, credsB, described), (d) => d.stop());
    await b.start();
    await waitFor(async () => (await getDevice(t, B)).presence.status === 'online', { what: 'B online' });
    const toB = await t.api(`/api/devices/${B}/rpc`, { method: 'POST', body: { method: 'identify' } });
    expect(toB.status).toBe(502); // B has no handler: method_not_found, answered by B itself
    const toA = t.api(`/api/devices/${A}/rpc`, {
      method: 'POST',
      body: { method: 'identify', timeout_ms: 100 },
    });
    await waitFor(() => received.length > 0, { what: "A's own command" });
    expect((await toA).status).toBe(504);
    expect(received).toEqual([topics.rpc(A)]);
  });

  it('a retained publish on a command topic is refused', async () => {
    const retainedBefore = await counter(t, 'mqtt_dropped_retained_command');
    const deniedBefore = await counter(t, 'mqtt_dropped_acl_denied');
    await a.client.publishAsync(topics.rpcReply(A), JSON.stringify({ id: 'r1', result: 1 }), {
      qos: 1,
      retain: true,
    });
    expect(await counter(t, 'mqtt_dropped_retained_command')).toBe(retainedBefore + 1);
    // A device may not publish on its own rpc at all, retained or not.
    await a.client.publishAsync(topics.rpc(A), JSON.stringify({ id: 'r2', method: 'identify', params: {} }), {
      qos: 1,
      retain: true,
    });
    expect(await counter(t, 'mqtt_dropped_acl_denied')).toBe(deniedBefore + 1);
    expect(await retained(t, topics.rpcReply(A))).toBeUndefined();
    expect(await retained(t, topics.rpc(A))).toBeUndefined();
    expect(a.client.connected).toBe(true);
  });

  it('refuses bad credentials in the CONNACK', async () => {
    const refusedBefore = await counter(t, 'mqtt_refused_connect');
    expect(await connackRefusal(t.mqttUrl, deviceOptions(B, 'wrong-password'))).toBe(
      BAD_USERNAME_OR_PASSWORD,
    );
    expect(await connackRefusal(t.mqttUrl, deviceOptions(B, credsA.password))).toBe(BAD_USERNAME_OR_PASSWORD);
    expect(await connackRefusal(t.mqttUrl, deviceOptions('acl-nobody', 'whatever'))).toBe(
      BAD_USERNAME_OR_PASSWORD,
    );
    expect(await connackRefusal(t.mqttUrl, { clientId: B, protocolVersion: 4 })).toBe(NOT_AUTHORIZED);
    expect(await connackRefusal(t.mqttUrl, { clientId: B, username: B, protocolVersion: 4 })).toBe(
      NOT_AUTHORIZED,
    );
    expect(
      await connackRefusal(t.mqttUrl, {
        clientId: 'other-id',
        username: B,
        password: credsB.password,
        protocolVersion: 4,
      }),
    ).toBe(IDENTIFIER_REJECTED);
    expect(await counter(t, 'mqtt_refused_connect')).toBe(refusedBefore + 6);
    expect((await getDevice(t, B)).presence.status).toBe('unknown');
    // A, already connected, is not disturbed by any of this.
    expect(a.client.connected).toBe(true);
  });

  it('a removed device is disconnected at once, its retained topics cleared, and it cannot reconnect', async () => {
    await a.client.publishAsync(topics.state(A), JSON.stringify({ mode: 'on' }), { qos: 1, retain: true });
    await waitFor(async () => (await retained(t, topics.state(A))) !== undefined, { what: 'retained state' });
    const res = await t.api(`/api/devices/${A}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    await a.closed;
    expect(a.client.connected).toBe(false);
    expect((await t.api(`/api/devices/${A}`)).status).toBe(404);
    for (const topic of [topics.availability(A), topics.description(A), topics.state(A)]) {
      await waitFor(async () => (await retained(t, topic)) === undefined, { what: `${topic} cleared` });
    }
    expect(await connackRefusal(t.mqttUrl, deviceOptions(A, credsA.password))).toBe(BAD_USERNAME_OR_PASSWORD);
  });

  it('an SDK device removed while connected is told it was refused', async () => {
    const b = cleanup.add(sdkDevice(t, credsB, described, { backoff: { initialMs: 50, maxMs: 50 } }), (d) =>
      d.stop(),
    );
    let refused: Error | undefined;
    b.once('refused', (err) => {
      refused = err;
    });
    await b.start();
    const refusalsBefore = await counter(t, 'mqtt_refused_connect');
    expect((await t.api(`/api/devices/${B}`, { method: 'DELETE' })).status).toBe(204);
    // The SDK reconnects and the hub refuses it (bad credentials: the device is gone) ...
    await waitFor(async () => (await counter(t, 'mqtt_refused_connect')) > refusalsBefore, {
      what: 'the refused reconnect',
    });
    // ... which the SDK must report.
    const err = await waitFor(() => refused, { timeoutMs: 2000, what: "the SDK's 'refused' event" });
    expect(err).toBeInstanceOf(Error);
  });
});
