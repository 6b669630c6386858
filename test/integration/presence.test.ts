/**
 * Presence from the broker's own connection events: each disconnect reason is
 * recorded (GET /api/devices/:id) and mirrored on the retained
 * `hearth/<id>/availability`. No MQTT client may subscribe to another topic
 * than its own rpc, so "what a late subscriber gets" is read from the broker's
 * retained store.
 */
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials, Presence, PresenceEventDto } from '../../shared/api.ts';
import { topics } from '../../shared/topics.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { getDevice, presenceTimeline, retained } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'presence-dev';

describe('presence', () => {
  let t: TestHub;
  let creds: Credentials;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    creds = (await t.addDevice('Presence probe', { id: ID })).credentials;
  });
  afterEach(() => cleanup.run());

  /** Waits until the device's presence matches `status`, and returns it. */
  async function presenceOf(status: Presence['status'], reason?: Presence['reason']): Promise<Presence> {
    return waitFor(
      async () => {
        const p = (await getDevice(t, ID)).presence;
        return p.status === status && (reason === undefined || p.reason === reason) ? p : undefined;
      },
      { what: `presence ${status}${reason ? `/${reason}` : ''}` },
    );
  }

  async function availability(value: 'online' | 'offline'): Promise<void> {
    await waitFor(async () => (await retained(t, topics.availability(ID))) === value, {
      what: `retained availability "${value}"`,
    });
  }

  /** A raw device connection that is online in the hub's eyes. */
  async function rawOnline(extra = {}) {
    const raw = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, creds.password, extra)), (r) =>
      r.end(),
    );
    await presenceOf('online', 'connected');
    return raw;
  }

  it('a device that never connected is unknown/never_connected', async () => {
    const device = await getDevice(t, ID);
    expect(device.presence).toMatchObject({ status: 'unknown', reason: 'never_connected', since: null });
    expect(await retained(t, topics.availability(ID))).toBeUndefined();
  });

  it('connect → online/connected; SDK stop() → offline/clean_disconnect', async () => {
    const device = cleanup.add(sdkDevice(t, creds, thermometer), (d) => d.stop());
    const before = Date.now();
    await device.start();
    const online = await presenceOf('online', 'connected');
    expect(online.since).toBeGreaterThanOrEqual(before);
    await availability('online');

    const stopped = Date.now();
    await device.stop();
    const p = await presenceOf('offline');
    expect(p.reason).toBe('clean_disconnect');
    expect(p.since).toBeGreaterThanOrEqual(stopped);
    await availability('offline');
  });

  it('SDK kill() (no DISCONNECT) → offline/connection_closed', async () => {
    const device = cleanup.add(sdkDevice(t, creds, thermometer), (d) => d.stop());
    await device.start();
    await presenceOf('online', 'connected');
    await availability('online');
    await device.kill();
    const p = await presenceOf('offline');
    expect(p.reason).toBe('connection_closed');
    // The will is not published over the hub's own `offline`; either way it reads offline.
    await availability('offline');
  });

  it('raw socket end without DISCONNECT → offline/connection_closed', async () => {
    const raw = await rawOnline();
    raw.client.stream.end();
    await raw.closed;
    expect((await presenceOf('offline')).reason).toBe('connection_closed');
    await availability('offline');
  });

  it('TCP reset → offline/socket_error', async () => {
    const raw = await rawOnline();
    (raw.client.stream as Socket).resetAndDestroy();
    const p = await presenceOf('offline');
    expect(p.reason).toBe('socket_error');
    expect(p.detail).toMatch(/ECONNRESET/);
    await availability('offline');
  });

  it('silent client with keepalive 1 s → offline/keepalive_timeout', async () => {
    const raw = await rawOnline({ keepalive: 1 });
    // Stop mqtt.js from sending PINGREQ; the broker gives up after 1.5 × keepalive [MQTT-3.1.2-24].
    raw.client.keepaliveManager?.destroy();
    await raw.closed;
    const p = await presenceOf('offline');
    expect(p.reason).toBe('keepalive_timeout');
    await availability('offline');
  });

  it('a second connection with the same id takes over: first recorded taken_over, device stays online', async () => {
    const first = await rawOnline();
    await availability('online');
    const second = cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, creds.password)), (r) =>
      r.end(),
    );
    await first.closed; // [MQTT-3.1.4-2] the server disconnects the existing client
    const p = await presenceOf('online', 'connected');
    expect(second.client.connected).toBe(true);
    expect(p.status).toBe('online');
    await availability('online');
    const timeline = presenceTimeline(t, ID).map((e) => `${e.status}/${e.reason}`);
    expect(timeline).toEqual(['online/connected', 'offline/taken_over', 'online/connected']);

    // The new connection is a normal one: its own end is recorded as such, not as another takeover.
    await second.end();
    expect((await presenceOf('offline')).reason).toBe('clean_disconnect');
  });

  it('records the timeline of every transition in order (presence_events in the SQLite file)', async () => {
    const device = cleanup.add(sdkDevice(t, creds, thermometer), (d) => d.stop());
    await device.start();
    await presenceOf('online');
    await device.kill();
    await presenceOf('offline', 'connection_closed');
    const raw = await rawOnline();
    (raw.client.stream as Socket).resetAndDestroy();
    await presenceOf('offline', 'socket_error');
    const again = await rawOnline();
    await again.end();
    await presenceOf('offline', 'clean_disconnect');

    const timeline = presenceTimeline(t, ID);
    expect(timeline.map((e) => `${e.status}/${e.reason}`)).toEqual([
      'online/connected',
      'offline/connection_closed',
      'online/connected',
      'offline/socket_error',
      'online/connected',
      'offline/clean_disconnect',
    ]);
    const ts = timeline.map((e) => e.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);

    // The same timeline through GET /api/devices/:id/presence, newest first.
    const res = await t.api(`/api/devices/${ID}/presence`);
    expect(res.status).toBe(200);
    const api = (await res.json()) as PresenceEventDto[];
    expect(api.map((e) => `${e.status}/${e.reason}`)).toEqual(
      timeline.map((e) => `${e.status}/${e.reason}`).reverse(),
    );
  });

  it('the timeline API lists a takeover newest first (its two changes often share a millisecond)', async () => {
    const first = await rawOnline();
    cleanup.add(await connectRaw(t.mqttUrl, deviceOptions(ID, creds.password)), (r) => r.end());
    await first.closed;
    await presenceOf('online', 'connected');
    const api = (await (await t.api(`/api/devices/${ID}/presence`)).json()) as PresenceEventDto[];
    expect(api.map((e) => `${e.status}/${e.reason}`)).toEqual([
      'online/connected',
      'offline/taken_over',
      'online/connected',
    ]);
  });
});

