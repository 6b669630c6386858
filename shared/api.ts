/**
 * HTTP DTOs: the schemas fastify validates requests and responses with, and
 * the types the dashboard and scripts use. snake_case on the wire.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { DEVICE_ID_PATTERN } from './topics.ts';
import { DescriptionSchema, METHOD_PATTERN, NAME_PATTERN, RpcErrorSchema, StateSchema } from './wire.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorSchema = Type.Object({
  error: Type.String({ description: 'machine-readable code, e.g. `not_found`' }),
  message: Type.String({ description: 'what went wrong, for people' }),
});
export type ErrorDto = Static<typeof ErrorSchema>;

export const PRESENCE_STATUSES = ['online', 'offline', 'stale', 'unknown'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** Why a device's presence last changed (docs/protocol.md §Presence). */
export const PRESENCE_REASONS = [
  'connected',
  'clean_disconnect',
  'keepalive_timeout',
  'socket_error',
  'connection_closed',
  'taken_over',
  'hub_shutdown',
  'removed',
  'credentials_rotated',
  'silent',
  'never_connected',
] as const;
export type PresenceReason = (typeof PRESENCE_REASONS)[number];

export const PresenceSchema = Type.Object({
  status: Type.Enum(PRESENCE_STATUSES),
  reason: Type.Enum(PRESENCE_REASONS),
  detail: Nullable(Type.String()),
  since: Nullable(Type.Integer({ description: 'ms since epoch' })),
});
export type Presence = Static<typeof PresenceSchema>;

export const LatestReadingSchema = Type.Object({ value: Type.Number(), ts: Type.Integer() });

export const DeviceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  room: Nullable(Type.String()),
  created_at: Type.Integer(),
  description: Nullable(DescriptionSchema),
  state: StateSchema,
  state_ts: Nullable(Type.Integer()),
  presence: PresenceSchema,
  last_seen: Nullable(Type.Integer()),
  latest: Type.Record(Type.String(), LatestReadingSchema),
});
export type DeviceDto = Static<typeof DeviceSchema>;

export const DeviceIdParamsSchema = Type.Object({
  id: Type.String({ pattern: DEVICE_ID_PATTERN, description: 'device id' }),
});

const DeviceName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const RoomName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });

