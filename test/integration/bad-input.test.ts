/**
 * Bad input on MQTT: every bad frame is dropped and counted (GET /api/health
 * counters), the device stays connected where the protocol allows, the hub
 * keeps running and stored data is untouched. HTTP bad input is in
 * bad-input-http.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import type { HistoryDto } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectRaw, deviceOptions, type RawClient } from '../helpers/mqtt-clients.ts';
import { counter, getDevice, health, history } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'bad-dev';
const OTHER = 'good-dev';
const MAX_PAYLOAD = 256;
const YEAR_MS = 365 * 24 * 3600_000;

interface Case {
  what: string;
  topic?: string;
  payload: string | Buffer;
  /** Counter suffix: `mqtt_dropped_<reason>`. */
  reason: string;
}

function cases(now: number): Case[] {
  const tel = topics.telemetry(ID);
  return [
    { what: 'malformed JSON', payload: '{"temperature": ', reason: 'invalid_json' },
    { what: 'not UTF-8', payload: Buffer.from([0xff, 0xfe, 0x7b]), reason: 'invalid_json' },
    { what: 'NaN literal', payload: '{"temperature": NaN}', reason: 'invalid_json' },
    { what: 'Infinity (1e999)', payload: '{"temperature": 1e999}', reason: 'invalid_payload' },
    { what: '-Infinity (-1e999)', payload: '{"temperature": -1e999}', reason: 'invalid_payload' },
    { what: 'string temperature', payload: '{"temperature": "21.5"}', reason: 'invalid_payload' },
    { what: 'null temperature', payload: '{"temperature": null}', reason: 'invalid_payload' },
    { what: 'nested object', payload: '{"temperature": {"value": 1}}', reason: 'invalid_payload' },
    { what: 'array', payload: '[21.5]', reason: 'invalid_payload' },
    { what: 'bare number', payload: '21.5', reason: 'invalid_payload' },
    { what: 'empty object', payload: '{}', reason: 'invalid_payload' },
    { what: 'empty payload', payload: '', reason: 'invalid_json' },
    { what: 'ts but no metric', payload: JSON.stringify({ ts: now }), reason: 'invalid_payload' },
    {
      what: 'fractional ts',
      payload: JSON.stringify({ ts: now + 0.5, temperature: 1 }),
      reason: 'invalid_payload',
    },
    {
      what: 'ts before 2000',
      payload: JSON.stringify({ ts: 1000, temperature: 1 }),
      reason: 'invalid_payload',
    },
    { what: '__proto__ key', payload: '{"__proto__": 1}', reason: 'invalid_payload' },
    { what: 'upper-case metric', payload: '{"Temperature": 1}', reason: 'invalid_payload' },
    {
      what: 'ts far in the future',
      payload: JSON.stringify({ ts: now + 10 * YEAR_MS, temperature: 1 }),
      reason: 'bad_timestamp',
    },
    { what: 'unknown metric', payload: '{"pressure": 1}', reason: 'unknown_metric' },
    {
      what: 'known + unknown metric',
      payload: '{"temperature": 1, "pressure": 1}',
      reason: 'unknown_metric',
    },
    {
      what: 'oversized (valid JSON)',
      payload: `{"temperature": 1${' '.repeat(MAX_PAYLOAD)}}`,
      reason: 'payload_too_large',
    },
    {
      what: 'topic outside the namespace',
      topic: 'foo/bar',
      payload: '{"temperature": 1}',
      reason: 'acl_denied',
    },
    {
      what: 'unknown kind',
      topic: `hearth/${ID}/other`,
      payload: '{"temperature": 1}',
      reason: 'acl_denied',
    },
    { what: 'too deep', topic: `${tel}/extra`, payload: '{"temperature": 1}', reason: 'acl_denied' },
    { what: 'no kind', topic: `hearth/${ID}`, payload: '{"temperature": 1}', reason: 'acl_denied' },
    { what: '$ topic', topic: '$SYS/hearth/x', payload: '1', reason: 'acl_denied' },
  ];
}

