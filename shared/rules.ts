/**
 * Rules: the schema the hub stores and evaluates and the dashboard editor
 * validates with (docs/rules.md). Triggers, conditions and actions are
 * discriminated unions on `type`; rule kinds on `kind`. snake_case JSON.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { ALERT_SEVERITIES } from './alerts.ts';
import { PRESENCE_STATUSES } from './api.ts';
import { DESIRED_POLICIES, MAX_DESIRED_TTL_S, StateValueSchema } from './desired-state.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';
import { METHOD_PATTERN, NAME_PATTERN } from './wire.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Local wall-clock time of the hub, `HH:MM` (24 h). */
export const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const RULE_KINDS = ['automation', 'thermostat', 'range_alert', 'offline_alert'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Defaults the evaluator applies when a field is omitted. */
export const RULE_DEFAULTS = {
  thermostat_hysteresis_c: 0.4,
  thermostat_max_sensor_age_s: 900,
  severity: 'warning',
  alert_key: 'alert',
} as const;

const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN });
const Name = Type.String({ pattern: NAME_PATTERN });
const Time = Type.String({ pattern: TIME_PATTERN, description: 'local time, HH:MM' });
const Days = Type.Array(Type.Enum(WEEKDAYS), { minItems: 1, maxItems: 7, uniqueItems: true });
const Seconds = Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 });
const Op = Type.Enum(['above', 'below']);
const Severity = Type.Enum(ALERT_SEVERITIES);
const strict = { additionalProperties: false } as const;

// ── triggers ──────────────────────────────────────────────────────────────

export const ThresholdTriggerSchema = Type.Object(
  {
    type: Type.Literal('threshold'),
    device_id: DeviceId,
    metric: Name,
    op: Op,
    value: Type.Number(),
    hysteresis: Type.Optional(Type.Number({ minimum: 0, description: 'how far back it must come to reset' })),
    for_s: Type.Optional(Seconds),
  },
  strict,
);
export const PresenceTriggerSchema = Type.Object(
  {
    type: Type.Literal('presence'),
    device_id: Type.Optional(DeviceId),
    to: Type.Optional(Type.Enum(['online', 'offline', 'stale'])),
  },
  strict,
);
export const StateTriggerSchema = Type.Object(
  {
    type: Type.Literal('state'),
    device_id: DeviceId,
    property: Name,
    equals: Type.Optional(StateValueSchema),
  },
  strict,
);
export const ScheduleTriggerSchema = Type.Object(
  { type: Type.Literal('schedule'), at: Time, days: Type.Optional(Days) },
  strict,
);
/** Trigger schemas by `type`. */
export const TRIGGER_SCHEMAS = {
  threshold: ThresholdTriggerSchema,
  presence: PresenceTriggerSchema,
  state: StateTriggerSchema,
  schedule: ScheduleTriggerSchema,
};
export const TriggerSchema = Type.Union([
  ThresholdTriggerSchema,
  PresenceTriggerSchema,
  StateTriggerSchema,
  ScheduleTriggerSchema,
]);
export type Trigger = Static<typeof TriggerSchema>;

// ── conditions ────────────────────────────────────────────────────────────

