/**
 * Request/response commands over `hearth/<id>/rpc` and `rpc/reply`: a
 * correlation id, a deadline, and a typed outcome: ok (result, round trip),
 * device error, timeout, offline. Every command is recorded. Late or unknown
 * replies are dropped and counted.
 */
import type { CommandDto } from '../../shared/api.ts';
import { PING_METHOD } from '../../shared/ping.ts';
import type { RpcReply, RpcRequest } from '../../shared/wire.ts';
import type { CommandRepo } from '../db/command-repo.ts';
import type { Counters } from './counters.ts';
import type { DeviceService } from './device-service.ts';
import { HearthError } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock } from './logger.ts';
import type { PresenceService } from './presence-service.ts';
import { randomId } from './secrets.ts';

/** How the hub reaches a device; the MQTT layer implements it. */
export interface RpcTransport {
  /** Publishes the request (QoS 1, never retained); rejects when it could not be sent. */
  send(deviceId: string, request: RpcRequest): Promise<void>;
}

export interface SendCommand {
  deviceId: string;
  method: string;
  params: Record<string, unknown>;
  timeoutMs: number;
  /** Who asked: `user:<name>`, `token:<id>`, `rule:<id>`, `cli`, `api`. */
  actor: string;
}

interface Pending {
  command: CommandDto;
  sentAt: number;
  timer: NodeJS.Timeout;
  resolve: (c: CommandDto) => void;
}

export interface CommandServiceDeps {
  repo: CommandRepo;
  devices: DeviceService;
  presence: PresenceService;
  bus: EventBus;
  clock: Clock;
  counters: Counters;
}

export function createCommandService(deps: CommandServiceDeps) {
  const { repo, devices, presence, bus, clock, counters } = deps;
  const pending = new Map<string, Pending>();
  let transport: RpcTransport | null = null;

  function finish(p: Pending, update: Partial<CommandDto>): void {
    clearTimeout(p.timer);
    pending.delete(p.command.id);
    const done: CommandDto = {
      ...p.command,
      ...update,
      finished_at: clock(),
      rtt_ms: update.rtt_ms ?? null,
    };
    repo.finish(done);
    counters.inc(`commands_${done.status}`);
    bus.emit('command', done);
    p.resolve(done);
  }

  return {
    /** The MQTT layer plugs itself in once the broker exists. */
    setTransport(t: RpcTransport): void {
      transport = t;
    },

    /**
     * Sends a command and resolves with its outcome (never rejects for
     * device-side failures: those are outcomes). Throws for bad requests.
     */
    async send(req: SendCommand): Promise<CommandDto> {
      const description = devices.description(req.deviceId);
      if (!devices.exists(req.deviceId)) {
        throw new HearthError('not_found', `device "${req.deviceId}" not found`);
      }
      // `ping` is answered by every SDK device whether or not its description lists it.
      if (description && req.method !== PING_METHOD && !description.methods.includes(req.method)) {
        throw new HearthError(
          'invalid_input',
          `device "${req.deviceId}" does not support "${req.method}" (it supports: ${description.methods.join(', ') || 'nothing'})`,
        );
      }
      const command: CommandDto = {
        id: randomId('c', 12),
        device_id: req.deviceId,
        method: req.method,
        params: req.params,
        actor: req.actor,
        status: 'pending',
        error: null,
        created_at: clock(),
        finished_at: null,
        rtt_ms: null,
      };
      repo.insert(command);
      counters.inc('commands_sent');

      return new Promise<CommandDto>((resolve) => {
        const p: Pending = {
          command,
          sentAt: performance.now(),
          resolve,
          timer: setTimeout(() => {
            finish(p, {
              status: 'timeout',
              error: { code: 'timeout', message: `no reply within ${req.timeoutMs} ms` },
            });
          }, req.timeoutMs),
        };
        pending.set(command.id, p);
        if (!presence.isOnline(req.deviceId) || !transport) {
          finish(p, {
            status: 'offline',
            error: { code: 'offline', message: 'the device is offline' },
          });
          return;
        }
        bus.emit('command', command);
        transport
          .send(req.deviceId, {
            id: command.id,
            method: req.method,
            params: req.params,
            deadline: command.created_at + req.timeoutMs,
          })
          .catch((err: Error) => {
            if (pending.has(command.id)) {
              finish(p, {
                status: 'offline',
                error: { code: 'offline', message: `could not send: ${err.message}` },
              });
            }
          });
      });
    },

    /** A reply arrived on `hearth/<deviceId>/rpc/reply`. False when nobody waits for it. */
    handleReply(deviceId: string, reply: RpcReply): boolean {
      const p = pending.get(reply.id);
      if (!p || p.command.device_id !== deviceId) return false;
      const rtt = Math.round((performance.now() - p.sentAt) * 1000) / 1000;
      if ('error' in reply) finish(p, { status: 'error', error: reply.error, rtt_ms: rtt });
      else finish(p, { status: 'ok', result: reply.result, rtt_ms: rtt });
      return true;
    },

    /** The device went away: its pending commands fail now instead of timing out. */
    deviceOffline(deviceId: string, why: string): void {
      for (const p of [...pending.values()]) {
        if (p.command.device_id === deviceId) {
          finish(p, { status: 'offline', error: { code: 'offline', message: why } });
        }
      }
    },

    list: (deviceId: string, limit: number): CommandDto[] => {
      devices.get(deviceId);
      return repo.listByDevice(deviceId, limit);
    },

    pendingCount: (): number => pending.size,

    /** Fails whatever is still waiting; used at shutdown. */
    stop(): void {
      for (const p of [...pending.values()]) {
        finish(p, {
          status: 'offline',
          error: { code: 'offline', message: 'the hub is shutting down' },
        });
      }
    },
  };
}

export type CommandService = ReturnType<typeof createCommandService>;
