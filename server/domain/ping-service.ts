/**
 * Per-device ping: a `ping` rpc through the command service (so it is
 * recorded in the command log like any command) and round-trip statistics
 * per device over the last hour. Statistics come from the bus, so a `ping`
 * sent through `POST /api/devices/:id/rpc` counts too.
 *
 * A device that answers with an error (say `method_not_found` from firmware
 * without the SDK's built-in ping) still proves the round trip: it counts as
 * answered. Timeouts and offline count as failed.
 */
import type { CommandDto, CommandStatus } from '../../shared/api.ts';
import { PING_METHOD, type PingStatsDto } from '../../shared/ping.ts';
import type { CommandService } from './command-service.ts';
import type { DeviceService } from './device-service.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock } from './logger.ts';
import { RollingWindow } from './rolling-window.ts';

const HOUR_MS = 3_600_000;
/** Pings per device kept for the statistics: one a second for an hour is plenty. */
const PER_DEVICE_CAPACITY = 3600;

interface DevicePings {
  window: RollingWindow;
  lastStatus: CommandStatus | null;
  lastAt: number | null;
}

export interface PingServiceDeps {
  commands: CommandService;
  devices: DeviceService;
  bus: EventBus;
  clock: Clock;
  windowMs?: number;
}

export function createPingService({ commands, devices, bus, clock, windowMs = HOUR_MS }: PingServiceDeps) {
  const byDevice = new Map<string, DevicePings>();
  const off: (() => void)[] = [];

  function record(c: CommandDto): void {
    if (c.method !== PING_METHOD || c.status === 'pending') return;
    let d = byDevice.get(c.device_id);
    if (!d) {
      d = { window: new RollingWindow(windowMs, PER_DEVICE_CAPACITY), lastStatus: null, lastAt: null };
      byDevice.set(c.device_id, d);
    }
    const answered = c.status === 'ok' || c.status === 'error';
    const at = c.finished_at ?? clock();
    d.window.add(at, answered ? c.rtt_ms : null);
    d.lastStatus = c.status;
    d.lastAt = at;
  }

  return {
    start(): void {
      off.push(
        bus.on('command', record),
        bus.on('device_removed', ({ deviceId }) => byDevice.delete(deviceId)),
      );
    },

    stop(): void {
      for (const fn of off.splice(0)) fn();
    },

    /** Sends one ping and resolves with the outcome (never rejects for device-side failures). */
    ping(deviceId: string, timeoutMs: number, actor: string): Promise<CommandDto> {
      return commands.send({ deviceId, method: PING_METHOD, params: {}, timeoutMs, actor });
    },

    /** Round-trip statistics of the device's pings over the window; throws not_found. */
    stats(deviceId: string): PingStatsDto {
      devices.get(deviceId);
      const d = byDevice.get(deviceId);
      const s = d?.window.summary(clock());
      return {
        device_id: deviceId,
        window_s: Math.round(windowMs / 1000),
        sent: s?.count ?? 0,
        answered: s?.ok ?? 0,
        failed: s?.failed ?? 0,
        min_ms: s?.min ?? null,
        p50_ms: s?.p50 ?? null,
        p99_ms: s?.p99 ?? null,
        max_ms: s?.max ?? null,
        last_rtt_ms: s?.last ?? null,
        last_status: d?.lastStatus ?? null,
        last_at: d?.lastAt ?? null,
      };
    },
  };
}

export type PingService = ReturnType<typeof createPingService>;
