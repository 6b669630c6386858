/**
 * The device registry: provisioning (credentials minted once, stored only as
 * a hash), names and rooms, the last description and reported state, and the
 * in-memory view the dashboard and the live feed read.
 */
import type {
  CreateDeviceBody,
  Credentials,
  DeviceDto,
  Presence,
  PresenceEventDto,
  UpdateDeviceBody,
} from '../../shared/api.ts';
import { isDeviceId } from '../../shared/topics.ts';
import { checker } from '../../shared/validate.ts';
import { type Description, DescriptionSchema, type DeviceState } from '../../shared/wire.ts';
import type { DeviceRepo, DeviceRow } from '../db/device-repo.ts';
import { HearthError, notFound } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock } from './logger.ts';
import { hashSecret, needsRehash, newSecret, randomId, verifySecret } from './secrets.ts';

interface DeviceRecord {
  id: string;
  name: string;
  room: string | null;
  createdAt: number;
  description: Description | null;
  /** Metric names from the description, for the unknown-metric check. */
  metrics: ReadonlySet<string> | null;
  state: DeviceState;
  stateTs: number | null;
  presence: Presence;
  lastSeen: number | null;
  latest: Record<string, { value: number; ts: number }>;
}

const descriptionChecker = checker(DescriptionSchema);

