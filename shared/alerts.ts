/**
 * Alerts: raised and cleared by rules, acknowledged by people, persisted
 * across restarts (docs/rules.md §Alerts). snake_case on the wire.
 */
import Type, { type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATUSES = ['active', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  rule_id: Type.String({ description: 'the rule that raised it (it may since have been deleted)' }),
  key: Type.String({ description: 'what the alert is about within its rule, e.g. a device id' }),
  device_id: Nullable(Type.String()),
  severity: Type.Enum(ALERT_SEVERITIES),
  message: Type.String(),
  value: Nullable(Type.Number({ description: 'the reading that raised it, when there was one' })),
  status: Type.Enum(ALERT_STATUSES),
  raised_at: Type.Integer(),
  cleared_at: Nullable(Type.Integer()),
  clear_reason: Nullable(Type.String()),
  acknowledged_at: Nullable(Type.Integer()),
  acknowledged_by: Nullable(Type.String()),
});
export type AlertDto = Static<typeof AlertSchema>;

export const AlertIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const AlertListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum(['active', 'cleared', 'all'], { default: 'all' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type AlertListQuery = Static<typeof AlertListQuerySchema>;

export const AckAlertBodySchema = Type.Object(
  { by: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'who acknowledged it' })) },
  { additionalProperties: false },
);
export type AckAlertBody = Static<typeof AckAlertBodySchema>;
