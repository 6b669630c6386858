/**
 * A simulated room thermometer/hygrometer: the pure model in
 * thermometer-model.ts behind a real HearthDevice. Model time runs `speed`
 * times faster than the wall clock (so a day's cycle is visible in a demo);
 * readings carry the real time, which is what the hub stores.
 */

import { type Description, EmptyParamsSchema, type TemperatureReadResult } from '../../shared/wire.ts';
import { HearthDevice } from '../sdk/hearth-device.ts';
import { checkTiming, type SimulatorConnection } from './heater.ts';
import {
  DEFAULT_THERMOMETER_PARAMS,
  initialState,
  read,
  step,
  type ThermometerParams,
  type ThermometerState,
} from './thermometer-model.ts';

export const THERMOMETER_DESCRIPTION: Description = {
  model: 'hearth-sim-thermometer',
  firmware: '1.0.0',
  kind: 'thermometer',
  metrics: [
    { name: 'temperature', unit: '°C', label: 'Temperature' },
    { name: 'humidity', unit: '%', label: 'Humidity' },
  ],
  controls: [],
  methods: ['temperature.read', 'identify'],
};

export interface ThermometerSimulatorOptions extends SimulatorConnection {
  params?: ThermometerParams;
}

export interface ThermometerSimulator {
  readonly device: HearthDevice;
  /** The model as of the last tick or command. */
  readonly state: ThermometerState;
  /** True while `identify` blinks. */
  readonly blinking: boolean;
  /** Clean: publishes `offline`, then MQTT DISCONNECT. */
  stop(): Promise<void>;
  /** Abrupt: drops the connection as a power cut would. */
  kill(): Promise<void>;
}

/** Connects a simulated thermometer and starts its telemetry; rejects when the hub is unreachable or refuses it. */
export async function startThermometerSimulator(
  options: ThermometerSimulatorOptions,
): Promise<ThermometerSimulator> {
  const {
    intervalMs = 10_000,
    speed = 1,
    identifyMs = 5000,
    params = DEFAULT_THERMOMETER_PARAMS,
    rng = Math.random,
    clock = Date.now,
    onError = () => {},
  } = options;
  checkTiming(intervalMs, speed);

  const startedAt = clock();
  const modelTime = (): number => startedAt + (clock() - startedAt) * speed;
  let state = initialState(startedAt);
  let blinking = false;
  let identifyTimer: NodeJS.Timeout | null = null;
  let tickTimer: NodeJS.Timeout | null = null;

  const device = new HearthDevice({
    ...options.sdk,
    url: options.url,
    id: options.id,
    password: options.password,
    description: THERMOMETER_DESCRIPTION,
    state: { blinking },
  });
  device.on('error', onError);

  const advance = (): void => {
    state = step(state, modelTime(), rng, params);
  };

  device.handle('temperature.read', EmptyParamsSchema, (): TemperatureReadResult => {
    advance();
    return { temperature: read(state, rng, params).temperature, ts: clock() };
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
    const { temperature, humidity } = read(state, rng, params);
    device.telemetry({ temperature, humidity }, clock());
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
