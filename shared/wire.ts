/**
 * MQTT payload schemas: the wire contract between devices and the hub
 * (docs/protocol.md). Every payload is JSON with snake_case keys, except
 * availability, which is the bare string `online` or `offline`.
 */
import Type, { type Static } from 'typebox';

/** Metric and control names: lower snake_case. */
export const NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';
/** RPC method names: dotted lower snake_case, e.g. `heater.set`. */
export const METHOD_PATTERN = '^[a-z][a-z0-9_]{0,31}(\\.[a-z][a-z0-9_]{0,31}){0,3}$';

/** Largest MQTT payload the hub accepts by default (bytes). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;
/** Readings further than this in the future are refused (device clock gone wrong). */
export const MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;
/** 2000-01-01: readings older than this are refused. */
export const MIN_READING_TS = 946_684_800_000;

export const AVAILABILITY_VALUES = ['online', 'offline'] as const;
export type Availability = (typeof AVAILABILITY_VALUES)[number];

const Name = Type.String({ pattern: NAME_PATTERN });
const Label = Type.String({ minLength: 1, maxLength: 64 });

export const MetricSpecSchema = Type.Object(
  {
    name: Name,
    unit: Type.Optional(Type.String({ maxLength: 16 })),
    label: Type.Optional(Label),
  },
  { additionalProperties: false },
);
export type MetricSpec = Static<typeof MetricSpecSchema>;

export const ControlSpecSchema = Type.Union([
  Type.Object(
    {
      name: Name,
      type: Type.Literal('boolean'),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      name: Name,
      type: Type.Literal('number'),
      min: Type.Number(),
      max: Type.Number(),
      step: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      unit: Type.Optional(Type.String({ maxLength: 16 })),
      label: Type.Optional(Label),
    },
    { additionalProperties: false },
  ),
]);
export type ControlSpec = Static<typeof ControlSpecSchema>;

/** `hearth/<id>/description`, retained: what the device is and can do. */
export const DescriptionSchema = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 64 }),
    firmware: Type.String({ minLength: 1, maxLength: 32 }),
    kind: Type.Optional(Type.String({ pattern: NAME_PATTERN })),
    metrics: Type.Array(MetricSpecSchema, { maxItems: 32 }),
    controls: Type.Array(ControlSpecSchema, { maxItems: 32 }),
    methods: Type.Array(Type.String({ pattern: METHOD_PATTERN }), { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type Description = Static<typeof DescriptionSchema>;

/**
 * `hearth/<id>/telemetry`: `{ "ts"?: ms, "<metric>": number, ... }`.
 * At least one metric; every value a finite number.
 */
export const TelemetrySchema = Type.Object(
  { ts: Type.Optional(Type.Integer({ minimum: MIN_READING_TS })) },
  {
    additionalProperties: Type.Number(),
    propertyNames: { pattern: NAME_PATTERN },
    minProperties: 1,
    maxProperties: 33,
  },
);
export type Telemetry = { ts?: number } & Record<string, number>;

const StateValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 128 })]);
export type StateValue = Static<typeof StateValue>;

/** `hearth/<id>/state`, retained: the device's reported state, e.g. `{ "heater": true }`. */
export const StateSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), StateValue, {
  maxProperties: 32,
});
export type DeviceState = Record<string, StateValue>;

/** RPC error codes a device or the hub may return (docs/protocol.md §Commands). */
export const RPC_ERROR_CODES = [
  'method_not_found',
  'invalid_params',
  'rejected',
  'busy',
  'expired',
  'internal',
] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export const RpcIdSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** `hearth/<id>/rpc`, hub → device, QoS 1, never retained. */
export const RpcRequestSchema = Type.Object(
  {
    id: RpcIdSchema,
    method: Type.String({ pattern: METHOD_PATTERN }),
    params: Type.Record(Type.String(), Type.Unknown()),
    deadline: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type RpcRequest = Static<typeof RpcRequestSchema>;

export const RpcErrorSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    message: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type RpcError = Static<typeof RpcErrorSchema>;

/** `hearth/<id>/rpc/reply`, device → hub, QoS 1, never retained. */
export const RpcReplySchema = Type.Union([
  Type.Object({ id: RpcIdSchema, result: Type.Unknown() }, { additionalProperties: false }),
  Type.Object({ id: RpcIdSchema, error: RpcErrorSchema }, { additionalProperties: false }),
]);
export type RpcReply = { id: string; result: unknown } | { id: string; error: RpcError };

/** Parameters of the methods every heater understands (design brief §4). */
export const HeaterSetParamsSchema = Type.Object({ on: Type.Boolean() }, { additionalProperties: false });
export const SetpointSetParamsSchema = Type.Object({ value: Type.Number() }, { additionalProperties: false });
export const EmptyParamsSchema = Type.Object({}, { additionalProperties: false });

/** `temperature.read` result. */
export const TemperatureReadResultSchema = Type.Object({
  temperature: Type.Number(),
  ts: Type.Integer(),
});
export type TemperatureReadResult = Static<typeof TemperatureReadResultSchema>;
