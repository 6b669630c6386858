/**
 * Thousands of random and malformed MQTT payloads, topics, raw packets and
 * HTTP requests: the hub never crashes, never answers 5xx to a client error,
 * and stored data stays intact. Seeded, so a failure can be replayed with
 * FUZZ_SEED=<seed>.
 */
import { connect as tcpConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthDto, HistoryDto } from '../../shared/api.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
/** Thousands of round trips: bounded, but generous on a loaded 2-core machine. */
const LONG = 180_000;

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

function randomString(max = 40): string {
  const alphabet = ['a', 'Z', '0', '/', '-', '_', '.', ' ', 'é', '😀', '\u0000', '"', '\\', '{', '%', '$'];
  let s = '';
  for (let i = int(max); i > 0; i--) s += pick(alphabet);
  return s;
}

function randomJson(depth = 0): unknown {
  switch (int(depth > 2 ? 6 : 8)) {
    case 0:
      return random() * 1e6 - 5e5;
    case 1:
      return pick([0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 64]);
    case 2:
      return randomString();
    case 3:
      return pick([true, false, null]);
    case 4:
      return 'x'.repeat(int(3000));
    case 5:
      return int(100);
    case 6:
      return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: int(6) }, () => [
          pick(['temperature', 'ts', 'id', 'method', 'params', 'result', 'error', randomString(10)]),
          randomJson(depth + 1),
        ]),
      );
  }
}

function randomPayload(): Buffer | string {
  switch (int(6)) {
    case 0:
      return Buffer.from(Array.from({ length: int(200) }, () => int(256)));
    case 1:
      return JSON.stringify(randomJson()).slice(0, int(200) + 1);
    case 2:
      return pick([
        '{"temperature": NaN}',
        '{"temperature": 1e999}',
        '{"temperature": Infinity}',
        '',
        'online',
        'offline',
      ]);
    case 3:
      return 'x'.repeat(20_000 + int(5000));
    default:
      return JSON.stringify(randomJson());
  }
}

const ID = 'fuzz-target';

