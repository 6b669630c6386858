/**
 * The live feed (socket.io): a snapshot on connect, then deltas. The
 * dashboard validates each message on receipt with these schemas.
 */
import Type, { type Static } from 'typebox';
import { AlertSchema } from './alerts.ts';
import { CommandSchema, DeviceSchema, PresenceSchema } from './api.ts';
import { DesiredSchema } from './desired-state.ts';
import { PairingStateSchema } from './pairing.ts';
import { StateSchema } from './wire.ts';

/** socket.io path on the hub's HTTP port. */
export const SOCKET_PATH = '/socket.io';

/** The `connect_error` message of a live-feed connection without valid credentials. */
export const SOCKET_UNAUTHORIZED = 'unauthorized';

export const SnapshotSchema = Type.Object({
  devices: Type.Array(DeviceSchema),
  server_time: Type.Integer(),
});
export type SnapshotEvent = Static<typeof SnapshotSchema>;

/** Latest values per metric; several readings of a chatty device are merged. */
export const TelemetryEventSchema = Type.Object({
  device_id: Type.String(),
  ts: Type.Integer(),
  values: Type.Record(Type.String(), Type.Number()),
});
export type TelemetryEvent = Static<typeof TelemetryEventSchema>;

export const StateEventSchema = Type.Object({
  device_id: Type.String(),
  state: StateSchema,
  ts: Type.Integer(),
});
export type StateEvent = Static<typeof StateEventSchema>;

export const PresenceEventSchema = Type.Object({
  device_id: Type.String(),
  presence: PresenceSchema,
});
export type PresenceEvent = Static<typeof PresenceEventSchema>;

export const DeviceRemovedEventSchema = Type.Object({ device_id: Type.String() });
export type DeviceRemovedEvent = Static<typeof DeviceRemovedEventSchema>;

/** Server → browser events. */
export interface ServerToClientEvents {
  snapshot: (e: SnapshotEvent) => void;
  telemetry: (e: TelemetryEvent) => void;
  state: (e: StateEvent) => void;
  presence: (e: PresenceEvent) => void;
  device: (e: Static<typeof DeviceSchema>) => void;
  device_removed: (e: DeviceRemovedEvent) => void;
  command: (e: Static<typeof CommandSchema>) => void;
  /** An alert was raised, cleared or acknowledged (the whole alert as it is now). */
  alert: (e: Static<typeof AlertSchema>) => void;
  /** A desired value changed (set, applied, expired, failed, waiting for its device). */
  desired: (e: Static<typeof DesiredSchema>) => void;
  /** The pairing window and sessions, whole, after every change (and on connect). */
  pairing: (e: Static<typeof PairingStateSchema>) => void;
}

/** Browser → server events. */
export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (after a gap the client noticed). */
  resync: () => void;
}

/** Schemas by event name, for validation on receipt. */
export const serverEventSchemas = {
  snapshot: SnapshotSchema,
  telemetry: TelemetryEventSchema,
  state: StateEventSchema,
  presence: PresenceEventSchema,
  device: DeviceSchema,
  device_removed: DeviceRemovedEventSchema,
  command: CommandSchema,
  alert: AlertSchema,
  desired: DesiredSchema,
  pairing: PairingStateSchema,
} as const;
