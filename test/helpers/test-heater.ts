/**
 * A small heater for the browser tests, on the real device SDK: it answers
 * heater.set / setpoint.set / temperature.read / identify, reports its state
 * before answering, and publishes temperature when told to. Hooks let a test
 * hold replies (to see "pending"), make the next command crash the device,
 * or have the device reject the next command.
 */
import { HearthDevice, RpcHandlerError } from '../../devices/sdk/hearth-device.ts';
import {
  type Description,
  EmptyParamsSchema,
  HeaterSetParamsSchema,
  SetpointSetParamsSchema,
} from '../../shared/wire.ts';
import { waitFor } from './wait.ts';

export const HEATER_DESCRIPTION: Description = {
  model: 'test-heater',
  firmware: '1.0.0',
  kind: 'heater',
  metrics: [{ name: 'temperature', unit: '°C', label: 'Temperature' }],
  controls: [
    { name: 'heater', type: 'boolean', label: 'Heater' },
    { name: 'setpoint', type: 'number', min: 5, max: 30, step: 0.5, unit: '°C', label: 'Setpoint' },
  ],
  methods: ['heater.set', 'setpoint.set', 'temperature.read', 'identify'],
};

export interface TestHeaterOptions {
  url: string;
  id: string;
  password: string;
  temperature?: number;
  setpoint?: number;
  heater?: boolean;
}

export interface TestHeater {
  device: HearthDevice;
  /** The room temperature the heater measures. */
  temperature: number;
  /** Publishes a temperature reading (and remembers it for temperature.read). */
  publish(temperature?: number, ts?: number): void;
  /**
   * Sends past readings and resolves once the hub acknowledged them all,
   * paced below the hub's per-client rate limit (it drops what exceeds it).
   */
  backfill(readings: readonly (readonly [ts: number, temperature: number])[]): Promise<void>;
  /** Holds every command until the returned function is called. */
  hold(): () => void;
  /** The next heater.set / setpoint.set kills the connection before answering, as a crash would. */
  crashOnNextCommand(): void;
  /** The next heater.set / setpoint.set is refused with `message`. */
  rejectNextCommand(message: string): void;
  stop(): Promise<void>;
}

export async function startTestHeater(options: TestHeaterOptions): Promise<TestHeater> {
  const device = new HearthDevice({
    url: options.url,
    id: options.id,
    password: options.password,
    description: HEATER_DESCRIPTION,
    state: { heater: options.heater ?? false, setpoint: options.setpoint ?? 21 },
    backoff: { initialMs: 200, maxMs: 1000 },
  });
  let gate: Promise<void> | null = null;
  let crashNext = false;
  let rejectNext: string | null = null;

  const heater: TestHeater = {
    device,
    temperature: options.temperature ?? 20,
    publish(temperature = heater.temperature, ts = Date.now()) {
      heater.temperature = temperature;
      device.telemetry({ temperature }, ts);
    },
    async backfill(readings) {
      const chunk = 200;
      for (let i = 0; i < readings.length; i += chunk) {
        const target = device.stats.telemetrySent + Math.min(chunk, readings.length - i);
        for (const [ts, temperature] of readings.slice(i, i + chunk)) device.telemetry({ temperature }, ts);
        await waitFor(() => device.stats.telemetrySent >= target, {
          what: 'backfill acknowledged',
          timeoutMs: 20_000,
        });
        // 200 per 500 ms stays under the default limit (500 messages/s per client).
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
      return release;
    },
    crashOnNextCommand() {
      crashNext = true;
    },
    rejectNextCommand(message) {
      rejectNext = message;
    },
    stop: () => device.stop(),
  };

  /** What every state-changing command goes through first. */
  async function before(): Promise<void> {
    if (gate) await gate;
    if (crashNext) {
      crashNext = false;
      await device.kill();
      throw new Error('crashed');
    }
    if (rejectNext !== null) {
      const message = rejectNext;
      rejectNext = null;
      throw new RpcHandlerError('rejected', message);
    }
  }

  device
    .handle('heater.set', HeaterSetParamsSchema, async ({ on }) => {
      await before();
      await device.reportState({ heater: on });
      return { heater: on };
    })
    .handle('setpoint.set', SetpointSetParamsSchema, async ({ value }) => {
      await before();
      if (value < 5 || value > 30)
        throw new RpcHandlerError('invalid_params', `setpoint ${value} is outside 5–30`);
      await device.reportState({ setpoint: value });
      return { setpoint: value };
    })
    .handle('temperature.read', EmptyParamsSchema, async () => {
      if (gate) await gate;
      return { temperature: heater.temperature, ts: Date.now() };
    })
    .handle('identify', EmptyParamsSchema, () => ({ identified: true }));

  await device.start();
  return heater;
}
