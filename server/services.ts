/**
 * The composition root: builds the repositories and domain services over one
 * database and wires them together. Framework-free; the services plugin hands
 * the result to fastify, the CLI uses parts of it directly.
 */
import type { Config } from './config.ts';
import { createAccountRepo } from './db/account-repo.ts';
import { createAlertRepo } from './db/alert-repo.ts';
import { createCommandRepo } from './db/command-repo.ts';
import type { Db } from './db/database.ts';
import { createDesiredStateRepo } from './db/desired-state-repo.ts';
import { createDeviceRepo } from './db/device-repo.ts';
import { createReadingRepo } from './db/reading-repo.ts';
import { ReadingWriter } from './db/reading-writer.ts';
import { createRuleRepo } from './db/rule-repo.ts';
import { createAlertService } from './domain/alert-service.ts';
import { createAuthService } from './domain/auth-service.ts';
import { createCommandService } from './domain/command-service.ts';
import { Counters, DropRecorder } from './domain/counters.ts';
import { createDesiredStateService } from './domain/desired-state-service.ts';
import { createDeviceService } from './domain/device-service.ts';
import { EventBus } from './domain/event-bus.ts';
import { createIntegrationService } from './domain/integration-service.ts';
import type { Clock, Logger } from './domain/logger.ts';
import { createPairingService } from './domain/pairing-service.ts';
import { createPingService } from './domain/ping-service.ts';
import { createPresenceService } from './domain/presence-service.ts';
import { createActionExecutor } from './domain/rules/action-executor.ts';
import { createRuleRunner } from './domain/rules/rule-runner.ts';
import { createRuleService } from './domain/rules/rule-service.ts';
import type { LocalTime } from './domain/rules/rule-types.ts';
import { createWebhookSender } from './domain/rules/webhook-sender.ts';
import { type Scheduler, systemScheduler } from './domain/scheduler.ts';
import { createTelemetryService, type TelemetryService } from './domain/telemetry-service.ts';

export interface ServiceOptions {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  /** Where devices reach the hub, for the credentials shown at provisioning. */
  endpoints: () => { mqttUrl: string; wsUrl: string };
  /** Timers for rules and desired-state expiry (tests drive a simulated day with a fake one). */
  scheduler?: Scheduler;
  /** The hub's local time for rule schedules (default: the machine's time zone). */
  localTime?: (ts: number) => LocalTime;
  /** How often rules see the clock (schedules, durations); default 1 s. */
  ruleTickMs?: number;
  /** The hub certificate's fingerprint when TLS is on, handed to paired devices. */
  tlsFingerprint?: () => string | null;
}

export function createServices({ config, db, log, clock, endpoints, ...rest }: ServiceOptions) {
  const scheduler = rest.scheduler ?? systemScheduler;
  const bus = new EventBus(log);
  const counters = new Counters();
  const drops = new DropRecorder(counters, log, clock);
  const deviceRepo = createDeviceRepo(db);
  const accountRepo = createAccountRepo(db);
  const readings = createReadingRepo(db);
  const devices = createDeviceService({
    repo: deviceRepo,
    bus,
    clock,
    endpoints,
    // One MQTT username space: a device id may not be an integration account's name.
    isNameTaken: (id) => accountRepo.integrationByUsername(id) !== undefined,
  });
  const auth = createAuthService({ repo: accountRepo, clock, log });
  const integrations = createIntegrationService({
    repo: accountRepo,
    devices,
    clock,
    mqttUrl: () => endpoints().mqttUrl,
  });
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
  const pings = createPingService({ commands, devices, bus, clock });
  const pairing = createPairingService({
    clock,
    scheduler,
    bus,
    log,
    devices,
    tlsFingerprint: rest.tlsFingerprint,
  });
  const alerts = createAlertService({ repo: createAlertRepo(db), bus, clock });
  const desired = createDesiredStateService({
    repo: createDesiredStateRepo(db),
    devices,
    presence,
    commands,
    bus,
    clock,
    scheduler,
    log,
    rpcTimeoutMs: config.rpcTimeoutMs,
  });
  const ruleRepo = createRuleRepo(db);
  const rules = createRuleService({ repo: ruleRepo, devices, alerts, clock, log });
  const webhooks = createWebhookSender();
  const rulesRunner = createRuleRunner({
    rules,
    repo: ruleRepo,
    devices,
    alerts,
    executor: createActionExecutor({
      alerts,
      desired,
      commands,
      webhooks,
      rpcTimeoutMs: config.rpcTimeoutMs,
    }),
    bus,
    clock,
    scheduler,
    log,
    counters,
    local: rest.localTime,
    tickMs: rest.ruleTickMs,
  });

  let syncTimer: NodeJS.Timeout | null = null;
  // However a device goes (API, CLI), its queued readings are written and its caches dropped.
  bus.on('device_removed', ({ deviceId }) => {
    commands.deviceOffline(deviceId, 'the device was removed');
    telemetry.forgetDevice(deviceId);
  });

  return {
    bus,
    auth,
    integrations,
    counters,
    drops,
    devices,
    presence,
    telemetry,
    commands,
    pings,
    writer,
    pairing,
    alerts,
    desired,
    rules,
    rulesRunner,

    /** Creates the owner from HEARTH_OWNER_PASSWORD, when given. */
    async init(): Promise<void> {
      if (config.ownerPassword) await auth.ensureOwner(config.ownerPassword);
      auth.sweep();
    },

    start(): void {
      devices.start();
      // Devices the CLI adds or removes while the hub runs are picked up within seconds.
      syncTimer = setInterval(() => devices.syncExternal(), 2000);
      syncTimer.unref();
      presence.start();
      telemetry.start();
      alerts.start();
      rules.start();
      desired.start();
      rulesRunner.start();
      pairing.start();
      pings.start();
    },

    /** Fails pending commands, writes queued readings, stops timers. */
    stop(): void {
      if (syncTimer) clearInterval(syncTimer);
      syncTimer = null;
      pairing.stop();
      pings.stop();
      rulesRunner.stop();
      webhooks.stop();
      desired.stop();
      commands.stop();
      telemetry.stop();
      presence.stop();
      devices.stop();
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
