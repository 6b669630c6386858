/**
 * Pairing devices on the LAN (docs/protocol.md §Pairing): the pairing window,
 * the sessions of devices that said hello, the user's approval with the code
 * the device shows, and the hand-over of freshly minted credentials to that
 * one session. Time comes from an injected clock and scheduler; the MQTT side
 * is a transport set by the broker, so this module knows no framework.
 */
import type { Credentials } from '../../shared/api.ts';
import {
  type ApproveBody,
  DEFAULT_PAIRING_WINDOW_S,
  MAX_CODE_ATTEMPTS,
  MAX_PAIRING_WINDOW_S,
  type PairingCredentials,
  type PairingHello,
  type PairingReason,
  type PairingSessionDto,
  type PairingStateDto,
  type PairingStatus,
  type PairingStep,
} from '../../shared/pairing.ts';
import type { DeviceService } from './device-service.ts';
import { HearthError, notFound } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock, Logger } from './logger.ts';
import {
  CodeMismatchError,
  DEFAULT_PAIRING_LIMITS,
  newSession,
  type PairingLimits,
  type PairingTransport,
  type Session,
  sameCode,
  TERMINAL,
  toDto,
} from './pairing-session.ts';
import type { Scheduler } from './scheduler.ts';

export { CodeMismatchError, type PairingLimits, type PairingTransport } from './pairing-session.ts';

export interface PairingServiceDeps {
  clock: Clock;
  scheduler: Scheduler;
  bus: EventBus;
  log: Logger;
  devices: Pick<DeviceService, 'create' | 'remove' | 'exists' | 'setDescription'>;
  /** The hub certificate's SHA-256 fingerprint, handed to devices with their credentials. */
  tlsFingerprint?: () => string | null;
  limits?: Partial<PairingLimits>;
}