export const TimeWindowConditionSchema = Type.Object(
  { type: Type.Literal('time_window'), from: Time, to: Time, days: Type.Optional(Days) },
  strict,
);
export const ReadingConditionSchema = Type.Object(
  {
    type: Type.Literal('reading'),
    device_id: DeviceId,
    metric: Name,
    op: Op,
    value: Type.Number(),
    max_age_s: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  strict,
);
export const StateConditionSchema = Type.Object(
  { type: Type.Literal('state'), device_id: DeviceId, property: Name, equals: StateValueSchema },
  strict,
);
export const PresenceConditionSchema = Type.Object(
  { type: Type.Literal('presence'), device_id: DeviceId, status: Type.Enum(PRESENCE_STATUSES) },
  strict,
);
/** Condition schemas by `type`. */
export const CONDITION_SCHEMAS = {
  time_window: TimeWindowConditionSchema,
  reading: ReadingConditionSchema,
  state: StateConditionSchema,
  presence: PresenceConditionSchema,
};
export const ConditionSchema = Type.Union([
  TimeWindowConditionSchema,
  ReadingConditionSchema,
  StateConditionSchema,
  PresenceConditionSchema,
]);
export type Condition = Static<typeof ConditionSchema>;

// ── actions ───────────────────────────────────────────────────────────────

const Message = Type.String({
  minLength: 1,
  maxLength: 280,
  description: 'may use {device}, {device_id}, {metric}, {value}',
});
const TimeoutMs = Type.Integer({ minimum: 100, maximum: 60_000 });

export const RpcActionSchema = Type.Object(
  {
    type: Type.Literal('rpc'),
    device_id: DeviceId,
    method: Type.String({ pattern: METHOD_PATTERN }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    timeout_ms: Type.Optional(TimeoutMs),
  },
  strict,
);
export const SetDesiredActionSchema = Type.Object(
  {
    type: Type.Literal('set_desired'),
    device_id: DeviceId,
    property: Name,
    value: StateValueSchema,
    ttl_s: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DESIRED_TTL_S })),
    policy: Type.Optional(Type.Enum(DESIRED_POLICIES)),
  },
  strict,
);
export const RaiseAlertActionSchema = Type.Object(
  {
    type: Type.Literal('raise_alert'),
    key: Type.Optional(Name),
    severity: Type.Optional(Severity),
    message: Message,
  },
  strict,
);
export const ClearAlertActionSchema = Type.Object(
  { type: Type.Literal('clear_alert'), key: Type.Optional(Name) },
  strict,
);
export const WebhookActionSchema = Type.Object(
  {
    type: Type.Literal('webhook'),
    url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
    message: Type.Optional(Message),
    timeout_ms: Type.Optional(TimeoutMs),
  },
  strict,
);
/** Action schemas by `type`. */
export const ACTION_SCHEMAS = {
  rpc: RpcActionSchema,
  set_desired: SetDesiredActionSchema,
  raise_alert: RaiseAlertActionSchema,
  clear_alert: ClearAlertActionSchema,
  webhook: WebhookActionSchema,
};
export const ActionSchema = Type.Union([
  RpcActionSchema,
  SetDesiredActionSchema,
  RaiseAlertActionSchema,
  ClearAlertActionSchema,
  WebhookActionSchema,
]);
export type Action = Static<typeof ActionSchema>;

// ── rule kinds ────────────────────────────────────────────────────────────

/** Fields every rule kind has. */
export const commonRuleFields = {
  name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  enabled: Type.Optional(Type.Boolean({ default: true })),
};

/** Built with placeholder item schemas too, so a bad action is reported by its own schema. */
export function automationProps<T extends TSchema, C extends TSchema, A extends TSchema>(t: T, c: C, a: A) {
  return {
    kind: Type.Literal('automation'),
    trigger: t,
    conditions: Type.Optional(Type.Array(c, { maxItems: 16 })),
    actions: Type.Array(a, { minItems: 1, maxItems: 16 }),
    clear_actions: Type.Optional(
      Type.Array(a, { maxItems: 16, description: 'run when a threshold trigger resets' }),
    ),
  };
}
const automation = automationProps(TriggerSchema, ConditionSchema, ActionSchema);

