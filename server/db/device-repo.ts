/** Device registry persistence: devices, their series and presence history. */
import type { Presence, PresenceReason, PresenceStatus } from '../../shared/api.ts';
import type { Db } from './database.ts';

export interface DeviceRow {
  id: string;
  name: string;
  room: string | null;
  secret_hash: string;
  created_at: number;
  description: string | null;
  state: string;
  state_ts: number | null;
  presence_status: PresenceStatus;
  presence_reason: PresenceReason;
  presence_detail: string | null;
  presence_since: number | null;
  last_seen: number | null;
}

export interface SeriesRow {
  id: number;
  device_id: string;
  metric: string;
  last_value: number | null;
  last_ts: number | null;
}

export interface PresenceEventRow {
  ts: number;
  status: PresenceStatus;
  reason: PresenceReason;
  detail: string | null;
}

export interface NewDevice {
  id: string;
  name: string;
  room: string | null;
  secretHash: string;
  createdAt: number;
}

/** Prepared statements over the registry tables; synchronous, like better-sqlite3. */
export function createDeviceRepo(db: Db) {
  const s = {
    all: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY room, name, id'),
    get: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO devices (id, name, room, secret_hash, created_at) VALUES (@id, @name, @room, @secretHash, @createdAt)',
    ),
    rename: db.prepare<[string, string]>('UPDATE devices SET name = ? WHERE id = ?'),
    move: db.prepare<[string | null, string]>('UPDATE devices SET room = ? WHERE id = ?'),
    secret: db.prepare<[string, string]>('UPDATE devices SET secret_hash = ? WHERE id = ?'),
    rehash: db.prepare<[string, string, string]>(
      'UPDATE devices SET secret_hash = ? WHERE id = ? AND secret_hash = ?',
    ),
    orphan: db.prepare<[string]>(
      'INSERT OR IGNORE INTO series_orphans (series_id) SELECT id FROM series WHERE device_id = ?',
    ),
    remove: db.prepare<[string]>('DELETE FROM devices WHERE id = ?'),
    removePresence: db.prepare<[string]>('DELETE FROM presence_events WHERE device_id = ?'),
    description: db.prepare<[string | null, string]>('UPDATE devices SET description = ? WHERE id = ?'),
    state: db.prepare<[string, number, string]>('UPDATE devices SET state = ?, state_ts = ? WHERE id = ?'),
    presence: db.prepare(
      `UPDATE devices SET presence_status = @status, presence_reason = @reason,
         presence_detail = @detail, presence_since = @since WHERE id = @id`,
    ),
    presenceEvent: db.prepare(
      `INSERT INTO presence_events (device_id, ts, status, reason, detail)
       VALUES (@id, @since, @status, @reason, @detail)`,
    ),
    presenceHistory: db.prepare<[string, number, number], PresenceEventRow>(
      `SELECT ts, status, reason, detail FROM presence_events
       WHERE device_id = ? AND ts >= ? ORDER BY ts DESC, rowid DESC LIMIT ?`,
    ),
    seriesOf: db.prepare<[string], SeriesRow>('SELECT * FROM series WHERE device_id = ?'),
    allSeries: db.prepare<[], SeriesRow>('SELECT * FROM series'),
    seriesGet: db.prepare<[string, string], SeriesRow>(
      'SELECT * FROM series WHERE device_id = ? AND metric = ?',
    ),
    seriesInsert: db.prepare<[string, string]>('INSERT INTO series (device_id, metric) VALUES (?, ?)'),
  };

  const removeTx = db.transaction((id: string) => {
    flushPresence();
    s.orphan.run(id);
    s.removePresence.run(id);
    return s.remove.run(id).changes > 0;
  });
  // Presence changes come in storms (every device reconnecting after a hub
  // restart, or all of them leaving at shutdown): they are queued and written
  // in one transaction per event-loop turn instead of one commit each.
  const queuedPresence: { id: string; presence: Presence }[] = [];
  let presenceTurn: NodeJS.Immediate | null = null;
  const writePresence = db.transaction((batch: { id: string; presence: Presence }[]) => {
    for (const { id, presence } of batch) {
      const row = { id, ...presence };
      s.presence.run(row);
      s.presenceEvent.run(row);
    }
  });
  const flushPresence = (): void => {
    if (presenceTurn) clearImmediate(presenceTurn);
    presenceTurn = null;
    if (queuedPresence.length > 0) writePresence(queuedPresence.splice(0));
  };

  return {
    /** Changes whenever another connection (the CLI) commits to the database. */
    dataVersion: (): number => db.pragma('data_version', { simple: true }) as number,
    all: (): DeviceRow[] => {
      flushPresence();
      return s.all.all();
    },
    /**
     * One device (its secret hash at every CONNECT). Not flushed first: a
     * presence change is only queued for a device the service already holds,
     * and a reconnect storm must not commit once per CONNECT.
     */
    get: (id: string): DeviceRow | undefined => s.get.get(id),
    insert: (d: NewDevice): void => {
      s.insert.run(d);
    },
    rename: (id: string, name: string) => s.rename.run(name, id).changes > 0,
    move: (id: string, room: string | null) => s.move.run(room, id).changes > 0,
    setSecretHash: (id: string, hash: string) => s.secret.run(hash, id).changes > 0,
    /** Replaces the hash only if it is still `previous` (a rotation meanwhile wins). */
    rehashSecret: (id: string, hash: string, previous: string) =>
      s.rehash.run(hash, id, previous).changes > 0,
    /** Deletes the device; its readings are queued for background deletion. */
    remove: (id: string): boolean => removeTx(id),
    setDescription: (id: string, json: string | null): void => {
      s.description.run(json, id);
    },
    setState: (id: string, json: string, ts: number): void => {
      s.state.run(json, ts, id);
    },
    /**
     * Records a presence change and appends it to the device's timeline, in a
     * batch written at the end of this event-loop turn (or at `flushPresence`).
     */
    setPresence: (id: string, presence: Presence): void => {
      queuedPresence.push({ id, presence });
      // Whoever closes the database calls flushPresence first (services.stop).
      presenceTurn ??= setImmediate(() => db.open && flushPresence());
    },
    /** Writes queued presence changes now (before shutdown, and before reading them). */
    flushPresence,
    presenceHistory: (id: string, since: number, limit: number): PresenceEventRow[] => {
      flushPresence();
      return s.presenceHistory.all(id, since, limit);
    },
    seriesOf: (deviceId: string): SeriesRow[] => s.seriesOf.all(deviceId),
    allSeries: (): SeriesRow[] => s.allSeries.all(),
    /** The series id for (device, metric), created on first use. */
    ensureSeries: (deviceId: string, metric: string): number => {
      const found = s.seriesGet.get(deviceId, metric);
      if (found) return found.id;
      return Number(s.seriesInsert.run(deviceId, metric).lastInsertRowid);
    },
  };
}

export type DeviceRepo = ReturnType<typeof createDeviceRepo>;