export function createPairingService(deps: PairingServiceDeps) {
  const { clock, scheduler, devices, log } = deps;
  const limits = { ...DEFAULT_PAIRING_LIMITS, ...deps.limits };
  const sessions = new Map<string, Session>();
  /** Open pairing connections, with the timer that closes a silent one. */
  const connections = new Map<string, { cancelHello: () => void }>();
  const lingering = new Map<string, () => void>();
  const listeners = new Set<(state: PairingStateDto) => void>();
  let window: { openedAt: number; closesAt: number; cancel: () => void } | null = null;
  let transport: PairingTransport | null = null;
  let offPresence: (() => void) | null = null;

  function snapshot(): PairingStateDto {
    return {
      window: window
        ? { open: true, opened_at: window.openedAt, closes_at: window.closesAt }
        : { open: false, opened_at: null, closes_at: null },
      sessions: [...sessions.values()].reverse().map(toDto),
      server_time: clock(),
    };
  }

  function notify(): void {
    if (listeners.size === 0) return;
    const state = snapshot();
    for (const l of listeners) {
      try {
        l(state);
      } catch (err) {
        log.error({ err }, 'a pairing listener failed');
      }
    }
  }

  function step(s: Session, name: PairingStep, message: string): void {
    s.steps.push({ step: name, at: clock(), message });
    s.message = message;
  }

  function send(nonce: string, kind: 'status' | 'credentials', payload: PairingStatus | PairingCredentials) {
    if (!transport) return Promise.reject(new Error('no MQTT transport'));
    return transport.send(nonce, kind, payload);
  }

  /** Fire-and-forget status: a device that is gone simply does not hear it. */
  function tell(s: Session): void {
    const state = s.state === 'paired' ? 'approved' : s.state;
    const status: PairingStatus = { state, message: s.message, ...(s.reason ? { reason: s.reason } : {}) };
    send(s.nonce, 'status', status).catch(() => {});
  }

  /** Closes the connection a little later, once the device had a chance to read its last message. */
  function linger(nonce: string): void {
    lingering.get(nonce)?.();
    const cancel = scheduler.after(limits.lingerMs, () => {
      lingering.delete(nonce);
      if (connections.has(nonce)) transport?.close(nonce);
    });
    lingering.set(nonce, cancel);
  }

  /** Keeps every open session and the newest finished ones. */
  function prune(): void {
    const finished = [...sessions.values()].filter((s) => TERMINAL.has(s.state));
    for (const s of finished.slice(0, Math.max(0, finished.length - limits.keepFinished))) {
      sessions.delete(s.nonce);
    }
  }

  function finish(
    s: Session,
    state: 'refused' | 'rejected' | 'expired',
    reason: PairingReason,
    name: PairingStep,
    message: string,
    { quiet = false } = {},
  ): void {
    s.cancelTimeout?.();
    s.cancelTimeout = null;
    s.state = state;
    s.reason = reason;
    step(s, name, message);
    if (!quiet) {
      tell(s);
      linger(s.nonce);
    }
    prune();
    notify();
  }

  /** A new record at the end of the map (the map's order is creation order). */
  function record(nonce: string, hello: PairingHello | null): Session {
    sessions.delete(nonce);
    const s = newSession(nonce, hello, clock());
    sessions.set(nonce, s);
    return s;
  }

  function refuse(nonce: string, hello: PairingHello | null, reason: PairingReason, message: string): void {
    const s = record(nonce, hello);
    finish(s, 'refused', reason, 'refused', message);
  }

  function pendingCount(): number {
    let n = 0;
    for (const s of sessions.values()) if (s.state === 'waiting') n++;
    return n;
  }

  function require(nonce: string): Session {
    const s = sessions.get(nonce);
    if (!s) throw notFound(`pairing session "${nonce}"`);
    return s;
  }

  function requireWaiting(s: Session): void {
    if (s.state !== 'waiting') {
      throw new HearthError('conflict', `the session is ${s.state}, not waiting: ${s.message}`);
    }
    if (s.approving) throw new HearthError('conflict', 'the session is being approved');
  }

  function closeWindow(message: string): void {
    if (!window) return;
    window.cancel();
    window = null;
    for (const s of sessions.values()) {
      if (s.state === 'waiting' && !s.approving) finish(s, 'expired', 'timed_out', 'expired', message);
    }
    notify();
  }

  return {
    setTransport(t: PairingTransport): void {
      transport = t;
    },

    /** Called with the whole pairing state after every change (the live feed). */
    onChange(listener: (state: PairingStateDto) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    state: snapshot,

    /** Opens the window (or moves its end) for `durationS` seconds. */
    openWindow(durationS = DEFAULT_PAIRING_WINDOW_S): PairingStateDto {
      if (!Number.isInteger(durationS) || durationS < 1 || durationS > MAX_PAIRING_WINDOW_S) {
        throw new HearthError('invalid_input', `duration_s must be 1–${MAX_PAIRING_WINDOW_S}`);
      }
      const now = clock();
      window?.cancel();
      const cancel = scheduler.after(durationS * 1000, () =>
        closeWindow('the pairing window closed before the session was approved'),
      );
      window = { openedAt: window?.openedAt ?? now, closesAt: now + durationS * 1000, cancel };
      notify();
      return snapshot();
    },

    /** Closes the window early; waiting sessions expire. */
    closeWindow(): PairingStateDto {
      closeWindow('the pairing window was closed before the session was approved');
      return snapshot();
    },

    /** May another pairing connection be accepted? (flood guard) */
    mayConnect: (): boolean => connections.size < limits.maxConnections,
    isConnected: (nonce: string): boolean => connections.has(nonce),

    /** A pairing connection for `nonce` was accepted. */
    connected(nonce: string): void {
      connections.get(nonce)?.cancelHello();
      const cancelHello = scheduler.after(limits.helloTimeoutMs, () => {
        const s = sessions.get(nonce);
        if (!s || s.state === 'refused') transport?.close(nonce);
      });
      connections.set(nonce, { cancelHello });
    },

    /** The pairing connection for `nonce` ended; a session still waiting ends with it. */
    disconnected(nonce: string): void {
      connections.get(nonce)?.cancelHello();
      connections.delete(nonce);
      lingering.get(nonce)?.();
      lingering.delete(nonce);
      const s = sessions.get(nonce);
      if (s?.state === 'waiting' && !s.approving) {
        finish(s, 'expired', 'disconnected', 'expired', 'the device disconnected before it was approved', {
          quiet: true,
        });
      }
    },

    /** A device said hello. A repeated hello (QoS 1 redelivery, a retry) gets the session's status again. */
    hello(nonce: string, hello: PairingHello): void {
      const existing = sessions.get(nonce);
      // A refusal is "not now": the same device may try again once the window opens.
      if (existing && existing.state !== 'refused') return tell(existing);
      if (!window) {
        return refuse(nonce, hello, 'window_closed', 'no pairing window is open: click "Add device" first');
      }
      if (pendingCount() >= limits.maxPending) {
        return refuse(nonce, hello, 'too_many_sessions', `${limits.maxPending} devices are already waiting`);
      }
      const s = record(nonce, hello);
      const now = clock();
      s.expiresAt = Math.min(now + limits.sessionTimeoutMs, window.closesAt);
      s.cancelTimeout = scheduler.after(s.expiresAt - now, () => {
        if (s.state === 'waiting' && !s.approving) {
          finish(s, 'expired', 'timed_out', 'expired', 'nobody approved the device in time');
        }
      });
      step(s, 'hello', `${hello.description.model} says hello; it shows the code ${hello.code}`);
      s.message = 'waiting for approval in the dashboard';
      tell(s);
      notify();
    },

    /** A hello the hub could not read: the device is told why. */
    invalidHello(nonce: string, error: string): void {
      const existing = sessions.get(nonce);
      if (existing && existing.state !== 'refused') return;
      refuse(nonce, null, 'invalid_hello', `the hello is invalid: ${error}`);
    },

    /** The user approves with the code they read on the device; credentials go to that session only. */
    async approve(
      nonce: string,
      body: ApproveBody,
    ): Promise<{ session: PairingSessionDto; deviceId: string }> {
      const s = require(nonce);
      requireWaiting(s);
      if (!s.hello || !sameCode(body.code, s.hello.code)) {
        s.attempts++;
        const left = MAX_CODE_ATTEMPTS - s.attempts;
        if (left <= 0) {
          finish(s, 'rejected', 'code_mismatch', 'rejected', `the code was wrong ${MAX_CODE_ATTEMPTS} times`);
          throw new CodeMismatchError('wrong code; the session is rejected', toDto(s));
        }
        step(s, 'code_mismatch', `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)`);
        notify();
        throw new CodeMismatchError(
          `the code does not match the one the device shows (${left} left)`,
          toDto(s),
        );
      }
      s.approving = true;
      let created: { credentials: Credentials };
      try {
        created = await devices.create({ name: body.name, ...(body.room ? { room: body.room } : {}) });
      } catch (err) {
        s.approving = false;
        throw err;
      }
      const id = created.credentials.device_id;
      s.approving = false;
      // The device may have gone while the secret was hashed: no orphan device is left behind.
      if (s.state !== 'waiting' || !connections.has(nonce)) {
        devices.remove(id);
        if (s.state === 'waiting') {
          finish(s, 'expired', 'disconnected', 'expired', 'the device disconnected before it was approved', {
            quiet: true,
          });
        }
        throw new HearthError('conflict', `the session ended while the device was added: ${s.message}`);
      }
      s.cancelTimeout?.();
      s.cancelTimeout = null;
      s.state = 'approved';
      s.deviceId = id;
      if (s.hello) devices.setDescription(id, s.hello.description);
      step(s, 'approved', `approved as "${body.name.trim()}"`);
      notify();
      const fingerprint = deps.tlsFingerprint?.() ?? null;
      const credentials: PairingCredentials = {
        ...created.credentials,
        ...(fingerprint ? { tls_fingerprint: fingerprint } : {}),
      };
      try {
        await send(nonce, 'status', { state: 'approved', message: s.message });
        await send(nonce, 'credentials', credentials);
      } catch (err) {
        devices.remove(id);
        s.deviceId = null;
        const message = `the credentials could not be delivered: ${(err as Error).message}`;
        finish(s, 'expired', 'delivery_failed', 'expired', message, { quiet: true });
        throw new HearthError('unavailable', message);
      }
      step(s, 'credentials_sent', 'credentials delivered; waiting for the device to connect with them');
      linger(nonce);
      notify();
      return { session: toDto(s), deviceId: id };
    },

    /** The user says no. */
    reject(nonce: string): PairingSessionDto {
      const s = require(nonce);
      requireWaiting(s);
      finish(s, 'rejected', 'rejected', 'rejected', 'rejected in the dashboard');
      return toDto(s);
    },

    start(): void {
      // The last step: the device connects with its new credentials and is live.
      offPresence = deps.bus.on('presence', ({ deviceId, presence }) => {
        if (presence.status !== 'online') return;
        for (const s of sessions.values()) {
          if (s.state !== 'approved' || s.deviceId !== deviceId) continue;
          s.state = 'paired';
          step(s, 'connected', 'the device connected with its new credentials');
          prune();
          notify();
        }
      });
    },

    /** Hub shutdown: the window closes, waiting sessions end (their connections are going anyway). */
    stop(): void {
      offPresence?.();
      offPresence = null;
      window?.cancel();
      window = null;
      for (const s of sessions.values()) {
        if (s.state === 'waiting') finish(s, 'expired', 'hub_shutdown', 'expired', 'the hub stopped');
      }
      for (const c of connections.values()) c.cancelHello();
      for (const cancel of lingering.values()) cancel();
      connections.clear();
      lingering.clear();
      listeners.clear();
    },
  };
}

export type PairingService = ReturnType<typeof createPairingService>;
