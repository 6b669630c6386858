/**
 * The composition root: builds the repositories and domain services over one
 * database and wires them together. Framework-free; the services plugin hands
 * the result to fastify, the CLI uses parts of it directly.
 */
import type { Config } from './config.ts';
import { createCommandRepo } from './db/command-repo.ts';
import type { Db } from './db/database.ts';
import { createDeviceRepo } from './db/device-repo.ts';
import { createReadingRepo } from './db/reading-repo.ts';
import { ReadingWriter } from './db/reading-writer.ts';
import { createCommandService } from './domain/command-service.ts';
import { Counters, DropRecorder } from './domain/counters.ts';
import { createDeviceService } from './domain/device-service.ts';
import { EventBus } from './domain/event-bus.ts';
import type { Clock, Logger } from './domain/logger.ts';
import { createPresenceService } from './domain/presence-service.ts';
import { createTelemetryService, type TelemetryService } from './domain/telemetry-service.ts';

export interface ServiceOptions {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  /** Where devices reach the hub, for the credentials shown at provisioning. */
  endpoints: () => { mqttUrl: string; wsUrl: string };
}

export function createServices({ config, db, log, clock, endpoints }: ServiceOptions) {
  const bus = new EventBus(log);
  const counters = new Counters();
  const drops = new DropRecorder(counters, log, clock);
  const deviceRepo = createDeviceRepo(db);
  const readings = createReadingRepo(db);
  const devices = createDeviceService({ repo: deviceRepo, bus, clock, endpoints });
  const presence = createPresenceService({
    devices,
    clock,
    staleAfterMs: config.staleAfterS * 1000,
  });
  // The writer reports commits to the telemetry service, which needs the writer:
  // the late-bound reference breaks the cycle.
  let telemetryRef: TelemetryService | null = null;
  const writer = new ReadingWriter(
    db,
    { flushMs: config.ingestFlushMs, batchMax: config.ingestBatchMax },
    log,
    (batch) => telemetryRef?.committed(batch),
  );
  const telemetry = createTelemetryService({
    repo: deviceRepo,
    readings,
    devices,
    presence,
    bus,
    clock,
    counters,
    writer,
  });
  telemetryRef = telemetry;
  const commandRepo = createCommandRepo(db);
  const commands = createCommandService({
    repo: commandRepo,
    devices,
    presence,
    bus,
    clock,
    counters,
  });

  return {
    bus,
    counters,
    drops,
    devices,
    presence,
    telemetry,
    commands,
    writer,

    start(): void {
      devices.start();
      presence.start();
      telemetry.start();
    },

    /** Fails pending commands, writes queued readings, stops timers. */
    stop(): void {
      commands.stop();
      telemetry.stop();
      presence.stop();
    },

    /** Removes a device everywhere: queued readings, registry, command log. */
    removeDevice(id: string): void {
      devices.get(id);
      commands.deviceOffline(id, 'the device was removed');
      telemetry.forgetDevice(id);
      commandRepo.removeDevice(id);
      devices.remove(id);
    },
  };
}

export type Services = ReturnType<typeof createServices>;
