/**
 * Seeing inside the hub: Prometheus `/metrics` (private on the HTTP port,
 * public on its own listener when configured, valid exposition text,
 * counters that move with traffic), `GET /api/stats` per shared/stats.ts,
 * the `$SYS/hearth/…` topics, and per-device ping statistics.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_VERSION } from '../../server/version.ts';
import type { CommandDto, CreatedDeviceDto } from '../../shared/api.ts';
import type { CreatedIntegrationDto, CreatedTokenDto } from '../../shared/auth.ts';
import type { PingReplyDto, PingStatsDto } from '../../shared/ping.ts';
import { type StatsDto, StatsSchema } from '../../shared/stats.ts';
import { topics } from '../../shared/topics.ts';
import { checker } from '../../shared/validate.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { freePort } from '../helpers/mosquitto-broker.ts';
import { connectRaw, deviceOptions } from '../helpers/mqtt-clients.ts';
import { commands } from '../helpers/probes.ts';
import { type Exposition, parseExposition, sampleValue } from '../helpers/prometheus-text.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A hub that samples, probes and refreshes $SYS fast enough for a test. */
async function fastHub(extra: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> {
  const overrides = { statsIntervalMs: 100, probeIntervalMs: 100, sysIntervalMs: 100, ...extra.overrides };
  return cleanup.add(await startTestHub({ ...extra, overrides }), (t) => t.close());
}

async function scrape(t: TestHub, headers: Record<string, string> = {}): Promise<Exposition> {
  const res = await t.api('/metrics', { headers });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

async function createIntegration(t: TestHub, username: string, patterns: string[], access: string) {
  const res = await t.api('/api/integrations', { method: 'POST', body: { username, patterns, access } });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedIntegrationDto;
}

describe('GET /metrics', () => {
  it('needs credentials: 401 without, 200 with the session or an API token', async () => {
    const t = await fastHub();
    const anon = await t.api('/metrics', { auth: false });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anon.json()).toMatchObject({ error: 'unauthorized' });
    expect(
      (await t.api('/metrics', { auth: false, headers: { authorization: 'Bearer hth_nope' } })).status,
    ).toBe(401);

    const created = await t.api('/api/tokens', { method: 'POST', body: { name: 'prometheus' } });
    const { secret } = (await created.json()) as CreatedTokenDto;
    const e = await scrape(t, { authorization: `Bearer ${secret}` });
    expect(e.types.get('hearth_mqtt_messages_received_total')).toBe('counter');
    expect(e.types.get('hearth_probe_rtt_seconds')).toBe('histogram');
    expect(e.types.get('hearth_event_loop_lag_seconds')).toBe('gauge');
    expect(sampleValue(e, 'hearth_info', { version: HUB_VERSION })).toBe(1);
    // Every family the issue asks for is there.
    for (const name of [
      'hearth_mqtt_clients',
      'hearth_mqtt_messages_sent_total',
      'hearth_mqtt_dropped_total',
      'hearth_mqtt_invalid_total',
      'hearth_ingest_readings_total',
      'hearth_db_write_last_batch_seconds',
      'hearth_db_write_last_batch_rows',
      'hearth_db_size_bytes',
      'hearth_command_rtt_seconds',
      'hearth_live_clients',
      'process_resident_memory_bytes',
    ]) {
      expect(e.types.has(name), name).toBe(true);
    }
  });

  it('parses as Prometheus text, and its counters move when traffic flows', async () => {
    const t = await fastHub();
    const dev = await t.addDevice('Metrics thermometer', { id: 'metrics-thermo' });
    const watcher = await createIntegration(t, 'watcher', ['hearth/+/telemetry'], 'read');
    const sub = await mqtt.connectAsync(t.mqttUrl, {
      username: 'watcher',
      password: watcher.password,
      clientId: 'watcher-1',
      reconnectPeriod: 0,
    });
    cleanup.add(sub, (c) => c.endAsync());
    await sub.subscribeAsync('hearth/+/telemetry', { qos: 1 });
    let seen = 0;
    sub.on('message', () => seen++);

    const before = await scrape(t);
    const raw = await connectRaw(t.mqttUrl, deviceOptions(dev.device.id, dev.credentials.password));
    cleanup.add(raw, (r) => r.end());
    const { client } = raw;
    await client.publishAsync(topics.description(dev.device.id), JSON.stringify(thermometer), {
      qos: 1,
      retain: true,
    });
    const base = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) {
      await client.publishAsync(
        topics.telemetry(dev.device.id),
        JSON.stringify({ ts: base + i, temperature: 20 + i }),
        {
          qos: 1,
        },
      );
    }
    await client.publishAsync(topics.telemetry(dev.device.id), '{not json', { qos: 1 });
    await waitFor(() => seen >= 5, { what: 'the watcher got the telemetry' });

    const after = await scrape(t);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('hearth_mqtt_messages_received_total', { kind: 'telemetry', qos: '1' })).toBe(5);
    expect(delta('hearth_mqtt_messages_received_total', { kind: 'description', qos: '1' })).toBe(1);
    expect(delta('hearth_mqtt_messages_received_total', { kind: 'dropped', qos: '1' })).toBe(1);
    expect(delta('hearth_mqtt_messages_sent_total', { kind: 'telemetry', qos: '1' })).toBe(5);
    expect(delta('hearth_mqtt_dropped_total', { reason: 'invalid_json' })).toBe(1);
    expect(delta('hearth_mqtt_invalid_total')).toBe(1);
    expect(delta('hearth_ingest_readings_total')).toBe(5);
    expect(delta('hearth_db_write_batches_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'hearth_mqtt_clients')).toBe(2);
    expect(sampleValue(after, 'hearth_devices_online')).toBe(1);
    expect(sampleValue(after, 'hearth_db_size_bytes')).toBeGreaterThan(0);
    expect(sampleValue(after, 'hearth_probe_rtt_seconds_count', { qos: '1' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'hearth_probe_sent_total', { qos: '2' })).toBeGreaterThan(0);
  });

  it('is served without credentials on the separate metrics listener when configured', async () => {
    const port = await freePort();
    const t = await fastHub({ overrides: { metricsPort: port, metricsHost: '127.0.0.1' } });
    expect(t.hub.app.metrics.listener?.port).toBe(port);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const e = parseExposition(await res.text());
    expect(e.types.get('hearth_mqtt_clients')).toBe('gauge');
    expect((await fetch(`http://127.0.0.1:${port}/api/devices`)).status).toBe(404);
    await t.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('GET /api/stats', () => {
  it('answers per shared/stats.ts with samples, the probe at each QoS and command round trips', async () => {
    const t = await fastHub();
    expect((await t.api('/api/stats', { auth: false })).status).toBe(401);
    const dev = await t.addDevice('Stats device', { id: 'stats-dev' });
    const device = cleanup.add(sdkDevice(t, dev.credentials, thermometer), (d) => d.stop());
    await device.start();
    expect((await t.api('/api/devices/stats-dev/ping', { method: 'POST' })).status).toBe(200);
    // Samples come every 100 ms: only one taken after the device is online can show it.
    const onlineSince = Date.now();

    const valid = checker(StatsSchema);
    const stats = await waitFor(
      async () => {
        const s = (await (await t.api('/api/stats')).json()) as StatsDto;
        const probed = s.probe.every((p) => p.received > 0);
        const fresh = (s.series.ts.at(-1) ?? 0) > onlineSince;
        return s.series.ts.length >= 3 && fresh && probed && s.commands.count > 0 ? s : undefined;
      },
      { what: 'three samples (one since the device came online), probes at every QoS and a command' },
    );
    expect(valid.check(stats), valid.explain(stats)).toBe(true);
    expect(stats.interval_ms).toBe(100);
    for (const column of Object.values(stats.series)) expect(column).toHaveLength(stats.series.ts.length);
    expect(stats.probe.map((p) => p.qos)).toEqual([0, 1, 2]);
    for (const p of stats.probe) {
      expect(p.p50_ms).toBeGreaterThanOrEqual(0);
      expect(p.lost).toBe(0);
      expect(p.last_error).toBeNull();
    }
    expect(stats.series.mqtt_clients.at(-1)).toBe(1);
    expect(stats.series.devices_online.at(-1)).toBe(1);
    expect(stats.series.db_size_bytes.at(-1)).toBeGreaterThan(0);
    expect(stats.series.probe_rtt_ms_qos1.some((v) => v !== null)).toBe(true);
    expect(stats.commands.p50_ms).toBeGreaterThan(0);
    expect(stats.counters.mqtt_messages_received).toBeGreaterThan(0);
  });

  it('reports no probe when the probe is off', async () => {
    const t = await fastHub({ overrides: { probeIntervalMs: 0 } });
    const s = (await (await t.api('/api/stats')).json()) as StatsDto;
    expect(s.probe).toEqual([]);
    expect(t.hub.app.metrics.probe).toBeNull();
  });
});

describe('$SYS/hearth topics', () => {
  it('are readable by an integration account whose patterns name $SYS', async () => {
    const t = await fastHub();
    const sys = await createIntegration(t, 'sys-reader', ['$SYS/#'], 'read');
    const client = await mqtt.connectAsync(t.mqttUrl, {
      username: 'sys-reader',
      password: sys.password,
      clientId: 'sys-reader-1',
      reconnectPeriod: 0,
    });
    cleanup.add(client, (c) => c.endAsync());
    const values = new Map<string, string>();
    client.on('message', (topic, payload) => values.set(topic, payload.toString()));
    await client.subscribeAsync('$SYS/hearth/#', { qos: 0 });
    await waitFor(() => values.size >= 7 && Number(values.get('$SYS/hearth/messages/sent')) >= 0, {
      what: `every $SYS topic (${[...values.keys()].join(', ')})`,
    });
    expect(values.get('$SYS/hearth/version')).toBe(HUB_VERSION);
    await waitFor(() => values.get('$SYS/hearth/clients/connected') === '1', {
      what: 'one client connected',
    });
    expect(Number(values.get('$SYS/hearth/uptime'))).toBeGreaterThanOrEqual(0);
    expect(values.get('$SYS/hearth/devices/online')).toBe('0');
    expect(Number(values.get('$SYS/hearth/probe/rtt_ms'))).toBeGreaterThanOrEqual(0);
    expect(Number(values.get('$SYS/hearth/messages/received'))).toBeGreaterThanOrEqual(0);

    // A read account without $SYS in its patterns is refused, as is `#` reaching into $SYS.
    const plain = await createIntegration(t, 'plain-reader', ['#'], 'read');
    const other = await mqtt.connectAsync(t.mqttUrl, {
      username: 'plain-reader',
      password: plain.password,
      clientId: 'plain-reader-1',
      reconnectPeriod: 0,
    });
    cleanup.add(other, (c) => c.endAsync());
    const refused = await other.subscribeAsync('$SYS/#', { qos: 0 }).then(
      () => null,
      (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
    );
    expect(refused).toEqual([128]);
  });
});

describe('per-device ping', () => {
  async function device(t: TestHub, id: string): Promise<CreatedDeviceDto> {
    const dev = await t.addDevice(`Ping ${id}`, { id });
    // The description does not list `ping`: the SDK answers it all the same.
    const d = cleanup.add(sdkDevice(t, dev.credentials, thermometer), (x) => x.stop());
    await d.start();
    return dev;
  }

  it('measures round trips, keeps statistics and records pings in the command log', async () => {
    const t = await fastHub();
    await device(t, 'ping-dev');
    for (let i = 1; i <= 3; i++) {
      const res = await t.api('/api/devices/ping-dev/ping', { method: 'POST', body: { timeout_ms: 2000 } });
      const body = (await res.json()) as PingReplyDto;
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.rtt_ms).toBeGreaterThan(0);
      expect(body.command).toMatchObject({ method: 'ping', status: 'ok', result: { pong: true } });
      expect(body.stats).toMatchObject({ sent: i, answered: i, failed: 0 });
    }
    const stats = (await (await t.api('/api/devices/ping-dev/ping-stats')).json()) as PingStatsDto;
    expect(stats).toMatchObject({
      device_id: 'ping-dev',
      window_s: 3600,
      sent: 3,
      answered: 3,
      last_status: 'ok',
    });
    expect(stats.p50_ms).toBeGreaterThan(0);
    expect(stats.p99_ms).toBeGreaterThanOrEqual(stats.p50_ms ?? 0);
    expect(stats.min_ms).toBeLessThanOrEqual(stats.max_ms ?? 0);
    const log = await commands(t, 'ping-dev');
    expect(log.filter((c: CommandDto) => c.method === 'ping')).toHaveLength(3);
  });

  it('answers 409 for an offline device and counts it failed; 404 for an unknown one', async () => {
    const t = await fastHub();
    await t.addDevice('Never connected', { id: 'ping-offline' });
    const res = await t.api('/api/devices/ping-offline/ping', { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: 'device_offline',
      command: { method: 'ping', status: 'offline' },
    });
    const stats = (await (await t.api('/api/devices/ping-offline/ping-stats')).json()) as PingStatsDto;
    expect(stats).toMatchObject({ sent: 1, answered: 0, failed: 1, last_status: 'offline', p50_ms: null });
    expect((await t.api('/api/devices/nobody-here/ping-stats')).status).toBe(404);
    expect((await t.api('/api/devices/nobody-here/ping', { method: 'POST' })).status).toBe(404);
  });
});
