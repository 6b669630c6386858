/**
 * Pairing a device on the LAN (docs/protocol.md §Pairing): the MQTT payloads
 * a pairing device and the hub exchange, the HTTP DTOs of the pairing API and
 * the mDNS names the hub advertises. Shared by the hub, the device SDK and the
 * dashboard.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { DescriptionSchema } from './wire.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** MQTT username of every pairing connection; its password is ignored. */
export const PAIRING_USERNAME = 'pairing';
/** Pairing client ids are `pair-<nonce>`. */
export const PAIRING_CLIENT_PREFIX = 'pair-';
/** The nonce a device picks: 16 to 52 random base32 characters (80 bits and more). */
export const PAIRING_NONCE_PATTERN = '^[a-z2-7]{16,52}$';
const nonceRe = new RegExp(PAIRING_NONCE_PATTERN);
/** The short code a device shows its user: six digits. */
export const PAIRING_CODE_PATTERN = '^[0-9]{6}$';

/** Default and longest pairing window, in seconds. */
export const DEFAULT_PAIRING_WINDOW_S = 180;
export const MAX_PAIRING_WINDOW_S = 900;
/** Wrong codes typed before a session is rejected. */
export const MAX_CODE_ATTEMPTS = 3;

/** mDNS service types the hub advertises (RFC 6763 service names). */
export const MDNS_HEARTH_TYPE = 'hearth';
export const MDNS_MQTT_TYPE = 'mqtt';
export const MDNS_SECURE_MQTT_TYPE = 'secure-mqtt';

/** True when `nonce` is a valid pairing nonce. */
export function isPairingNonce(nonce: string): boolean {
  return nonceRe.test(nonce);
}

/** The nonce of a pairing client id, or null when `clientId` is not one. */
export function pairingNonceOf(clientId: string): string | null {
  if (!clientId.startsWith(PAIRING_CLIENT_PREFIX)) return null;
  const nonce = clientId.slice(PAIRING_CLIENT_PREFIX.length);
  return isPairingNonce(nonce) ? nonce : null;
}

/** `hearth/pairing/<nonce>/hello` (device → hub): who the device is and the code it shows. */
export const PairingHelloSchema = Type.Object(
  {
    code: Type.String({ pattern: PAIRING_CODE_PATTERN, description: 'shown on the device' }),
    description: DescriptionSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'suggested name' })),
  },
  { additionalProperties: false },
);
export type PairingHello = Static<typeof PairingHelloSchema>;

/** What the hub tells a pairing device (`status`). */
export const PAIRING_STATES = ['waiting', 'refused', 'rejected', 'approved', 'expired'] as const;
export type PairingWireState = (typeof PAIRING_STATES)[number];

/** Why a pairing session did not (or not yet) succeed. */
export const PAIRING_REASONS = [
  'window_closed',
  'too_many_sessions',
  'invalid_hello',
  'rejected',
  'code_mismatch',
  'timed_out',
  'disconnected',
  'delivery_failed',
  'hub_shutdown',
] as const;
export type PairingReason = (typeof PAIRING_REASONS)[number];

/** `hearth/pairing/<nonce>/status` (hub → device, QoS 1, never retained). */
export const PairingStatusSchema = Type.Object(
  {
    state: Type.Enum(PAIRING_STATES),
    reason: Type.Optional(Type.Enum(PAIRING_REASONS)),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type PairingStatus = Static<typeof PairingStatusSchema>;

/** `hearth/pairing/<nonce>/credentials` (hub → that one device, QoS 1, never retained). */
export const PairingCredentialsSchema = Type.Object(
  {
    device_id: Type.String(),
    username: Type.String(),
    password: Type.String(),
    mqtt_url: Type.String(),
    ws_url: Type.String(),
    tls_fingerprint: Type.Optional(Type.String({ description: 'SHA-256 of the hub certificate, AB:CD:…' })),
  },
  { additionalProperties: false },
);
export type PairingCredentials = Static<typeof PairingCredentialsSchema>;

/** A session as the dashboard sees it: the wire states plus `paired` (the device came online). */
export const PAIRING_SESSION_STATES = [
  'waiting',
  'approved',
  'paired',
  'refused',
  'rejected',
  'expired',
] as const;
export type PairingSessionState = (typeof PAIRING_SESSION_STATES)[number];

/** Each step of a session, in order, with when it happened. */
export const PAIRING_STEPS = [
  'hello',
  'refused',
  'code_mismatch',
  'approved',
  'credentials_sent',
  'connected',
  'rejected',
  'expired',
] as const;
export type PairingStep = (typeof PAIRING_STEPS)[number];

export const PairingStepSchema = Type.Object({
  step: Type.Enum(PAIRING_STEPS),
  at: Type.Integer({ description: 'ms since epoch' }),
  message: Type.String(),
});
export type PairingStepDto = Static<typeof PairingStepSchema>;

export const PairingSessionSchema = Type.Object({
  nonce: Type.String(),
  state: Type.Enum(PAIRING_SESSION_STATES),
  reason: Nullable(Type.Enum(PAIRING_REASONS)),
  message: Type.String(),
  code: Nullable(Type.String({ description: 'the code the device shows (for the user to compare)' })),
  description: Nullable(DescriptionSchema),
  suggested_name: Nullable(Type.String()),
  code_attempts: Type.Integer(),
  device_id: Nullable(Type.String()),
  created_at: Type.Integer(),
  expires_at: Nullable(Type.Integer({ description: 'when a waiting session times out' })),
  steps: Type.Array(PairingStepSchema),
});
export type PairingSessionDto = Static<typeof PairingSessionSchema>;

export const PairingWindowSchema = Type.Object({
  open: Type.Boolean(),
  opened_at: Nullable(Type.Integer()),
  closes_at: Nullable(Type.Integer()),
});
export type PairingWindowDto = Static<typeof PairingWindowSchema>;

/** `GET /api/pairing` and the live `pairing` event: the window and recent sessions, newest first. */
export const PairingStateSchema = Type.Object({
  window: PairingWindowSchema,
  sessions: Type.Array(PairingSessionSchema),
  server_time: Type.Integer(),
});
export type PairingStateDto = Static<typeof PairingStateSchema>;

export const OpenWindowBodySchema = Type.Object(
  {
    duration_s: Type.Optional(
      Type.Integer({ minimum: 10, maximum: MAX_PAIRING_WINDOW_S, description: 'default 180' }),
    ),
  },
  { additionalProperties: false },
);
export type OpenWindowBody = Static<typeof OpenWindowBodySchema>;

export const PairingNonceParamsSchema = Type.Object({
  nonce: Type.String({ pattern: PAIRING_NONCE_PATTERN }),
});

export const ApproveBodySchema = Type.Object(
  {
    code: Type.String({ pattern: PAIRING_CODE_PATTERN, description: 'the code the device shows' }),
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
    room: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }))),
  },
  { additionalProperties: false },
);
export type ApproveBody = Static<typeof ApproveBodySchema>;

export const ApprovedSchema = Type.Object({
  session: PairingSessionSchema,
  device_id: Type.String(),
});
export type ApprovedDto = Static<typeof ApprovedSchema>;