export const CreateDeviceBodySchema = Type.Object(
  {
    name: DeviceName,
    room: Type.Optional(Nullable(RoomName)),
    id: Type.Optional(
      Type.String({ pattern: DEVICE_ID_PATTERN, description: 'chosen id; random when omitted' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateDeviceBody = Static<typeof CreateDeviceBodySchema>;

export const UpdateDeviceBodySchema = Type.Object(
  { name: Type.Optional(DeviceName), room: Type.Optional(Nullable(RoomName)) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDeviceBody = Static<typeof UpdateDeviceBodySchema>;

/** Shown once when a device is added: the secret is stored only as a hash. */
export const CredentialsSchema = Type.Object({
  device_id: Type.String(),
  username: Type.String(),
  password: Type.String(),
  mqtt_url: Type.String({ description: 'e.g. mqtt://hub.local:1883' }),
  ws_url: Type.String({ description: 'MQTT over WebSocket, e.g. ws://hub.local:8080/mqtt' }),
});
export type Credentials = Static<typeof CredentialsSchema>;

export const CreatedDeviceSchema = Type.Object({
  device: DeviceSchema,
  credentials: CredentialsSchema,
});
export type CreatedDeviceDto = Static<typeof CreatedDeviceSchema>;

export const MAX_HISTORY_POINTS = 5000;

export const HistoryQuerySchema = Type.Object(
  {
    metric: Type.String({ pattern: NAME_PATTERN }),
    from: Type.Integer({ minimum: 0, description: 'range start, ms since epoch (inclusive)' }),
    to: Type.Integer({ minimum: 0, description: 'range end, ms since epoch (exclusive)' }),
    points: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_HISTORY_POINTS,
        default: 500,
        description: 'most points to return (the chart width)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuerySchema>;

/**
 * Column-oriented series (what uPlot consumes). When readings were aggregated
 * (`bucket_ms` set), `value` is the mean of each bucket and `min`/`max` keep the
 * extremes, so spikes survive.
 */
export const HistorySchema = Type.Object({
  device_id: Type.String(),
  metric: Type.String(),
  unit: Nullable(Type.String()),
  from: Type.Integer(),
  to: Type.Integer(),
  source: Type.String({ description: '`raw` or the rollup tier the points come from' }),
  bucket_ms: Nullable(Type.Integer()),
  ts: Type.Array(Type.Integer()),
  value: Type.Array(Type.Number()),
  min: Type.Array(Type.Number()),
  max: Type.Array(Type.Number()),
  count: Type.Array(Type.Integer()),
});
export type HistoryDto = Static<typeof HistorySchema>;

export const COMMAND_STATUSES = ['pending', 'ok', 'error', 'timeout', 'offline'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export const RpcBodySchema = Type.Object(
  {
    method: Type.String({ pattern: METHOD_PATTERN }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  },
  { additionalProperties: false },
);
export type RpcBody = Static<typeof RpcBodySchema>;

export const CommandSchema = Type.Object({
  id: Type.String(),
  device_id: Type.String(),
  method: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  actor: Type.String({ description: 'who sent it' }),
  status: Type.Enum(COMMAND_STATUSES),
  result: Type.Optional(Type.Unknown()),
  error: Nullable(RpcErrorSchema),
  created_at: Type.Integer(),
  finished_at: Nullable(Type.Integer()),
  rtt_ms: Nullable(Type.Number()),
});
export type CommandDto = Static<typeof CommandSchema>;

/** What a failed command answers: the error, plus the command as recorded. */
export const CommandErrorSchema = Type.Object({
  error: Type.String(),
  message: Type.String(),
  command: CommandSchema,
});

export const CommandListQuerySchema = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);

export const PresenceEventSchema = Type.Object({
  ts: Type.Integer(),
  status: Type.Enum(PRESENCE_STATUSES),
  reason: Type.Enum(PRESENCE_REASONS),
  detail: Nullable(Type.String()),
});
export type PresenceEventDto = Static<typeof PresenceEventSchema>;

export const PresenceQuerySchema = Type.Object(
  {
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch; default: 7 days ago' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Number(),
  now: Type.Integer(),
  mqtt: Type.Object({
    clients: Type.Integer(),
    devices_online: Type.Integer(),
    url: Type.String({ description: 'where devices connect (mqtt:// or mqtts://)' }),
  }),
  tls: Type.Object({
    enabled: Type.Boolean(),
    fingerprint_sha256: Nullable(Type.String({ description: 'of the certificate devices should trust' })),
  }),
  db: Type.Object({ size_bytes: Type.Integer(), pending_writes: Type.Integer() }),
  counters: Type.Record(Type.String(), Type.Number()),
});
export type HealthDto = Static<typeof HealthSchema>;

export const StorageTierSchema = Type.Object({
  name: Type.String({ description: '`raw`, `1m` or `1h`' }),
  rows: Type.Integer(),
  oldest_ts: Nullable(Type.Integer()),
  rows_per_day: Type.Number({ description: 'rows added in the last 24 h' }),
  retention_days: Type.Integer({ description: 'hub default; 0 keeps forever' }),
});

export const StorageSchema = Type.Object({
  file: Type.String(),
  size_bytes: Type.Integer(),
  wal_bytes: Type.Integer(),
  tiers: Type.Array(StorageTierSchema),
  bytes_per_row: Type.Number(),
  projected_bytes: Type.Object({
    days_30: Type.Integer({ description: 'estimated database size in 30 days' }),
    days_365: Type.Integer({ description: 'estimated database size in a year' }),
  }),
});
export type StorageDto = Static<typeof StorageSchema>;

const RetentionDaysField = Type.Optional(
  Nullable(Type.Integer({ minimum: 0, description: 'days; 0 keeps forever; null or absent: the default' })),
);

export const RetentionBodySchema = Type.Object(
  {
    metric: Type.Optional(
      Type.String({ pattern: `${NAME_PATTERN}|^\\*$`, description: 'a metric, or `*` for the whole device' }),
    ),
    raw_days: RetentionDaysField,
    minute_days: RetentionDaysField,
    hour_days: RetentionDaysField,
  },
  { additionalProperties: false },
);
export type RetentionBody = Static<typeof RetentionBodySchema>;

export const RetentionSchema = Type.Object({
  device_id: Type.String(),
  metric: Type.String(),
  raw_days: Nullable(Type.Integer()),
  minute_days: Nullable(Type.Integer()),
  hour_days: Nullable(Type.Integer()),
});

const RetentionDaysSchema = Type.Object({
  raw_days: Type.Integer(),
  minute_days: Type.Integer(),
  hour_days: Type.Integer(),
});

export const EffectiveRetentionSchema = Type.Object({
  /** The hub's defaults (0: forever). */
  defaults: RetentionDaysSchema,
  overrides: Type.Array(RetentionSchema),
  /** Days each tier keeps per metric, after overrides and defaults. */
  effective: Type.Record(Type.String(), RetentionDaysSchema),
});
export type EffectiveRetentionDto = Static<typeof EffectiveRetentionSchema>;
