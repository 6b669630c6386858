/**
 * Read-only views of a running test hub: the HTTP API (devices, health
 * counters, history), the broker's retained store and the presence timeline
 * in the SQLite file.
 */
import Database from 'better-sqlite3';
import { databasePath } from '../../server/db/database.ts';
import type { CommandDto, DeviceDto, HealthDto, HistoryDto } from '../../shared/api.ts';
import type { TestHub } from './hub.ts';

/** GET /api/devices/:id, which must answer 200. */
export async function getDevice(t: TestHub, id: string): Promise<DeviceDto> {
  const res = await t.api(`/api/devices/${id}`);
  if (res.status !== 200) throw new Error(`GET device ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as DeviceDto;
}

/** GET /api/health. */
export async function health(t: TestHub): Promise<HealthDto> {
  const res = await t.api('/api/health');
  if (res.status !== 200) throw new Error(`GET health: ${res.status}`);
  return (await res.json()) as HealthDto;
}

/** One counter of GET /api/health (0 when never incremented). */
export async function counter(t: TestHub, name: string): Promise<number> {
  return (await health(t)).counters[name] ?? 0;
}

/** GET /api/devices/:id/commands. */
export async function commands(t: TestHub, id: string): Promise<CommandDto[]> {
  const res = await t.api(`/api/devices/${id}/commands`);
  if (res.status !== 200) throw new Error(`GET commands ${id}: ${res.status}`);
  return (await res.json()) as CommandDto[];
}

/**
 * GET /api/devices/:id/history over [from, to). Keep the range under 5000 ms
 * (the most points a query returns) to get raw readings, one per millisecond.
 */
export async function history(
  t: TestHub,
  id: string,
  metric: string,
  from: number,
  to: number,
): Promise<HistoryDto> {
  const res = await t.api(`/api/devices/${id}/history?metric=${metric}&from=${from}&to=${to}&points=5000`);
  if (res.status !== 200) throw new Error(`GET history ${id}/${metric}: ${res.status} ${await res.text()}`);
  return (await res.json()) as HistoryDto;
}

interface RetainedPacket {
  topic: string;
  payload: Buffer;
}
interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<RetainedPacket>;
}

/**
 * What a late subscriber to `topic` would get as the retained message, read
 * from the broker's own retained store (no MQTT client may subscribe to
 * device topics other than its rpc under the current ACL).
 */
export async function retained(t: TestHub, topic: string): Promise<string | undefined> {
  const store = (t.hub.app.broker.aedes as unknown as { persistence: RetainedStore }).persistence;
  let found: string | undefined;
  for await (const packet of store.createRetainedStream(topic)) {
    if (packet.topic === topic) found = packet.payload.toString();
  }
  return found;
}

export interface PresenceEvent {
  status: string;
  reason: string;
  ts: number;
}

/** The device's presence timeline, in insertion order, read from the SQLite file. */
export function presenceTimeline(t: TestHub, id: string): PresenceEvent[] {
  const db = new Database(databasePath(t.dataDir), { readonly: true });
  try {
    return db
      .prepare<[string], PresenceEvent>(
        'SELECT status, reason, ts FROM presence_events WHERE device_id = ? ORDER BY rowid',
      )
      .all(id);
  } finally {
    db.close();
  }
}