describe('presence across a hub restart', () => {
  it('a device connected at shutdown is offline/hub_shutdown after the restart', async () => {
    const dataDir = tempDir();
    const cleanup = new Cleanup();
    cleanup.add(dataDir, (dir) => rmSync(dir, { recursive: true, force: true }));
    try {
      const first = await startTestHub({ dataDir });
      let firstClosed = false;
      cleanup.add(first, (hub) => firstClosed || hub.close(true));
      const { credentials } = await first.addDevice('Restart probe', { id: ID });
      const device = cleanup.add(sdkDevice(first, credentials, thermometer), (d) => d.stop());
      await device.start();
      await waitFor(async () => (await getDevice(first, ID)).presence.status === 'online', {
        what: 'online before shutdown',
      });

      // What the broker publishes while the hub shuts down (whatever its persistence).
      const mirrored: string[] = [];
      first.hub.app.broker.aedes.on('publish', (packet) => {
        if (packet.topic === topics.availability(ID) && packet.retain)
          mirrored.push(packet.payload.toString());
      });
      const shutdownAt = Date.now();
      await first.close(true);
      firstClosed = true;
      expect(mirrored.at(-1)).toBe('offline');

      const second = cleanup.add(await startTestHub({ dataDir }), (hub) => hub.close(true));
      const p = (await getDevice(second, ID)).presence;
      expect(p.status).toBe('offline');
      expect(p.reason).toBe('hub_shutdown');
      expect(p.since).toBeGreaterThanOrEqual(shutdownAt);
      const timeline = presenceTimeline(second, ID).map((e) => `${e.status}/${e.reason}`);
      expect(timeline).toEqual(['online/connected', 'offline/hub_shutdown']);
      // With an in-memory broker store nothing is retained across the restart; a durable one
      // must still say `offline`, never `online`.
      expect([undefined, 'offline']).toContain(await retained(second, topics.availability(ID)));
    } finally {
      await cleanup.run();
    }
  });
});