function parseStored<T>(json: string | null, fallback: T, valid: (v: unknown) => v is T): T {
  if (json === null) return fallback;
  try {
    const v: unknown = JSON.parse(json);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

const isState = (v: unknown): v is DeviceState => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DeviceServiceDeps {
  repo: DeviceRepo;
  bus: EventBus;
  clock: Clock;
  /** Where devices reach the hub; goes into the credentials shown once. */
  endpoints: () => { mqttUrl: string; wsUrl: string };
  /** MQTT usernames held by something other than a device. */
  isNameTaken?: (id: string) => boolean;
}

export function createDeviceService({ repo, bus, clock, endpoints, isNameTaken }: DeviceServiceDeps) {
  const records = new Map<string, DeviceRecord>();
  let dataVersion = -1;

  function fromRow(row: DeviceRow): DeviceRecord {
    const description = parseStored(row.description, null, descriptionChecker.check);
    const latest: DeviceRecord['latest'] = {};
    for (const s of repo.seriesOf(row.id)) {
      if (s.last_value !== null && s.last_ts !== null) {
        latest[s.metric] = { value: s.last_value, ts: s.last_ts };
      }
    }
    return {
      id: row.id,
      name: row.name,
      room: row.room,
      createdAt: row.created_at,
      description,
      metrics: description ? new Set(description.metrics.map((m) => m.name)) : null,
      state: parseStored(row.state, {}, isState),
      stateTs: row.state_ts,
      presence: {
        status: row.presence_status,
        reason: row.presence_reason,
        detail: row.presence_detail,
        since: row.presence_since,
      },
      lastSeen: row.last_seen,
      latest,
    };
  }

  function toDto(r: DeviceRecord): DeviceDto {
    return {
      id: r.id,
      name: r.name,
      room: r.room,
      created_at: r.createdAt,
      description: r.description,
      state: r.state,
      state_ts: r.stateTs,
      presence: r.presence,
      last_seen: r.lastSeen,
      latest: r.latest,
    };
  }

  /** The record for `id`, read from the database when another process added it. */
  function find(id: string): DeviceRecord | undefined {
    const cached = records.get(id);
    if (cached) return cached;
    const row = repo.get(id);
    if (!row) return undefined;
    const record = fromRow(row);
    records.set(id, record);
    return record;
  }

  function require(id: string): DeviceRecord {
    const r = find(id);
    if (!r) throw notFound(`device "${id}"`);
    return r;
  }

  function credentials(id: string, secret: string): Credentials {
    const { mqttUrl, wsUrl } = endpoints();
    return { device_id: id, username: id, password: secret, mqtt_url: mqttUrl, ws_url: wsUrl };
  }

  return {
    /** Loads every device into memory. */
    start(): void {
      dataVersion = repo.dataVersion();
      records.clear();
      for (const row of repo.all()) records.set(row.id, fromRow(row));
    },

    /** Writes presence changes still queued for this event-loop turn. */
    stop(): void {
      repo.flushPresence();
    },

    /**
     * Picks up devices another process (the CLI) added or removed while the hub
     * runs, and announces them, so the dashboard shows them and a removed
     * device is cut off. Cheap when nothing changed: one pragma.
     */
    syncExternal(): void {
      const version = repo.dataVersion();
      if (version === dataVersion) return;
      dataVersion = version;
      const rows = repo.all();
      const ids = new Set(rows.map((r) => r.id));
      for (const row of rows) {
        if (records.has(row.id)) continue;
        records.set(row.id, fromRow(row));
        bus.emit('device_changed', { deviceId: row.id });
      }
      for (const id of [...records.keys()]) {
        if (ids.has(id)) continue;
        records.delete(id);
        bus.emit('device_removed', { deviceId: id });
      }
    },

    /** Every device, ordered by room and name. */
    list(): DeviceDto[] {
      this.syncExternal();
      return [...records.values()]
        .sort(
          (a, b) =>
            (a.room ?? '\uffff').localeCompare(b.room ?? '\uffff') ||
            a.name.localeCompare(b.name) ||
            a.id.localeCompare(b.id),
        )
        .map(toDto);
    },

    get: (id: string): DeviceDto => toDto(require(id)),
    exists: (id: string): boolean => find(id) !== undefined,
    ids: (): string[] => [...records.keys()],

    /** Adds a device and returns its credentials; the secret is never shown again. */
    async create(body: CreateDeviceBody): Promise<{ device: DeviceDto; credentials: Credentials }> {
      const id = body.id ?? randomId('d');
      if (!isDeviceId(id)) throw new HearthError('invalid_input', `"${id}" is not a valid device id`);
      if (find(id) || isNameTaken?.(id)) {
        throw new HearthError('conflict', `a device with id "${id}" already exists`);
      }
      const secret = newSecret();
      const secretHash = await hashSecret(secret);
      // Checked again after the await: another request may have taken the id meanwhile.
      if (find(id)) throw new HearthError('conflict', `a device with id "${id}" already exists`);
      repo.insert({
        id,
        name: body.name.trim(),
        room: body.room?.trim() ?? null,
        secretHash,
        createdAt: clock(),
      });
      const record = find(id) as DeviceRecord;
      bus.emit('device_changed', { deviceId: id });
      return { device: toDto(record), credentials: credentials(id, secret) };
    },

    update(id: string, body: UpdateDeviceBody): DeviceDto {
      const r = require(id);
      if (body.name !== undefined) {
        r.name = body.name.trim();
        repo.rename(id, r.name);
      }
      if (body.room !== undefined) {
        r.room = body.room?.trim() ?? null;
        repo.move(id, r.room);
      }
      bus.emit('device_changed', { deviceId: id });
      return toDto(r);
    },

    /** Mints a new secret; the old one stops working at the next connect. */
    async rotateSecret(id: string): Promise<Credentials> {
      require(id);
      const secret = newSecret();
      repo.setSecretHash(id, await hashSecret(secret));
      bus.emit('device_rekeyed', { deviceId: id });
      return credentials(id, secret);
    },

    /** Removes the device from the registry; listeners disconnect it and clear its topics. */
    remove(id: string): void {
      require(id);
      repo.remove(id);
      records.delete(id);
      bus.emit('device_removed', { deviceId: id });
    },

    /** Checks a device's MQTT password against the stored hash (read fresh: the CLI may rotate it). */
    async verify(id: string, password: string): Promise<boolean> {
      const row = repo.get(id);
      if (!row) return false;
      const ok = await verifySecret(password, row.secret_hash);
      if (ok && !records.has(id)) records.set(id, fromRow(row));
      // A hash made at an older cost is brought up to date once the secret is known good.
      if (ok && needsRehash(row.secret_hash)) {
        hashSecret(password).then(
          (hash) => repo.rehashSecret(id, hash, row.secret_hash),
          () => {},
        );
      }
      return ok;
    },

    /** Metric names the device declared, or null when it has not described itself. */
    declaredMetrics: (id: string): ReadonlySet<string> | null => find(id)?.metrics ?? null,

    /** The device's description, or null. */
    description: (id: string): Description | null => find(id)?.description ?? null,

    setDescription(id: string, description: Description): void {
      const r = find(id);
      if (!r) return;
      r.description = description;
      r.metrics = new Set(description.metrics.map((m) => m.name));
      repo.setDescription(id, JSON.stringify(description));
      bus.emit('device_changed', { deviceId: id });
    },

    setState(id: string, state: DeviceState, ts: number): void {
      const r = find(id);
      if (!r) return;
      r.state = state;
      r.stateTs = ts;
      repo.setState(id, JSON.stringify(state), ts);
      bus.emit('state', { deviceId: id, state, ts });
    },

    /** Updates the in-memory latest values after readings are committed. */
    noteReadings(id: string, ts: number, values: Record<string, number>): void {
      const r = records.get(id);
      if (!r) return;
      for (const [metric, value] of Object.entries(values)) {
        const prev = r.latest[metric];
        if (!prev || prev.ts <= ts) r.latest[metric] = { value, ts };
      }
      if (r.lastSeen === null || r.lastSeen < ts) r.lastSeen = ts;
    },

    /** Current presence, or undefined for an unknown device. */
    presence: (id: string): Presence | undefined => find(id)?.presence,

    /** Stores a presence change (the presence service decides them). */
    recordPresence(id: string, presence: Presence): void {
      const r = find(id);
      if (!r) return;
      r.presence = presence;
      repo.setPresence(id, presence);
      bus.emit('presence', { deviceId: id, presence });
    },

    /** The device's presence changes, newest first. */
    presenceHistory(id: string, since: number, limit: number): PresenceEventDto[] {
      require(id);
      return repo.presenceHistory(id, since, limit);
    },

    /** Last time the device sent anything the hub accepted. */
    lastSeen: (id: string): number | null => find(id)?.lastSeen ?? null,

    /** Marks activity that is not a reading (state, description). */
    touch(id: string, ts: number): void {
      const r = records.get(id);
      if (r && (r.lastSeen === null || r.lastSeen < ts)) r.lastSeen = ts;
    },

    /** Devices the registry believes are online or stale. */
    connectedIds: (): string[] =>
      [...records.values()]
        .filter((r) => r.presence.status === 'online' || r.presence.status === 'stale')
        .map((r) => r.id),
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
