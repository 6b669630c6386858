/**
 * `GET /api/stats`: what the health page charts. The hub samples its own
 * state every `interval_ms` and keeps the last hour; `series` columns are
 * parallel to `ts` (oldest first), ready for uPlot.
 */
import Type, { type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Column = Type.Array(Nullable(Type.Number()));

export const ProbeQosStatsSchema = Type.Object({
  qos: Type.Enum([0, 1, 2]),
  sent: Type.Integer(),
  received: Type.Integer(),
  lost: Type.Integer({ description: 'probes not back within the timeout' }),
  min_ms: Nullable(Type.Number()),
  p50_ms: Nullable(Type.Number()),
  p95_ms: Nullable(Type.Number()),
  p99_ms: Nullable(Type.Number()),
  last_error: Nullable(Type.String()),
});
export type ProbeQosStats = Static<typeof ProbeQosStatsSchema>;

export const StatsSchema = Type.Object({
  now: Type.Integer(),
  interval_ms: Type.Integer(),
  series: Type.Object({
    ts: Type.Array(Type.Integer()),
    messages_in_per_s: Column,
    messages_out_per_s: Column,
    readings_per_s: Column,
    dropped_per_s: Column,
    mqtt_clients: Column,
    devices_online: Column,
    live_clients: Column,
    event_loop_lag_ms: Column,
    db_size_bytes: Column,
    db_write_ms: Column,
    probe_rtt_ms_qos0: Column,
    probe_rtt_ms_qos1: Column,
    probe_rtt_ms_qos2: Column,
    command_rtt_ms: Column,
  }),
  /** The in-hub MQTT probe over the last hour, per QoS. */
  probe: Type.Array(ProbeQosStatsSchema),
  /** Command round trips over the last hour. */
  commands: Type.Object({
    count: Type.Integer(),
    p50_ms: Nullable(Type.Number()),
    p99_ms: Nullable(Type.Number()),
  }),
  counters: Type.Record(Type.String(), Type.Number()),
});
export type StatsDto = Static<typeof StatsSchema>;
