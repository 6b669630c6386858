/**
 * Desired state: what a controllable property (heater on/off, setpoint)
 * should be, next to what the device reports, with a version. A change made
 * while the device is away waits and is applied when it returns, unless it
 * expires or its policy says drop-if-offline (docs/rules.md §Desired state).
 */
import Type, { type Static, type TSchema } from 'typebox';
import { DEVICE_ID_PATTERN } from './topics.ts';
import { NAME_PATTERN } from './wire.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A reported or desired value: what a device's `state` may hold. */
export const StateValueSchema = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 128 })]);

export const DESIRED_POLICIES = ['wait', 'drop_if_offline'] as const;
export type DesiredPolicy = (typeof DESIRED_POLICIES)[number];

export const DESIRED_STATUSES = ['pending', 'applied', 'expired', 'failed'] as const;
export type DesiredStatus = (typeof DESIRED_STATUSES)[number];

/** Longest a desired value may wait for its device (30 days). */
export const MAX_DESIRED_TTL_S = 30 * 24 * 3600;

/**
 * The rpc that applies a property: `<property>.set` with `{ on }` for a
 * boolean control and `{ value }` for a number (docs/protocol.md: `heater.set
 * {on}`, `setpoint.set {value}`).
 */
export function setterFor(property: string, value: boolean | number | string) {
  return {
    method: `${property}.set`,
    params: typeof value === 'boolean' ? { on: value } : { value },
  };
}

export const DesiredSchema = Type.Object({
  device_id: Type.String(),
  property: Type.String(),
  desired: StateValueSchema,
  reported: Nullable(StateValueSchema),
  version: Type.Integer({ description: 'bumped by every change of the desired value' }),
  status: Type.Enum(DESIRED_STATUSES),
  policy: Type.Enum(DESIRED_POLICIES),
  expires_at: Nullable(Type.Integer({ description: 'after this (ms) a waiting value is not applied' })),
  waiting_for_device: Type.Boolean({ description: 'pending, and will apply when the device is back' }),
  actor: Type.String({ description: 'who set it: `api`, `rule:<id>` …' }),
  updated_at: Type.Integer(),
  applied_at: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  command_id: Nullable(Type.String({ description: 'the last rpc sent to apply it' })),
});
export type DesiredDto = Static<typeof DesiredSchema>;

export const SetDesiredBodySchema = Type.Object(
  {
    property: Type.String({ pattern: NAME_PATTERN, description: 'a control of the device, e.g. `heater`' }),
    value: StateValueSchema,
    ttl_s: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_DESIRED_TTL_S, description: 'how long it may wait' }),
    ),
    policy: Type.Optional(Type.Enum(DESIRED_POLICIES, { default: 'wait' })),
  },
  { additionalProperties: false },
);
export type SetDesiredBody = Static<typeof SetDesiredBodySchema>;

export const DesiredPropertyParamsSchema = Type.Object({
  id: Type.String({ pattern: DEVICE_ID_PATTERN, description: 'device id' }),
  property: Type.String({ pattern: NAME_PATTERN }),
});
