/**
 * The pieces of pairing the service is made of: its transport and limits,
 * the session record and how it is shown, and the code-mismatch error the
 * HTTP route answers with its own code.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_PAIRING_WINDOW_S,
  type PairingCredentials,
  type PairingHello,
  type PairingReason,
  type PairingSessionDto,
  type PairingSessionState,
  type PairingStatus,
  type PairingStep,
} from '../../shared/pairing.ts';
import { HearthError } from './errors.ts';

/** Delivers to the pairing connection of one nonce only (never through the topic tree). */
export interface PairingTransport {
  /** Resolves once handed to that connection; rejects when it is gone. */
  send(
    nonce: string,
    kind: 'status' | 'credentials',
    payload: PairingStatus | PairingCredentials,
  ): Promise<void>;
  /** Ends the pairing connection of `nonce`, if it is still open. */
  close(nonce: string): void;
}

export interface PairingLimits {
  /** Sessions waiting for approval at once; more hellos are refused (`too_many_sessions`). */
  maxPending: number;
  /** Pairing connections at once (a flood beyond this is refused at CONNECT). */
  maxConnections: number;
  /** A waiting session times out after this, even while the window stays open. */
  sessionTimeoutMs: number;
  /** A pairing connection that says no hello within this is closed. */
  helloTimeoutMs: number;
  /** After its last message, a finished session's connection is closed this much later. */
  lingerMs: number;
  /** Finished sessions kept for the dashboard. */
  keepFinished: number;
}

export const DEFAULT_PAIRING_LIMITS: PairingLimits = {
  maxPending: 10,
  maxConnections: 32,
  sessionTimeoutMs: DEFAULT_PAIRING_WINDOW_S * 1000,
  helloTimeoutMs: 30_000,
  lingerMs: 5000,
  keepFinished: 20,
};

/** A typed code that did not match what the device shows; the session may still be pending. */
export class CodeMismatchError extends HearthError {
  readonly reason = 'code_mismatch';
  constructor(
    message: string,
    readonly session: PairingSessionDto,
  ) {
    super('conflict', message);
  }
}

/** A pairing session as the service keeps it. */
export interface Session {
  nonce: string;
  state: PairingSessionState;
  reason: PairingReason | null;
  message: string;
  hello: PairingHello | null;
  attempts: number;
  deviceId: string | null;
  createdAt: number;
  expiresAt: number | null;
  steps: { step: PairingStep; at: number; message: string }[];
  cancelTimeout: (() => void) | null;
  /** Credentials are being minted (an approval is in flight). */
  approving: boolean;
}

/** States a session never leaves. */
export const TERMINAL: ReadonlySet<PairingSessionState> = new Set([
  'refused',
  'rejected',
  'expired',
  'paired',
]);

/** Constant-time comparison of two codes. */
export const sameCode = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A fresh waiting session. */
export function newSession(nonce: string, hello: PairingHello | null, now: number): Session {
  return {
    nonce,
    state: 'waiting',
    reason: null,
    message: '',
    hello,
    attempts: 0,
    deviceId: null,
    createdAt: now,
    expiresAt: null,
    steps: [],
    cancelTimeout: null,
    approving: false,
  };
}

/** The session as the API and the live feed show it. */
export function toDto(s: Session): PairingSessionDto {
  return {
    nonce: s.nonce,
    state: s.state,
    reason: s.reason,
    message: s.message,
    code: s.hello?.code ?? null,
    description: s.hello?.description ?? null,
    suggested_name: s.hello?.name ?? null,
    code_attempts: s.attempts,
    device_id: s.deviceId,
    created_at: s.createdAt,
    expires_at: s.state === 'waiting' ? s.expiresAt : null,
    steps: s.steps.map((x) => ({ ...x })),
  };
}
