/**
 * `npm run device -- <kind> …`: runs one simulated device against a hub,
 * with credentials from the admin CLI (`npm run hearth -- device add`) or
 * from POST /api/devices. Logs one line per connect, disconnect and command;
 * SIGINT/SIGTERM disconnect cleanly.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Credentials, CredentialsSchema } from '../shared/api.ts';
import { PairingCredentialsSchema } from '../shared/pairing.ts';
import { isDeviceId } from '../shared/topics.ts';
import { checker } from '../shared/validate.ts';
import type { RpcReply, RpcRequest } from '../shared/wire.ts';
import { pairFromCli, tlsFor } from './pair-cli.ts';
import type { HearthDevice } from './sdk/hearth-device.ts';
import { HEATER_DESCRIPTION, startHeaterSimulator } from './simulators/heater.ts';
import { startThermometerSimulator, THERMOMETER_DESCRIPTION } from './simulators/thermometer.ts';
import { DEFAULT_THERMOMETER_PARAMS } from './simulators/thermometer-model.ts';

const KINDS = ['heater', 'thermometer'] as const;
type Kind = (typeof KINDS)[number];

const USAGE = `Run a simulated Hearth device.

Usage:
  npm run device -- <kind> --credentials <file.json> [options]
  npm run device -- <kind> --id <id> --password <password> [--url <mqtt-url>] [options]
  npm run device -- <kind> --pair [--url <mqtt-url>] [--save <file.json>] [options]

Kinds: ${KINDS.join(', ')}

Options:
  --credentials <file>   JSON from \`npm run hearth -- device add --json\` or POST /api/devices
  --url <url>            hub MQTT URL (default: the credentials' mqtt_url, else mqtt://localhost:1883)
  --id <id>              device id (overrides the file's)
  --password <pw>        device password (overrides the file's)
  --pair                 pair with the hub first (found by mDNS unless --url is given): prints the
                         code to compare in the dashboard and each step, then runs with the new credentials
  --save <file>          with --pair: save the credentials there (then use --credentials <file>)
  --discover-timeout <ms>  with --pair: how long to look for a hub by mDNS (default 10000)
  --interval <ms>        telemetry period (default 10000)
  --speed <x>            simulated seconds per real second (default 1)
  --room-temp <°C>       starting room temperature (heater, default 15) or daily mean (thermometer, default ${DEFAULT_THERMOMETER_PARAMS.meanC})
  --outside-temp <°C>    outside temperature (heater only, default 5)
  --timeout <ms>         how long to wait for the hub at start (default 10000)
  -h, --help             show this help
`;

const credentialsChecker = checker(CredentialsSchema);
const pairedChecker = checker(PairingCredentialsSchema);

/** Reads credentials from a file holding a CreatedDeviceDto, bare Credentials or saved pairing credentials. */
function readCredentials(file: string): Credentials & { tls_fingerprint?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the credentials file ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const inner =
    typeof value === 'object' && value !== null && 'credentials' in value ? value.credentials : value;
  if (pairedChecker.check(inner)) return inner;
  const parsed = credentialsChecker.parse(inner);
  if (!parsed.ok) throw new Error(`${file} does not hold device credentials: ${parsed.error}`);
  return parsed.value;
}

