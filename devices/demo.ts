/**
 * `npm run demo`: a hub with three simulated devices in one process, so the
 * dashboard has something to show at once. Unlike the rest of devices/, it
 * imports server/: it embeds the hub. The devices still talk to it over real
 * MQTT on its TCP port.
 *
 * Secrets are stored only hashed, so on every start the demo devices are
 * created, or re-keyed when they already exist (their history is kept).
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { type Config, ConfigError, loadConfig } from '../server/config.ts';
import { type RunningHub, startHub } from '../server/hub.ts';
import type { Credentials } from '../shared/api.ts';
import type { RpcReply, RpcRequest } from '../shared/wire.ts';
import { startHeaterSimulator } from './simulators/heater.ts';
import type { HeaterState } from './simulators/heater-model.ts';
import { startThermometerSimulator } from './simulators/thermometer.ts';

/** Fast enough that a heater visibly warms its room within a minute or two. */
const INTERVAL_MS = 2000;
const SPEED = 30;

interface DemoDevice {
  id: string;
  name: string;
  room: string;
  kind: 'heater' | 'thermometer';
  initial?: Partial<HeaterState>;
}

const DEVICES: DemoDevice[] = [
  {
    id: 'demo-living-heater',
    name: 'Living room heater',
    room: 'Living room',
    kind: 'heater',
    initial: { roomC: 16, heaterOn: true, setpointC: 21 },
  },
  {
    id: 'demo-bedroom-heater',
    name: 'Bedroom heater',
    room: 'Bedroom',
    kind: 'heater',
    initial: { roomC: 17.5, heaterOn: false, setpointC: 19 },
  },
  { id: 'demo-hall-thermometer', name: 'Hall thermometer', room: 'Hall', kind: 'thermometer' },
];

interface Running {
  stop(): Promise<void>;
}

function demoConfig(): Config {
  const { env } = process;
  const overrides: Partial<Config> = {};
  // The demo keeps its data apart from a real hub's, and its console readable.
  if (env.HEARTH_DATA_DIR === undefined) overrides.dataDir = resolve(process.cwd(), 'data-demo');
  if (env.HEARTH_LOG_LEVEL === undefined) overrides.logLevel = 'warn';
  return loadConfig({ env, cwd: process.cwd(), hostname: `${hostname()}.local`, overrides });
}

/** Creates the device, or mints a new secret for it when it already exists. */
async function provision(hub: RunningHub, d: DemoDevice): Promise<Credentials> {
  const { devices } = hub.app.services;
  if (devices.exists(d.id)) return devices.rotateSecret(d.id);
  const created = await devices.create({ id: d.id, name: d.name, room: d.room });
  return created.credentials;
}

const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);

function logCommands(id: string, request: RpcRequest, reply: RpcReply): void {
  const outcome = 'error' in reply ? `error ${reply.error.code}` : `ok ${JSON.stringify(reply.result)}`;
  log(`${id}: ${request.method} ${JSON.stringify(request.params)} → ${outcome}`);
}

async function startDevice(d: DemoDevice, url: string, password: string): Promise<Running> {
  const common = {
    url,
    id: d.id,
    password,
    intervalMs: INTERVAL_MS,
    speed: SPEED,
    onError: (err: Error) => log(`${d.id}: ${err.message}`),
  };
  const sim =
    d.kind === 'heater'
      ? await startHeaterSimulator({ ...common, initial: d.initial })
      : await startThermometerSimulator(common);
  sim.device.on('rpc', (request, reply) => logCommands(d.id, request, reply));
  return sim;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = demoConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const hub = await startHub(config);
  const sims: Running[] = [];
  // Devices stop first (clean DISCONNECT, recorded as such), then the hub.
  const shutdown = async (): Promise<void> => {
    await Promise.allSettled(sims.splice(0).map((s) => s.stop()));
    await hub.close();
  };
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) console.error('demo: closing after an error:', err);
    else log(`${signal ?? 'exit'}: stopping the demo devices and the hub`);
    await shutdown();
  });

  try {
    // The listener may be bound to every interface; the devices use loopback then.
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${hub.mqttPort}`;
    for (const d of DEVICES) {
      const creds = await provision(hub, d);
      sims.push(await startDevice(d, url, creds.password));
    }
  } catch (err) {
    await shutdown();
    throw err;
  }

  console.log(`
Hearth demo is running (data in ${config.dataDir}).

  Dashboard:  http://localhost:${hub.httpPort}/
  MQTT:       mqtt://localhost:${hub.mqttPort}  (devices: ${DEVICES.map((d) => d.id).join(', ')})
  Simulation: telemetry every ${INTERVAL_MS / 1000} s, ${SPEED}× speed

Try the heater controls in the dashboard; Ctrl-C stops everything.
`);
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
