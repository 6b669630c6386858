/**
 * The driver ↔ load-generator protocol over Node's IPC channel. Both sides
 * validate what they receive (the project's rule for every edge), and every
 * time is an epoch timestamp with sub-millisecond resolution, so the driver
 * can compare times taken in different processes on the same machine.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { checker } from '../../../shared/validate.ts';

/** Epoch milliseconds with a fractional part; comparable across processes of one host. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

const Client = Type.Object({ id: Type.String(), password: Type.String() });
export type LoadClient = Static<typeof Client>;
const Qos = Type.Union([Type.Literal(0), Type.Literal(1)]);

/**
 * Bursts: on each "go", every client publishes the next round's count of
 * readings as fast as the broker takes them, and the child reports.
 */
export const IngestJobSchema = Type.Object({
  type: Type.Literal('ingest'),
  url: Type.String(),
  clients: Type.Array(Client),
  /** Each round: readings per client and their QoS (warm-up first, then the measured trials). */
  rounds: Type.Array(Type.Object({ perClient: Type.Integer({ minimum: 1 }), qos: Qos }), { minItems: 1 }),
  /** QoS 1: most unacknowledged publishes per client. */
  window: Type.Integer({ minimum: 1 }),
  /** Subscribe one extra client to `hearth/+/telemetry` and count what it receives (baselines). */
  subscribe: Type.Boolean(),
});
export type IngestJob = Static<typeof IngestJobSchema>;

/** Steady background load at `rate` readings/s spread over the clients, until told to stop. */
export const RateJobSchema = Type.Object({
  type: Type.Literal('rate'),
  url: Type.String(),
  clients: Type.Array(Client),
  qos: Qos,
  rate: Type.Number({ exclusiveMinimum: 0 }),
});
export type RateJob = Static<typeof RateJobSchema>;

/** Idle devices: connect them all, keep them connected, reconnect them when the hub restarts. */
export const IdleJobSchema = Type.Object({
  type: Type.Literal('idle'),
  url: Type.String(),
  clients: Type.Array(Client),
  keepaliveS: Type.Integer({ minimum: 1 }),
  reconnectMs: Type.Integer({ minimum: 1 }),
  jitterMs: Type.Integer({ minimum: 0 }),
});
export type IdleJob = Static<typeof IdleJobSchema>;

export const JobSchema = Type.Union([IngestJobSchema, RateJobSchema, IdleJobSchema]);
export type Job = Static<typeof JobSchema>;

/** Driver → child control after the job. */
export const ControlSchema = Type.Object({ type: Type.Union([Type.Literal('go'), Type.Literal('stop')]) });
export type Control = Static<typeof ControlSchema>;

const Errors = Type.Record(Type.String(), Type.Integer());

export const ChildMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('ready'), connectMs: Type.Number() }),
  Type.Object({
    type: Type.Literal('ingest_done'),
    firstPublishAt: Type.Number(),
    /** Every publish written (QoS 0) or acknowledged (QoS 1). */
    publishedAt: Type.Number(),
    published: Type.Integer(),
    acked: Type.Integer(),
    firstReceiveAt: Type.Union([Type.Number(), Type.Null()]),
    lastReceiveAt: Type.Union([Type.Number(), Type.Null()]),
    received: Type.Integer(),
    errors: Errors,
  }),
  Type.Object({
    type: Type.Literal('rate_done'),
    startedAt: Type.Number(),
    endedAt: Type.Number(),
    sent: Type.Integer(),
    acked: Type.Integer(),
    errors: Errors,
  }),
  Type.Object({
    type: Type.Literal('idle_progress'),
    at: Type.Number(),
    connected: Type.Integer(),
    total: Type.Integer(),
    connects: Type.Integer(),
    errors: Errors,
  }),
  Type.Object({ type: Type.Literal('error'), message: Type.String() }),
]);
export type ChildMessage = Static<typeof ChildMessageSchema>;

/** A validating decoder for one schema; throws on anything else. */
export function decoder<S extends TSchema>(schema: S, what: string): (raw: unknown) => Static<S> {
  const c = checker<S>(schema);
  return (raw) => {
    if (c.check(raw)) return raw;
    throw new Error(`bad ${what} message: ${c.explain(raw)}`);
  };
}
