/**
 * Presence from the broker's own connection events (design brief §4): online
 * on connect, offline with the reason on disconnect, stale when an online
 * device has sent nothing for `staleAfterMs`. The MQTT layer reports the
 * events; this service decides and records the transitions.
 */
import type { Presence, PresenceReason } from '../../shared/api.ts';
import type { DeviceService } from './device-service.ts';
import type { Clock } from './logger.ts';

export type DisconnectReason = Exclude<PresenceReason, 'connected' | 'silent' | 'never_connected'>;

export interface PresenceServiceDeps {
  devices: DeviceService;
  clock: Clock;
  staleAfterMs: number;
}

export function createPresenceService({ devices, clock, staleAfterMs }: PresenceServiceDeps) {
  let sweepTimer: NodeJS.Timeout | null = null;

  function set(id: string, presence: Presence): void {
    devices.recordPresence(id, presence);
  }

  /** Marks online devices that went quiet as stale. */
  function sweep(): void {
    const now = clock();
    for (const id of devices.connectedIds()) {
      const p = devices.presence(id);
      if (p?.status !== 'online') continue;
      const last = Math.max(devices.lastSeen(id) ?? 0, p.since ?? 0);
      if (now - last >= staleAfterMs) {
        set(id, {
          status: 'stale',
          reason: 'silent',
          detail: `connected but silent for ${Math.round((now - last) / 1000)} s`,
          since: now,
        });
      }
    }
  }

  return {
    start(): void {
      // A hub that stopped without a clean shutdown (crash, kill -9) left some
      // devices marked online; nobody is connected to a hub that just started.
      const now = clock();
      for (const id of devices.connectedIds()) {
        set(id, { status: 'offline', reason: 'hub_shutdown', detail: 'the hub restarted', since: now });
      }
      const every = Math.min(30_000, Math.max(1000, Math.floor(staleAfterMs / 4)));
      sweepTimer = setInterval(sweep, every);
      sweepTimer.unref();
    },

    stop(): void {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
    },

    sweep,

    connected(id: string): void {
      set(id, { status: 'online', reason: 'connected', detail: null, since: clock() });
    },

    disconnected(id: string, reason: DisconnectReason, detail: string | null): void {
      set(id, { status: 'offline', reason, detail, since: clock() });
    },

    /** Called when a device sends something; brings a stale device back online. */
    activity(id: string): void {
      const p = devices.presence(id);
      if (p?.status === 'stale') {
        set(id, { status: 'online', reason: 'connected', detail: 'reporting again', since: clock() });
      }
    },

    isOnline(id: string): boolean {
      const status = devices.presence(id)?.status;
      return status === 'online' || status === 'stale';
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