const ScheduleEntrySchema = Type.Object(
  { at: Time, target_c: Type.Number({ minimum: 5, maximum: 30 }) },
  strict,
);
const thermostat = {
  kind: Type.Literal('thermostat'),
  room: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  heater_id: DeviceId,
  sensor: Type.Optional(Type.Object({ device_id: DeviceId, metric: Type.Optional(Name) }, strict)),
  schedule: Type.Array(ScheduleEntrySchema, { minItems: 1, maxItems: 24 }),
  hysteresis_c: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 5 })),
  heater_setpoint_c: Type.Optional(Type.Number({ minimum: 5, maximum: 30 })),
  max_sensor_age_s: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400 })),
};
const rangeAlert = {
  kind: Type.Literal('range_alert'),
  device_id: DeviceId,
  metric: Name,
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  hysteresis: Type.Optional(Type.Number({ minimum: 0 })),
  for_s: Type.Optional(Seconds),
  severity: Type.Optional(Severity),
};
const offlineAlert = {
  kind: Type.Literal('offline_alert'),
  device_ids: Type.Optional(Type.Array(DeviceId, { minItems: 1, maxItems: 1000, uniqueItems: true })),
  after_s: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }),
  severity: Type.Optional(Severity),
};

export const AutomationRuleBodySchema = Type.Object({ ...commonRuleFields, ...automation }, strict);
export const ThermostatRuleBodySchema = Type.Object({ ...commonRuleFields, ...thermostat }, strict);
export const RangeAlertRuleBodySchema = Type.Object({ ...commonRuleFields, ...rangeAlert }, strict);
export const OfflineAlertRuleBodySchema = Type.Object({ ...commonRuleFields, ...offlineAlert }, strict);

/** What `POST /api/rules` and `PUT /api/rules/:id` take. */
export const RuleBodySchema = Type.Union([
  AutomationRuleBodySchema,
  ThermostatRuleBodySchema,
  RangeAlertRuleBodySchema,
  OfflineAlertRuleBodySchema,
]);
export type RuleBody = Static<typeof RuleBodySchema>;

const stored = {
  id: Type.String(),
  enabled: Type.Boolean(),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
};
export const AutomationRuleSchema = Type.Object({ ...commonRuleFields, ...automation, ...stored }, strict);
export const ThermostatRuleSchema = Type.Object({ ...commonRuleFields, ...thermostat, ...stored }, strict);
export const RangeAlertRuleSchema = Type.Object({ ...commonRuleFields, ...rangeAlert, ...stored }, strict);
export const OfflineAlertRuleSchema = Type.Object(
  { ...commonRuleFields, ...offlineAlert, ...stored },
  strict,
);

/** A stored rule as the API returns it. */
export const RuleSchema = Type.Union([
  AutomationRuleSchema,
  ThermostatRuleSchema,
  RangeAlertRuleSchema,
  OfflineAlertRuleSchema,
]);
export type RuleDto = Static<typeof RuleSchema>;
export type AutomationRule = Static<typeof AutomationRuleSchema>;
export type ThermostatRule = Static<typeof ThermostatRuleSchema>;
export type RangeAlertRule = Static<typeof RangeAlertRuleSchema>;
export type OfflineAlertRule = Static<typeof OfflineAlertRuleSchema>;

export const RuleIdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[a-z0-9]{1,32}$' }) });

// ── run log ───────────────────────────────────────────────────────────────

export const ACTION_OUTCOMES = ['ok', 'error', 'pending', 'skipped'] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

export const ActionResultSchema = Type.Object({
  type: Type.String(),
  summary: Type.String({ description: 'what the action did, e.g. `hall-heater heater = true`' }),
  status: Type.Enum(ACTION_OUTCOMES),
  detail: Nullable(Type.String()),
});
export type ActionResult = Static<typeof ActionResultSchema>;

/** One evaluation worth remembering: it acted, was held back by a condition, or failed. */
export const RuleRunSchema = Type.Object({
  id: Type.Integer(),
  rule_id: Type.String(),
  ts: Type.Integer(),
  trigger: Type.String({ description: 'what set the rule off' }),
  log: Type.Array(Type.String(), { description: 'why it decided what it did' }),
  actions: Type.Array(ActionResultSchema),
  error: Nullable(Type.String()),
});
export type RuleRunDto = Static<typeof RuleRunSchema>;

export const RuleRunQuerySchema = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);