describe('bad input on MQTT', () => {
  let t: TestHub;
  let raw: RawClient;
  let other: HearthDevice;
  let base: number;
  let before: HistoryDto;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub({ overrides: { maxPayloadBytes: MAX_PAYLOAD } }), (hub) =>
      hub.close(),
    );
    const { credentials } = await t.addDevice('Bad device', { id: ID });
    const good = await t.addDevice('Good device', { id: OTHER });
    other = cleanup.add(sdkDevice(t, good.credentials, thermometer), (d) => d.stop());
    await other.start();
    raw = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, credentials.password)), (r) => r.end());
    await raw.client.publishAsync(topics.description(ID), JSON.stringify(thermometer), {
      qos: 1,
      retain: true,
    });
    base = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) {
      const reading = JSON.stringify({ ts: base + i * 1000, temperature: 20 + i });
      await raw.client.publishAsync(topics.telemetry(ID), reading, { qos: 1 });
    }
    before = await history(t, ID, 'temperature', base, base + 10_000);
    expect(before.value).toEqual([20, 21, 22]);
  });
  afterEach(() => cleanup.run());

  /** A valid reading after the bad ones: stored, so the device and the hub still work. */
  async function expectStillWorking(): Promise<void> {
    expect(raw.client.connected).toBe(true);
    expect((await getDevice(t, ID)).presence.status).toBe('online');
    expect(await history(t, ID, 'temperature', base, base + 10_000)).toEqual(before);
    await raw.client.publishAsync(
      topics.telemetry(ID),
      JSON.stringify({ ts: base + 5000, temperature: 25 }),
      {
        qos: 1,
      },
    );
    expect((await history(t, ID, 'temperature', base, base + 10_000)).value).toEqual([20, 21, 22, 25]);
  }

  it.each([0, 1] as const)(
    'each bad frame at QoS %i is dropped and counted; nothing stored changes',
    async (qos) => {
      const all = cases(Date.now());
      const expected = new Map<string, number>();
      for (const c of all) expected.set(c.reason, (expected.get(c.reason) ?? 0) + 1);
      const start = (await health(t)).counters;
      const acceptedBefore = start.mqtt_telemetry_accepted ?? 0;

      for (const c of all) {
        await raw.client.publishAsync(c.topic ?? topics.telemetry(ID), c.payload, { qos });
        if (qos === 1) {
          // The PUBACK comes after the hook ran: the drop is already counted.
          const now = await counter(t, `mqtt_dropped_${c.reason}`);
          const earlier = all.slice(0, all.indexOf(c)).filter((e) => e.reason === c.reason).length;
          expect(now, c.what).toBe((start[`mqtt_dropped_${c.reason}`] ?? 0) + earlier + 1);
        }
      }
      const droppedBefore = start.mqtt_dropped_total ?? 0;
      const end = await waitFor(
        async () => {
          const h = await health(t);
          return (h.counters.mqtt_dropped_total ?? 0) === droppedBefore + all.length ? h.counters : undefined;
        },
        { what: `${all.length} drops counted` },
      );
      for (const [reason, n] of expected) {
        expect(end[`mqtt_dropped_${reason}`], reason).toBe((start[`mqtt_dropped_${reason}`] ?? 0) + n);
      }
      expect(end.mqtt_telemetry_accepted ?? 0).toBe(acceptedBefore);
      await expectStillWorking();
    },
  );

  it('a wildcard in a PUBLISH topic closes that connection only [MQTT-3.3.2-2]', async () => {
    await raw.client.publishAsync('hearth/+/telemetry', '{"temperature": 99}', { qos: 0 });
    await raw.closed;
    const p = await waitFor(
      async () => {
        const d = await getDevice(t, ID);
        return d.presence.status === 'offline' ? d.presence : undefined;
      },
      { what: 'the bad device offline' },
    );
    expect(p.reason).not.toBe('clean_disconnect');

    // The hub is up, the other device is connected and its readings are still stored.
    expect((await health(t)).status).toBe('ok');
    expect(other.connected).toBe(true);
    expect((await getDevice(t, OTHER)).presence.status).toBe('online');
    other.telemetry({ temperature: 17.5 }, base + 2000);
    await waitFor(async () => (await getDevice(t, OTHER)).latest.temperature?.value === 17.5, {
      what: "the other device's reading",
    });
    expect(await history(t, ID, 'temperature', base, base + 10_000)).toEqual(before);
    expect((await history(t, OTHER, 'temperature', base, base + 10_000)).value).toEqual([17.5]);
  });

  it('a "#" wildcard publish is treated the same way', async () => {
    await raw.client.publishAsync('hearth/#', '{"temperature": 99}', { qos: 0 });
    await raw.closed;
    expect((await health(t)).status).toBe('ok');
    expect(await history(t, ID, 'temperature', base, base + 10_000)).toEqual(before);
    expect((await getDevice(t, OTHER)).presence.status).toBe('online');
  });
});