function number(name: string, raw: string | undefined, check: (n: number) => boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name}: "${raw}" is not a valid value`);
  return n;
}

/** Credentials given, or pairing first (with an optional URL instead of mDNS). */
type Connection =
  | { mode: 'credentials'; url: string; id: string; password: string; tlsFingerprint: string | undefined }
  | {
      mode: 'pair';
      url: string | undefined;
      save: string | undefined;
      discoverTimeoutMs: number | undefined;
    };

interface Plan {
  kind: Kind;
  connection: Connection;
  intervalMs: number | undefined;
  speed: number | undefined;
  roomC: number | undefined;
  outsideC: number | undefined;
  timeoutMs: number | undefined;
}

/** Turns argv into what to run; throws an Error with a message for people. */
function plan(argv: string[]): Plan | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      credentials: { type: 'string' },
      url: { type: 'string' },
      id: { type: 'string' },
      password: { type: 'string' },
      interval: { type: 'string' },
      speed: { type: 'string' },
      'room-temp': { type: 'string' },
      'outside-temp': { type: 'string' },
      timeout: { type: 'string' },
      pair: { type: 'boolean' },
      save: { type: 'string' },
      'discover-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const [kind, ...extra] = positionals;
  if (kind === undefined) throw new Error(`which device? one of: ${KINDS.join(', ')}`);
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new Error(`unknown device kind "${kind}" (known: ${KINDS.join(', ')})`);
  }
  if (extra.length > 0) throw new Error(`unexpected argument "${extra[0]}"`);
  if (kind === 'thermometer' && values['outside-temp'] !== undefined) {
    throw new Error('--outside-temp applies to heaters only');
  }
  const common = {
    kind: kind as Kind,
    intervalMs: number('interval', values.interval, (n) => n >= 10),
    speed: number('speed', values.speed, (n) => n > 0),
    roomC: number('room-temp', values['room-temp'], (n) => n > -50 && n < 60),
    outsideC: number('outside-temp', values['outside-temp'], (n) => n > -60 && n < 60),
    timeoutMs: number('timeout', values.timeout, (n) => n >= 100),
  };
  if (values.pair) {
    if (values.credentials !== undefined || values.id !== undefined || values.password !== undefined) {
      throw new Error(
        '--pair gets its credentials from the hub: leave out --credentials, --id and --password',
      );
    }
    const discoverTimeoutMs = number('discover-timeout', values['discover-timeout'], (n) => n >= 100);
    return { ...common, connection: { mode: 'pair', url: values.url, save: values.save, discoverTimeoutMs } };
  }
  if (values.save !== undefined) throw new Error('--save applies to --pair only');
  const creds = values.credentials === undefined ? undefined : readCredentials(values.credentials);
  const id = values.id ?? creds?.device_id;
  const password = values.password ?? creds?.password;
  if (id === undefined) throw new Error('missing --id (or --credentials <file>, or --pair)');
  if (!isDeviceId(id)) throw new Error(`"${id}" is not a valid device id`);
  if (password === undefined || password === '') {
    throw new Error('missing --password (or --credentials <file>, or --pair)');
  }
  const url = values.url ?? creds?.mqtt_url ?? 'mqtt://localhost:1883';
  return {
    ...common,
    connection: { mode: 'credentials', url, id, password, tlsFingerprint: creds?.tls_fingerprint },
  };
}

const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);

function describeReply(reply: RpcReply): string {
  return 'error' in reply
    ? `error ${reply.error.code}: ${reply.error.message}`
    : `ok ${JSON.stringify(reply.result)}`;
}

/** The credentials to run with: given, or fresh from pairing; TLS pinned to the hub's certificate when known. */
async function connect(p: Plan) {
  const c = p.connection;
  if (c.mode === 'credentials') {
    return { url: c.url, id: c.id, password: c.password, mqtt: await tlsFor(c.url, c.tlsFingerprint) };
  }
  const description = p.kind === 'heater' ? HEATER_DESCRIPTION : THERMOMETER_DESCRIPTION;
  const { creds, mqtt } = await pairFromCli({
    description,
    url: c.url,
    save: c.save,
    discoverTimeoutMs: c.discoverTimeoutMs,
    log,
  });
  return { url: c.url ?? creds.mqtt_url, id: creds.device_id, password: creds.password, mqtt };
}

async function run(p: Plan): Promise<void> {
  const conn = await connect(p);
  const common = {
    url: conn.url,
    id: conn.id,
    password: conn.password,
    sdk: { mqtt: conn.mqtt },
    intervalMs: p.intervalMs,
    speed: p.speed,
    connectTimeoutMs: p.timeoutMs,
    onError: (err: Error) => log(`error: ${err.message}`),
  };
  log(`connecting ${p.kind} "${conn.id}" to ${conn.url}`);
  const sim =
    p.kind === 'heater'
      ? await startHeaterSimulator({
          ...common,
          initial: {
            ...(p.roomC === undefined ? {} : { roomC: p.roomC }),
            ...(p.outsideC === undefined ? {} : { outsideC: p.outsideC }),
          },
        })
      : await startThermometerSimulator({
          ...common,
          params: { ...DEFAULT_THERMOMETER_PARAMS, meanC: p.roomC ?? DEFAULT_THERMOMETER_PARAMS.meanC },
        });
  const device: HearthDevice = sim.device;
  log(`connected; telemetry every ${p.intervalMs ?? 10_000} ms at ${p.speed ?? 1}× speed (Ctrl-C to stop)`);
  device.on('connect', () => log('reconnected'));
  device.on('disconnect', () => log('disconnected; reconnecting with backoff'));
  device.on('refused', (err) => log(`the hub refused the device: ${err.message}`));
  device.on('rpc', (request: RpcRequest, reply: RpcReply) =>
    log(`command ${request.method} ${JSON.stringify(request.params)} → ${describeReply(reply)}`),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: disconnecting`);
    sim.stop().then(
      () => {
        log('disconnected cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`error while disconnecting: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function main(argv: string[]): void {
  let p: Plan | 'help';
  try {
    p = plan(argv);
  } catch (err) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options.
    console.error(`error: ${(err as Error).message}\nRun with --help for usage.`);
    process.exit(1);
  }
  if (p === 'help') {
    console.log(USAGE);
    return;
  }
  run(p).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const hint = message.includes('refused')
      ? ' (check the id and password: the device may have been removed or its secret rotated)'
      : '';
    console.error(`error: ${message}${hint}`);
    process.exit(1);
  });
}

main(process.argv.slice(2));
