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
import { type HearthDevice, RpcHandlerError } from '../sdk/hearth-device.ts';
import {
  DEFAULT_HEATER_PARAMS,
  type HeaterParams,
  type HeaterState,
  initialState,
  isValidSetpoint,
  read,
  roundSetpoint,
  SETPOINT_RANGE,
  setHeater,
  setSetpoint,
  step,
} from './heater-model.ts';
import { type RunningSimulator, runSimulator, type SimulatorConnection } from './simulator-runner.ts';

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

export interface HeaterSimulatorOptions extends SimulatorConnection {
  /** Starting room, outside, heater and setpoint. */
  initial?: Partial<HeaterState>;
  params?: HeaterParams;
}

export interface HeaterSimulator extends RunningSimulator {
  /** The model as of the last tick or command. */
  readonly state: HeaterState;
}

/** Connects a simulated heater and starts its telemetry; rejects when the hub is unreachable or refuses it. */
export async function startHeaterSimulator(options: HeaterSimulatorOptions): Promise<HeaterSimulator> {
  const {
    speed = 1,
    params = DEFAULT_HEATER_PARAMS,
    rng = Math.random,
    clock = Date.now,
    onError = () => {},
  } = options;

  let state = initialState(options.initial);
  let last = clock();

  const reported = (): DeviceState => ({
    heater: state.heaterOn,
    setpoint: state.setpointC,
    heating: state.heating,
  });

  /** Steps the model to now; reports `heating` when the element switched. */
  const advance = (device: HearthDevice): void => {
    const now = clock();
    const wasHeating = state.heating;
    state = step(state, ((now - last) / 1000) * speed, params);
    last = now;
    if (state.heating !== wasHeating) device.reportState({ heating: state.heating }).catch(onError);
  };

  const sim = await runSimulator(options, {
    description: HEATER_DESCRIPTION,
    state: reported(),
    handlers(device) {
      device.handle('heater.set', HeaterSetParamsSchema, async ({ on }) => {
        advance(device);
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
        advance(device);
        state = setSetpoint(state, roundSetpoint(value), params);
        await device.reportState(reported());
        return { setpoint: state.setpointC, heating: state.heating };
      });

      device.handle('temperature.read', EmptyParamsSchema, (): TemperatureReadResult => {
        advance(device);
        return { temperature: read(state, rng, params), ts: clock() };
      });
    },
    tick(device) {
      advance(device);
      device.telemetry({ temperature: read(state, rng, params) }, clock());
    },
  });

  // A live getter (Object.assign would copy a one-time snapshot instead).
  return Object.defineProperty(sim, 'state', {
    get: () => ({ ...state }),
    enumerable: true,
  }) as HeaterSimulator;
}