describe(`fuzz (seed ${SEED})`, () => {
  let t: TestHub;
  let password: string;
  let baseline: HistoryDto;
  const from = Date.now() - 3600_000;
  const to = from + 600_000;
  const history = async () =>
    (await (
      await t.api(`/api/devices/${ID}/history?metric=temperature&from=${from}&to=${to}&points=1000`)
    ).json()) as HistoryDto;

  beforeAll(async () => {
    t = await startTestHub();
    password = (await t.addDevice('Fuzz target', { id: ID })).credentials.password;
    await t.addDevice('Bystander', { id: 'bystander' });
    // Known readings in the past, to compare after the storm.
    const c = await mqtt.connectAsync(t.mqttUrl, {
      clientId: ID,
      username: ID,
      password,
      reconnectPeriod: 0,
    });
    for (let i = 0; i < 60; i++) {
      await c.publishAsync(
        `hearth/${ID}/telemetry`,
        JSON.stringify({ ts: from + i * 10_000, temperature: 20 + i / 10 }),
        {
          qos: 1,
        },
      );
    }
    await c.endAsync();
    baseline = await history();
    expect(baseline.ts).toHaveLength(60);
  });
  afterAll(async () => {
    await t.close();
  });

  it(
    'survives thousands of random MQTT publishes from an authenticated device',
    async () => {
      let client: MqttClient | null = null;
      const connectDevice = () =>
        mqtt.connectAsync(t.mqttUrl, {
          clientId: ID,
          username: ID,
          password,
          reconnectPeriod: 0,
          connectTimeout: 5000,
        });
      const topics = [
        `hearth/${ID}/telemetry`,
        `hearth/${ID}/state`,
        `hearth/${ID}/description`,
        `hearth/${ID}/availability`,
        `hearth/${ID}/rpc/reply`,
        `hearth/${ID}/rpc`,
        'hearth/bystander/telemetry',
        'hearth/pairing/abc/hello',
        '$SYS/hearth/x',
        'home/kitchen',
      ];
      for (let i = 0; i < 3000; i++) {
        if (!client?.connected) client = await connectDevice();
        const topic =
          random() < 0.8 ? pick(topics) : `${pick(topics)}/${randomString(20)}`.replace(/[+#]/g, '');
        const qos = pick([0, 0, 1] as const);
        const payload = randomPayload();
        const sent = client.publishAsync(topic.length > 0 ? topic : 'x', payload, {
          qos,
          retain: random() < 0.2,
        });
        // QoS 1 waits for its ack (paces us to the hub's rate); a closed connection is fine: reconnect.
        if (qos === 1) await sent.catch(() => {});
        else sent.catch(() => {});
      }
      await client?.endAsync();
      const health = (await (await t.api('/api/health')).json()) as HealthDto;
      expect(health.status).toBe('ok');
      expect(health.counters.mqtt_dropped_total).toBeGreaterThan(500);
    },
    LONG,
  );

  it(
    'survives raw garbage on the MQTT port',
    async () => {
      for (let i = 0; i < 200; i++) {
        await new Promise<void>((resolve) => {
          const socket = tcpConnect(t.hub.mqttPort, '127.0.0.1', () => {
            const bytes = Buffer.from(Array.from({ length: int(300) + 1 }, () => int(256)));
            // Half the time a plausible CONNECT header first, so the parser gets further.
            if (random() < 0.5)
              socket.write(Buffer.from([0x10, int(128), 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04]));
            socket.write(bytes);
            setTimeout(() => socket.destroy(), int(20));
          });
          socket.on('error', () => {});
          socket.on('close', () => resolve());
        });
      }
      expect((await t.api('/api/health')).status).toBe(200);
    },
    LONG,
  );

  it(
    'answers thousands of random HTTP requests without a single 5xx',
    async () => {
      const doc = (await (await t.api('/api/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const routes = Object.entries(doc.paths)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })))
        // Ending our own session or downloading backups would only slow the fuzzer down.
        .filter((r) => !['/api/auth/logout', '/api/backup'].includes(r.path));
      const failures: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const route = pick(routes);
        const method = random() < 0.85 ? route.method : pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
        const path = route.path.replace(/\{[^}]+\}/g, () =>
          encodeURIComponent(pick([randomString(30), 'bystander-x', 'a'.repeat(int(300)), '..', '%', 'c1'])),
        );
        const query = random() < 0.5 ? `?${randomString(30)}=${encodeURIComponent(randomString(30))}` : '';
        const bodyKind = int(4);
        const headers: Record<string, string> = {};
        let body: string | undefined;
        if (method !== 'GET' && method !== 'DELETE') {
          if (bodyKind === 0) body = JSON.stringify(randomJson());
          else if (bodyKind === 1) body = `{${randomString(50)}`;
          else if (bodyKind === 2) body = randomString(100);
          headers['content-type'] =
            bodyKind === 2 ? pick(['text/plain', 'application/xml', 'application/json']) : 'application/json';
        }
        const res = await t.api(`${path}${query}`, { method, body, headers, auth: random() < 0.9 });
        if (res.status >= 500)
          failures.push(
            `${method} ${path}${query} ${body?.slice(0, 80)} → ${res.status} ${await res.text()}`,
          );
        else await res.arrayBuffer();
      }
      expect(failures).toEqual([]);
    },
    LONG,
  );

  it('kept the stored data intact and the hub healthy', async () => {
    await waitFor(async () => (await t.api('/api/health')).status === 200);
    expect(await history()).toEqual(baseline);
    expect(t.hub.app.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const devices = (await (await t.api('/api/devices')).json()) as { id: string }[];
    expect(devices.map((d) => d.id)).toEqual(expect.arrayContaining([ID, 'bystander']));
  });
});
