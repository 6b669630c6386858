/**
 * The live feed over socket.io: a snapshot on connect, then telemetry, state,
 * presence and command deltas; a chatty device is coalesced.
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandDto, Credentials } from '../../shared/api.ts';
import {
  type ClientToServerEvents,
  type PresenceEvent,
  type ServerToClientEvents,
  type SnapshotEvent,
  SOCKET_PATH,
  type StateEvent,
  serverEventSchemas,
  type TelemetryEvent,
} from '../../shared/socket.ts';
import { checker } from '../../shared/validate.ts';
import { EmptyParamsSchema } from '../../shared/wire.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { heater, sdkDevice } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { history } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'live-dev';
const COALESCE_MS = 250;

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Everything a browser received, validated on receipt like the dashboard does. */
interface Feed {
  socket: LiveSocket;
  snapshots: SnapshotEvent[];
  telemetry: TelemetryEvent[];
  state: StateEvent[];
  presence: PresenceEvent[];
  commands: CommandDto[];
  invalid: string[];
}

function connectFeed(t: TestHub): Feed {
  const socket: LiveSocket = io(t.baseUrl, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    // The feed is as private as the API: the owner's session cookie.
    extraHeaders: { cookie: t.cookie },
  });
  const feed: Feed = {
    socket,
    snapshots: [],
    telemetry: [],
    state: [],
    presence: [],
    commands: [],
    invalid: [],
  };
  const on = <E>(name: keyof typeof serverEventSchemas, into: E[]) => {
    const valid = checker(serverEventSchemas[name]);
    socket.on(name, (e: unknown) => {
      if (valid.check(e)) into.push(e as E);
      else feed.invalid.push(`${name}: ${valid.explain(e)}`);
    });
  };
  on('snapshot', feed.snapshots);
  on('telemetry', feed.telemetry);
  on('state', feed.state);
  on('presence', feed.presence);
  on('command', feed.commands);
  return feed;
}

describe('live feed', () => {
  let t: TestHub;
  let creds: Credentials;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub({ overrides: { liveCoalesceMs: COALESCE_MS } }), (hub) => hub.close());
    creds = (await t.addDevice('Living room heater', { id: ID, room: 'Living room' })).credentials;
  });
  afterEach(() => cleanup.run());

  it('sends a snapshot on connect, then telemetry, state, presence and command deltas', async () => {
    const feed = cleanup.add(connectFeed(t), (f) => f.socket.disconnect());
    const snapshot = await waitFor(() => feed.snapshots[0], { what: 'snapshot' });
    expect(snapshot.devices.map((d) => d.id)).toEqual([ID]);
    expect(snapshot.devices[0]?.presence.status).toBe('unknown');
    expect(snapshot.server_time).toBeGreaterThan(0);

    const device = cleanup.add(sdkDevice(t, creds, heater, { state: { heater: false } }), (d) => d.stop());
    device.handle('identify', EmptyParamsSchema, () => ({ blinked: true }));
    await device.start();
    const online = await waitFor(() => feed.presence.find((e) => e.presence.status === 'online'), {
      what: 'presence online',
    });
    expect(online).toMatchObject({ device_id: ID, presence: { reason: 'connected' } });

    await waitFor(() => feed.state.find((e) => e.state.heater === false), { what: 'initial state' });
    await device.reportState({ heater: true });
    const state = await waitFor(() => feed.state.find((e) => e.state.heater === true), {
      what: 'state delta',
    });
    expect(state.device_id).toBe(ID);

    const ts = Date.now();
    device.telemetry({ temperature: 21.25 }, ts);
    const reading = await waitFor(() => feed.telemetry.find((e) => e.values.temperature === 21.25), {
      what: 'telemetry delta',
    });
    expect(reading).toEqual({ device_id: ID, ts, values: { temperature: 21.25 } });

    const res = await t.api(`/api/devices/${ID}/rpc`, { method: 'POST', body: { method: 'identify' } });
    expect(res.status).toBe(200);
    const done = await waitFor(() => feed.commands.find((c) => c.status === 'ok'), { what: 'command ok' });
    expect(done.result).toEqual({ blinked: true });
    expect(feed.commands.map((c) => c.status)).toEqual(['pending', 'ok']);
    expect(feed.commands[0]?.id).toBe(done.id);

    await device.stop();
    const offline = await waitFor(() => feed.presence.find((e) => e.presence.status === 'offline'), {
      what: 'presence offline',
    });
    expect(offline.presence.reason).toBe('clean_disconnect');
    expect(feed.invalid).toEqual([]);
  });

  it('a resync request answers a fresh snapshot', async () => {
    const feed = cleanup.add(connectFeed(t), (f) => f.socket.disconnect());
    await waitFor(() => feed.snapshots[0], { what: 'snapshot' });
    await t.api(`/api/devices/${ID}`, { method: 'PATCH', body: { name: 'Renamed heater' } });
    feed.socket.emit('resync');
    const fresh = await waitFor(() => feed.snapshots[1], { what: 'second snapshot' });
    expect(fresh.devices[0]?.name).toBe('Renamed heater');
  });

  it('coalesces a chatty device: 200 readings in a burst, far fewer events, the last value last', async () => {
    const feed = cleanup.add(connectFeed(t), (f) => f.socket.disconnect());
    await waitFor(() => feed.snapshots[0], { what: 'snapshot' });
    const device = cleanup.add(sdkDevice(t, creds, heater), (d) => d.stop());
    await device.start();

    const base = Date.now() - 1000;
    const N = 200;
    for (let i = 0; i < N; i++) device.telemetry({ temperature: i / 10 }, base + i);
    await waitFor(() => device.stats.telemetrySent === N, { what: `${N} readings acknowledged` });
    const last = (N - 1) / 10;
    await waitFor(() => feed.telemetry.some((e) => e.values.temperature === last), {
      what: 'an event with the last value',
      timeoutMs: 5000,
    });
    // Positive marker: a reading sent after the burst comes in an event of its own, after the last one.
    device.telemetry({ temperature: -1 }, base + 10 * N);
    await waitFor(() => feed.telemetry.some((e) => e.values.temperature === -1), { what: 'the marker' });

    const burst = feed.telemetry.filter((e) => e.device_id === ID && e.values.temperature !== -1);
    expect(burst.length).toBeGreaterThanOrEqual(1);
    expect(burst.length).toBeLessThan(N / 10);
    expect(burst.at(-1)?.values.temperature).toBe(last);
    expect(burst.at(-1)?.ts).toBe(base + N - 1);
    const ts = burst.map((e) => e.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    // Coalescing is for the browser only: every reading is stored.
    expect((await history(t, ID, 'temperature', base, base + N)).value).toHaveLength(N);
    expect(feed.invalid).toEqual([]);
  });
});
