/**
 * A simulated room thermometer/hygrometer: the pure model in
 * thermometer-model.ts behind a real HearthDevice. Model time runs `speed`
 * times faster than the wall clock (so a day's cycle is visible in a demo);
 * readings carry the real time, which is what the hub stores.
 */

import { type Description, EmptyParamsSchema, type TemperatureReadResult } from '../../shared/wire.ts';
import { type RunningSimulator, runSimulator, type SimulatorConnection } from './simulator-runner.ts';
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

export interface ThermometerSimulator extends RunningSimulator {
  /** The model as of the last tick or command. */
  readonly state: ThermometerState;
}

/** Connects a simulated thermometer and starts its telemetry; rejects when the hub is unreachable or refuses it. */
export async function startThermometerSimulator(
  options: ThermometerSimulatorOptions,
): Promise<ThermometerSimulator> {
  const { speed = 1, params = DEFAULT_THERMOMETER_PARAMS, rng = Math.random, clock = Date.now } = options;

  const startedAt = clock();
  const modelTime = (): number => startedAt + (clock() - startedAt) * speed;
  let state = initialState(startedAt);
  const advance = (): void => {
    state = step(state, modelTime(), rng, params);
  };

  const sim = await runSimulator(options, {
    description: THERMOMETER_DESCRIPTION,
    state: {},
    handlers(device) {
      device.handle('temperature.read', EmptyParamsSchema, (): TemperatureReadResult => {
        advance();
        return { temperature: read(state, rng, params).temperature, ts: clock() };
      });
    },
    tick(device) {
      advance();
      const { temperature, humidity } = read(state, rng, params);
      device.telemetry({ temperature, humidity }, clock());
    },
  });

  // A live getter (Object.assign would copy a one-time snapshot instead).
  return Object.defineProperty(sim, 'state', {
    get: () => ({ ...state }),
    enumerable: true,
  }) as ThermometerSimulator;
}
