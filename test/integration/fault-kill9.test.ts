/**
 * Fault: `kill -9` the hub while devices publish QoS 1 telemetry. A PUBACK
 * promises the reading is on disk (docs/architecture.md, "Durable
 * acknowledgement"): after the kill, every acknowledged reading must be in the
 * database file, the file must pass `PRAGMA integrity_check`, and a restarted
 * hub must serve them. The hub runs as a real child process; traffic stays on
 * 127.0.0.1; the test is bounded and kills the child whatever happens.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../server/db/database.ts';
import type { CreatedDeviceDto, HistoryDto } from '../../shared/api.ts';
import { type Child, Children } from '../helpers/child-process.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { TEST_OWNER_PASSWORD, tempDir } from '../helpers/hub.ts';
import { connectRaw, deviceOptions, type RawClient } from '../helpers/mqtt-clients.ts';
import { type PublishedReading, TelemetryPublisher } from '../helpers/telemetry-publisher.ts';
import { waitFor } from '../helpers/wait.ts';

const DEVICES = 4;
/** QoS 1 publishes in flight per device: the kill lands among uncommitted batches too. */
const WINDOW = 16;
/** Acknowledged readings (all devices) before the kill. */
const KILL_AFTER = 3000;

const cleanup = new Cleanup();
const children = new Children();
afterEach(async () => {
  await children.killAll();
  await cleanup.run();
});

interface HubProcess {
  run: Child;
  http: string;
  mqtt: string;
  cookie: string;
}

/**
 * Starts `node --import tsx server/main.ts` on `dataDir` with ports 0 and
 * learns the bound ports from its start-up log line (no guessing at free
 * ports), then logs in as the owner.
 */
async function startHubProcess(dataDir: string): Promise<HubProcess> {
  const run = children.start('server/main.ts', [], {
    HEARTH_DATA_DIR: dataDir,
    HEARTH_HOST: '127.0.0.1',
    HEARTH_PUBLIC_HOST: '127.0.0.1',
    HEARTH_HTTP_PORT: '0',
    HEARTH_MQTT_PORT: '0',
    HEARTH_OWNER_PASSWORD: TEST_OWNER_PASSWORD,
    // info, for the line that carries the ports.
    HEARTH_LOG_LEVEL: 'info',
    HEARTH_MQTT_RATE_LIMIT: '0',
  });
  const up = await waitFor(
    () => {
      if (run.child.exitCode !== null) throw new Error(`the hub exited: ${run.output.stderr}`);
      const line = run.output.stdout.split('\n').find((l) => l.includes('"msg":"Hearth is up'));
      return line === undefined ? undefined : (JSON.parse(line) as { http: number; mqtt: number });
    },
    { timeoutMs: 40_000, intervalMs: 50, what: 'the hub process up' },
  );
  const http = `http://127.0.0.1:${up.http}`;
  const login = await fetch(`${http}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: TEST_OWNER_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  if (login.status !== 204 || !cookie) throw new Error(`login failed: ${login.status}`);
  return { run, http, mqtt: `mqtt://127.0.0.1:${up.mqtt}`, cookie };
}

function api(hub: HubProcess, path: string, body?: unknown): Promise<Response> {
  return fetch(`${hub.http}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { cookie: hub.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Every stored temperature reading of each device, straight from the file. */
function storedReadings(file: string): { integrity: string; byDevice: Map<string, Map<number, number>> } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const rows = db
      .prepare(
        `SELECT s.device_id AS device, r.ts, r.value FROM readings r JOIN series s ON s.id = r.series_id
         WHERE s.metric = 'temperature'`,
      )
      .all() as { device: string; ts: number; value: number }[];
    const byDevice = new Map<string, Map<number, number>>();
    for (const r of rows) {
      const m = byDevice.get(r.device) ?? new Map<number, number>();
      m.set(r.ts, r.value);
      byDevice.set(r.device, m);
    }
    return { integrity, byDevice };
  } finally {
    db.close();
  }
}

describe('kill -9 during QoS 1 ingest', () => {
  it('loses no acknowledged reading, and the database stays intact', { timeout: 60_000 }, async () => {
    const dir = cleanup.add(tempDir('hearth-kill9-'), (d) => rmSync(d, { recursive: true, force: true }));
    const hub = await startHubProcess(dir);

    const ids = Array.from({ length: DEVICES }, (_, i) => `kill9-${i}`);
    const clients: RawClient[] = [];
    const publishers: TelemetryPublisher[] = [];
    const base = Date.now() - 3_600_000;
    for (const [i, id] of ids.entries()) {
      const res = await api(hub, '/api/devices', { name: `Sensor ${i}`, id });
      expect(res.status).toBe(201);
      const { credentials } = (await res.json()) as CreatedDeviceDto;
      const client = await connectRaw(hub.mqtt, deviceOptions(id, credentials.password));
      clients.push(client);
      // Disjoint timestamp ranges per device, one reading per millisecond.
      publishers.push(new TelemetryPublisher(client.client, id, base + i * 1_000_000, WINDOW));
    }
    cleanup.add(null, async () => {
      for (const c of clients) await c.end(true);
    });

    const total = () => publishers.reduce((n, p) => n + p.acked.length, 0);
    await waitFor(() => total() >= KILL_AFTER, {
      timeoutMs: 30_000,
      what: `${KILL_AFTER} acknowledged readings`,
    });
    hub.run.child.kill('SIGKILL');
    const exit = await hub.run.exited;
    expect(exit.signal).toBe('SIGKILL');
    // What was in flight is failed (not acknowledged) once the clients give up.
    for (const c of clients) await c.end(true);
    await Promise.all(publishers.map((p) => p.stop()));
    const acked = new Map<string, PublishedReading[]>(ids.map((id, i) => [id, publishers[i]?.acked ?? []]));
    expect(total()).toBeGreaterThanOrEqual(KILL_AFTER);

    const file = databasePath(dir);
    const stored = storedReadings(file);
    expect(stored.integrity).toBe('ok');
    for (const [id, readings] of acked) {
      const have = stored.byDevice.get(id) ?? new Map<number, number>();
      const lost = readings.filter((r) => have.get(r.ts) !== r.value);
      expect(lost, `${id}: acknowledged readings missing after kill -9`).toEqual([]);
      // Nothing stored that was never sent: each value is its timestamp's.
      const from = base + ids.indexOf(id) * 1_000_000;
      const wrong = [...have].filter(([ts, value]) => value !== (ts - from) * 0.25);
      expect(wrong, `${id}: stored readings that were never sent`).toEqual([]);
    }

    // The restarted hub recovers the WAL, passes its start-up check and serves them all.
    const again = await startHubProcess(dir);
    for (const [i, id] of ids.entries()) {
      const from = base + i * 1_000_000;
      const res = await api(
        again,
        `/api/devices/${id}/history?metric=temperature&from=${from}&to=${from + 1_000_000}&points=5000`,
      );
      expect(res.status).toBe(200);
      const history = (await res.json()) as HistoryDto;
      const served = history.count.reduce((a, c) => a + c, 0);
      expect(served).toBe(stored.byDevice.get(id)?.size);
      expect(served).toBeGreaterThanOrEqual(acked.get(id)?.length ?? 0);
    }
    again.run.child.kill('SIGTERM');
    expect((await again.run.exited).code).toBe(0);
  });
});
