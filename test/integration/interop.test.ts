/**
 * Interoperability with third-party clients: Debian's mosquitto_pub and
 * mosquitto_sub (MQTT 3.1.1) drive the hub with a provisioned device's
 * credentials; results are checked through the HTTP API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandDto, Credentials } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { heater } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { type BackgroundSub, mosquittoAuth, mosquittoPub, mosquittoSub } from '../helpers/mosquitto.ts';
import { counter, getDevice, history } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'mosq-dev';

describe('interop with mosquitto clients', () => {
  let t: TestHub;
  let creds: Credentials;
  let auth: string[];
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    creds = (await t.addDevice('Mosquitto device', { id: ID })).credentials;
    auth = mosquittoAuth(t.hub.mqttPort, ID, creds.password);
  });
  afterEach(() => cleanup.run());

  async function pub(topic: string, message: string, ...flags: string[]): Promise<void> {
    const r = await mosquittoPub([...auth, '-t', topic, '-m', message, ...flags]);
    expect(r.code, `mosquitto_pub ${topic}: ${r.stderr}`).toBe(0);
  }

  /** mosquitto_sub as the device, subscribed to its own rpc once the SUBACK arrived. */
  async function rpcListener(): Promise<BackgroundSub> {
    const sub = cleanup.add(mosquittoSub([...auth, '-t', topics.rpc(ID), '-q', '1', '-v']), (s) => s.stop());
    await waitFor(() => sub.lines().some((l) => /^Subscribed \(mid: \d+\): 1$/.test(l)), {
      what: `mosquitto_sub subscribed (${sub.lines().join(' | ')})`,
    });
    return sub;
  }

  /** The first command mosquitto_sub printed (`<topic> <payload>` with -v), and its debug line. */
  async function receivedCommand(
    sub: BackgroundSub,
  ): Promise<{ request: { id: string; method: string }; flags: string }> {
    const prefix = `${topics.rpc(ID)} `;
    const line = await waitFor(() => sub.lines().find((l) => l.startsWith(prefix)), { what: 'the command' });
    const flags = sub.lines().find((l) => l.includes('received PUBLISH')) ?? '';
    return { request: JSON.parse(line.slice(prefix.length)) as { id: string; method: string }, flags };
  }

  it('stores QoS 0 and QoS 1 telemetry and a retained state published by mosquitto_pub', async () => {
    await pub(topics.description(ID), JSON.stringify(heater), '-q', '1', '-r');
    const base = Date.now() - 10_000;
    await pub(topics.telemetry(ID), JSON.stringify({ ts: base, temperature: 19.25 }), '-q', '0');
    await pub(topics.telemetry(ID), JSON.stringify({ ts: base + 1000, temperature: 19.75 }), '-q', '1');
    await pub(topics.telemetry(ID), JSON.stringify({ ts: base + 2000, temperature: 20.25 }), '-q', '2');
    await pub(topics.state(ID), JSON.stringify({ heater: true, setpoint: 21 }), '-q', '1', '-r');

    const h = await waitFor(
      async () => {
        const r = await history(t, ID, 'temperature', base, base + 5000);
        return r.value.length === 3 ? r : undefined;
      },
      { what: 'three readings stored' },
    );
    expect(h.ts).toEqual([base, base + 1000, base + 2000]);
    expect(h.value).toEqual([19.25, 19.75, 20.25]);
    expect(h.unit).toBe('°C');
    const d = await getDevice(t, ID);
    expect(d.description).toEqual(heater);
    expect(d.state).toEqual({ heater: true, setpoint: 21 });
    expect(d.latest.temperature).toEqual({ value: 20.25, ts: base + 2000 });
    expect(d.presence.reason).toBe('clean_disconnect'); // mosquitto_pub sends DISCONNECT when done
  });

  it('mosquitto_pub with a wrong password or a foreign topic gets nothing in', async () => {
    const denied = await counter(t, 'mqtt_dropped_acl_denied');
    const bad = await mosquittoPub([
      ...mosquittoAuth(t.hub.mqttPort, ID, 'wrong'),
      '-t',
      topics.telemetry(ID),
      '-m',
      '{"temperature": 1}',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/refused|not authori[sz]ed|bad user/i);
    await pub(topics.telemetry('other-dev'), '{"temperature": 1}', '-q', '1');
    expect(await counter(t, 'mqtt_dropped_acl_denied')).toBe(denied + 1);
    expect((await getDevice(t, ID)).latest).toEqual({});
  });

  it('mosquitto_sub as the device receives a command sent through the API, never retained', async () => {
    const sub = await rpcListener();
    await waitFor(async () => (await getDevice(t, ID)).presence.status === 'online', { what: 'online' });
    const call = t.api(`/api/devices/${ID}/rpc`, {
      method: 'POST',
      body: { method: 'temperature.read', params: {}, timeout_ms: 300 },
    });
    const { request, flags } = await receivedCommand(sub);
    expect(request.method).toBe('temperature.read');
    expect(flags).toMatch(/\(d0, q1, r0, m\d+, 'hearth\/mosq-dev\/rpc'/);
    const res = await call; // nobody answers
    expect(res.status).toBe(504);
    expect(((await res.json()) as { command: CommandDto }).command.id).toBe(request.id);
  });

  it('full request/response loop: mosquitto_sub receives, mosquitto_pub replies, HTTP answers 200', async () => {
    const sub = await rpcListener();
    await waitFor(async () => (await getDevice(t, ID)).presence.status === 'online', { what: 'online' });
    const call = t.api(`/api/devices/${ID}/rpc`, {
      method: 'POST',
      body: { method: 'temperature.read', params: {}, timeout_ms: 10_000 },
    });
    const { request } = await receivedCommand(sub);
    const result = { temperature: 20.5, ts: Date.now() };
    await pub(topics.rpcReply(ID), JSON.stringify({ id: request.id, result }), '-q', '1');
    const res = await call;
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const command = JSON.parse(text) as CommandDto;
    expect(command.status).toBe('ok');
    expect(command.result).toEqual(result);
    expect(command.rtt_ms).toBeGreaterThan(0);
  });
});
