/**
 * What every simulated device shares: connecting a HearthDevice, the
 * `identify` blink, the telemetry timer, and a clean or abrupt stop. A
 * simulator supplies its description, its command handlers and its tick.
 */
import { type Description, type DeviceState, EmptyParamsSchema } from '../../shared/wire.ts';
import { HearthDevice, type HearthDeviceOptions } from '../sdk/hearth-device.ts';
import type { Rng } from './heater-model.ts';

/** What every simulator runner takes besides its model's settings. */
export interface SimulatorConnection {
  /** Hub URL, e.g. `mqtt://hub.local:1883`. */
  url: string;
  id: string;
  password: string;
  /** Telemetry period in ms (default 10 000). */
  intervalMs?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** How long `identify` blinks (ms, default 5000). */
  identifyMs?: number;
  /** How long to wait for the hub at start (ms, default 10 000). */
  connectTimeoutMs?: number;
  /** Extra SDK options (keepalive, backoff, TLS). */
  sdk?: Partial<Omit<HearthDeviceOptions, 'url' | 'id' | 'password' | 'description' | 'state'>>;
  /** Errors the device reports after start (a failed publish); ignored by default. */
  onError?: (err: Error) => void;
  /** Randomness and wall clock, injectable for reproducible runs. */
  rng?: Rng;
  clock?: () => number;
}

/** The parts of a running simulator every kind has. */
export interface RunningSimulator {
  readonly device: HearthDevice;
  /** True while `identify` blinks. */
  readonly blinking: boolean;
  /** Clean: publishes `offline`, then MQTT DISCONNECT. */
  stop(): Promise<void>;
  /** Abrupt: drops the connection as a power cut would. */
  kill(): Promise<void>;
}

/** Checks the options every runner shares; throws a RangeError naming the bad one. */
export function checkTiming(intervalMs: number, speed: number): void {
  if (!Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new RangeError(`intervalMs must be at least 10 (got ${intervalMs})`);
  }
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be > 0 (got ${speed})`);
}

export interface SimulatorSpec {
  description: Description;
  /** Reported state at connect (without `blinking`, which the runner owns). */
  state: DeviceState;
  /** Registers the model's own command handlers on the device. */
  handlers(device: HearthDevice): void;
  /** Advances the model and sends a reading; runs once at start, then every `intervalMs`. */
  tick(device: HearthDevice): void;
}

/** Connects the device, starts its timer; rejects when the hub is unreachable or refuses it. */
export async function runSimulator(
  options: SimulatorConnection,
  spec: SimulatorSpec,
): Promise<RunningSimulator> {
  const { intervalMs = 10_000, speed = 1, identifyMs = 5000, onError = () => {} } = options;
  checkTiming(intervalMs, speed);
  let blinking = false;
  let identifyTimer: NodeJS.Timeout | null = null;
  let tickTimer: NodeJS.Timeout | null = null;

  const device = new HearthDevice({
    ...options.sdk,
    url: options.url,
    id: options.id,
    password: options.password,
    description: spec.description,
    state: { ...spec.state, blinking },
  });
  device.on('error', onError);
  spec.handlers(device);

  device.handle('identify', EmptyParamsSchema, async () => {
    // A second identify while blinking restarts the blink rather than stacking timers.
    if (identifyTimer) clearTimeout(identifyTimer);
    identifyTimer = setTimeout(() => {
      identifyTimer = null;
      blinking = false;
      device.reportState({ blinking }).catch(onError);
    }, identifyMs);
    blinking = true;
    await device.reportState({ blinking });
    return { identified: true };
  });

  const clearTimers = (): void => {
    if (tickTimer) clearInterval(tickTimer);
    if (identifyTimer) clearTimeout(identifyTimer);
    tickTimer = null;
    identifyTimer = null;
  };

  // A failed start ends the device's client itself (the SDK does), so nothing lingers.
  await device.start(options.connectTimeoutMs ?? 10_000);
  spec.tick(device);
  tickTimer = setInterval(() => spec.tick(device), intervalMs);

  return {
    device,
    get blinking() {
      return blinking;
    },
    async stop() {
      clearTimers();
      await device.stop();
    },
    async kill() {
      clearTimers();
      await device.kill();
    },
  };
}
