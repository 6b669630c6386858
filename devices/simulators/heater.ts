/**
 * A simulated heater: the pure model in heater-model.ts behind a real
 * HearthDevice. A timer advances the model by real elapsed time (times
 * `speed`) and sends the room temperature; commands change the model and
 * report the new state before they answer, so the hub holds the confirmed
 * state by the time the command completes.
 */

import {
  type Description,
  type DeviceState,
  EmptyParamsSchema,
  HeaterSetParamsSchema,
  SetpointSetParamsSchema,
  type TemperatureReadResult,
} from '../../shared/wire.ts';
import { HearthDevice, type HearthDeviceOptions, RpcHandlerError } from '../sdk/hearth-device.ts';
import {
  DEFAULT_HEATER_PARAMS,
  type HeaterParams,
  type HeaterState,
  initialState,
  isValidSetpoint,
  type Rng,
  read,
  roundSetpoint,
  SETPOINT_RANGE,
  setHeater,
  setSetpoint,
  step,
} from './heater-model.ts';

export const HEATER_DESCRIPTION: Description = {
  model: 'hearth-sim-heater',
  firmware: '1.0.0',
  kind: 'heater',
  metrics: [{ name: 'temperature', unit: '°C', label: 'Temperature' }],
  controls: [
    { name: 'heater', type: 'boolean', label: 'Heater' },
    { name: 'setpoint', type: 'number', ...SETPOINT_RANGE, unit: '°C', label: 'Setpoint' },
  ],
  methods: ['heater.set', 'setpoint.set', 'temperature.read', 'identify'],
};

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

export interface HeaterSimulatorOptions extends SimulatorConnection {
  /** Starting room, outside, heater and setpoint. */
  initial?: Partial<HeaterState>;
  params?: HeaterParams;
}

export interface HeaterSimulator {
  readonly device: HearthDevice;
  /** The model as of the last tick or command. */
  readonly state: HeaterState;
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

/** Connects a simulated heater and starts its telemetry; rejects when the hub is unreachable or refuses it. */
export async function startHeaterSimulator(options: HeaterSimulatorOptions): Promise<HeaterSimulator> {
  const {
    intervalMs = 10_000,
    speed = 1,
    identifyMs = 5000,
    params = DEFAULT_HEATER_PARAMS,
    rng = Math.random,
    clock = Date.now,
    onError = () => {},
  } = options;
  checkTiming(intervalMs, speed);

  let state = initialState(options.initial);
  let last = clock();
  let blinking = false;
  let identifyTimer: NodeJS.Timeout | null = null;
  let tickTimer: NodeJS.Timeout | null = null;

  const reported = (): DeviceState => ({
    heater: state.heaterOn,
    setpoint: state.setpointC,
    heating: state.heating,
    blinking,
  });

  const device = new HearthDevice({
    ...options.sdk,
    url: options.url,
    id: options.id,
    password: options.password,
    description: HEATER_DESCRIPTION,
    state: reported(),
  });
  device.on('error', onError);

  /** Steps the model to now; reports `heating` when the element switched. */
  const advance = (): void => {
    const now = clock();
    const wasHeating = state.heating;
    state = step(state, ((now - last) / 1000) * speed, params);
    last = now;
    if (state.heating !== wasHeating) device.reportState({ heating: state.heating }).catch(onError);
  };

  device.handle('heater.set', HeaterSetParamsSchema, async ({ on }) => {
    advance();
    state = setHeater(state, on, params);
    await device.reportState(reported());
    return { heater: state.heaterOn, heating: state.heating };
  });

  device.handle('setpoint.set', SetpointSetParamsSchema, async ({ value }) => {
    if (!isValidSetpoint(value)) {
      throw new RpcHandlerError(
        'invalid_params',
        `setpoint ${value} °C is outside ${SETPOINT_RANGE.min}–${SETPOINT_RANGE.max} °C`,
      );
    }
    advance();
    state = setSetpoint(state, roundSetpoint(value), params);
    await device.reportState(reported());
    return { setpoint: state.setpointC, heating: state.heating };
  });

  device.handle('temperature.read', EmptyParamsSchema, (): TemperatureReadResult => {
    advance();
    return { temperature: read(state, rng, params), ts: clock() };
  });

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

  const tick = (): void => {
    advance();
    device.telemetry({ temperature: read(state, rng, params) }, clock());
  };

  const clearTimers = (): void => {
    if (tickTimer) clearInterval(tickTimer);
    if (identifyTimer) clearTimeout(identifyTimer);
    tickTimer = null;
    identifyTimer = null;
  };

  try {
    await device.start(options.connectTimeoutMs ?? 10_000);
  } catch (err) {
    // The SDK keeps retrying after a timeout: end the client so nothing lingers.
    await device.kill();
    throw err;
  }
  tick();
  tickTimer = setInterval(tick, intervalMs);

  return {
    device,
    get state() {
      return { ...state };
    },
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
