/**
 * Per-device ping: an rpc that every device SDK answers (`ping` → `{ pong,
 * ts }`), sent by `POST /api/devices/:id/ping`, with round-trip statistics
 * over the last hour from `GET /api/devices/:id/ping-stats`.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { COMMAND_STATUSES, CommandSchema } from './api.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The rpc method every device SDK answers by itself (docs/protocol.md §Methods). */
export const PING_METHOD = 'ping';

/** Params of `ping`: none needed; extra keys are ignored, so the hub may add some later. */
export const PingParamsSchema = Type.Object({});

/** What a device answers to `ping`. */
export const PingResultSchema = Type.Object({ pong: Type.Literal(true), ts: Type.Integer() });
export type PingResult = Static<typeof PingResultSchema>;

export const PingBodySchema = Type.Object(
  { timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 30_000 })) },
  { additionalProperties: false },
);
export type PingBody = Static<typeof PingBodySchema>;

export const PingStatsSchema = Type.Object({
  device_id: Type.String(),
  window_s: Type.Integer({ description: 'the statistics cover this many seconds back' }),
  sent: Type.Integer(),
  answered: Type.Integer({ description: 'pings the device replied to (a reply with an error counts)' }),
  failed: Type.Integer({ description: 'timeouts and offline' }),
  min_ms: Nullable(Type.Number()),
  p50_ms: Nullable(Type.Number()),
  p99_ms: Nullable(Type.Number()),
  max_ms: Nullable(Type.Number()),
  last_rtt_ms: Nullable(Type.Number()),
  last_status: Nullable(Type.Enum(COMMAND_STATUSES)),
  last_at: Nullable(Type.Integer()),
});
export type PingStatsDto = Static<typeof PingStatsSchema>;

export const PingReplySchema = Type.Object({
  rtt_ms: Type.Number(),
  command: CommandSchema,
  stats: PingStatsSchema,
});
export type PingReplyDto = Static<typeof PingReplySchema>;
