/**
 * `npm run hearth -- …`: the admin CLI. It works directly on the SQLite
 * database of the configured data dir through the same domain services as
 * the hub, so it may run while the hub does (WAL; the hub reads devices it
 * does not know from the database when they connect). Like main.ts it is a
 * process entry and may read process.env.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CreateDeviceBody,
  CreateDeviceBodySchema,
  type Credentials,
  type DeviceDto,
} from '../shared/api.ts';
import { checker } from '../shared/validate.ts';
import { runStorageCommand, STORAGE_USAGE } from './backup-cli.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createCommandRepo } from './db/command-repo.ts';
import { DatabaseTooNewError, type Db, databasePath, openDatabase } from './db/database.ts';
import { createDeviceRepo } from './db/device-repo.ts';
import { createDeviceService, type DeviceService } from './domain/device-service.ts';
import { HearthError } from './domain/errors.ts';
import { EventBus } from './domain/event-bus.ts';
import { silentLogger } from './domain/logger.ts';
import { endpointsFor } from './endpoints.ts';
import { runProbeCli } from './probe/probe-cli.ts';

const USAGE = `Hearth admin CLI: manages devices in the hub's database.

Usage:
  npm run hearth -- device add "<name>" [--room <room>] [--id <id>] [--json] [--out <creds.json>]
  npm run hearth -- device list [--json]
  npm run hearth -- device remove <id>
  npm run hearth -- device rotate <id> [--json] [--out <creds.json>]
${STORAGE_USAGE}
  npm run hearth -- probe <mqtt://host:port> [--qos 0,1,2] [--count n] [--json] …  (probe --help)
  npm run hearth -- help

The database is <dataDir>/hearth.sqlite; the data dir and the host name put
into credentials come from hearth.config.json and HEARTH_* variables
(HEARTH_DATA_DIR, HEARTH_PUBLIC_HOST, HEARTH_MQTT_PORT, …).
`;

/** Bad input from the person at the keyboard: printed, exit code 1. */
class CliError extends Error {}

interface Context {
  config: Config;
  db: Db;
  devices: DeviceService;
  out: (line?: string) => void;
  err: (line?: string) => void;
}

const bodyChecker = checker(CreateDeviceBodySchema);

/** Quotes a word for a POSIX shell when it needs it. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Prints credentials for people (or JSON), plus the line that runs a simulator with them. */
function showCredentials(ctx: Context, creds: Credentials, file: string | undefined): void {
  const { out } = ctx;
  out(`  device id / username: ${creds.device_id}`);
  out(`  password:             ${creds.password}`);
  out(`  MQTT URL:             ${creds.mqtt_url}`);
  out(`  MQTT over WebSocket:  ${creds.ws_url}`);
  out();
  out('Run a simulated device with them (heater or thermometer):');
  if (file) out(`  npm run device -- heater --credentials ${shellQuote(file)}`);
  out(
    `  npm run device -- heater --url ${shellQuote(creds.mqtt_url)} --id ${shellQuote(creds.device_id)} --password ${shellQuote(creds.password)}`,
  );
  out();
}

function warnShownOnce(ctx: Context, json: boolean): void {
  // With --json, stdout holds only the JSON document; the warning goes to stderr.
  (json ? ctx.err : ctx.out)(
    'The password is shown only this once: the hub stores only a hash. Lost it? `npm run hearth -- device rotate <id>`.',
  );
}

function writeCredentials(file: string, creds: Credentials): string {
  const path = resolve(file);
  try {
    // Owner-only: the file holds a secret.
    writeFileSync(path, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
  return path;
}

const flags = {
  json: { type: 'boolean' },
  out: { type: 'string' },
  room: { type: 'string' },
  id: { type: 'string' },
} as const;

type Flags = { json?: boolean; out?: string; room?: string; id?: string };

/** One positional argument, exactly. */
function single(args: string[], what: string): string {
  const [value, extra] = args;
  if (value === undefined) throw new CliError(`missing ${what}`);
  if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"`);
  return value;
}

async function add(ctx: Context, args: string[], f: Flags): Promise<void> {
  const body: CreateDeviceBody = { name: single(args, 'the device name') };
  if (f.room !== undefined) body.room = f.room;
  if (f.id !== undefined) body.id = f.id;
  const valid = bodyChecker.parse(body);
  if (!valid.ok) throw new CliError(`invalid device: ${valid.error}`);
  const created = await ctx.devices.create(valid.value);
  const file = f.out === undefined ? undefined : writeCredentials(f.out, created.credentials);
  if (f.json) ctx.out(JSON.stringify(created, null, 2));
  else {
    const room = created.device.room === null ? '' : ` in ${created.device.room}`;
    ctx.out(`Added device "${created.device.name}"${room} (id ${created.device.id}).`);
    if (file) ctx.out(`Credentials written to ${file}.`);
    ctx.out();
    showCredentials(ctx, created.credentials, file);
  }
  warnShownOnce(ctx, f.json ?? false);
}

async function rotate(ctx: Context, args: string[], f: Flags): Promise<void> {
  const id = single(args, 'the device id');
  const creds = await ctx.devices.rotateSecret(id);
  const file = f.out === undefined ? undefined : writeCredentials(f.out, creds);
  if (f.json) ctx.out(JSON.stringify(creds, null, 2));
  else {
    ctx.out(`New secret for device ${id}.`);
    ctx.out(
      'The old one stops working at the device’s next connection (a connected device stays connected).',
    );
    if (file) ctx.out(`Credentials written to ${file}.`);
    ctx.out();
    showCredentials(ctx, creds, file);
  }
  warnShownOnce(ctx, f.json ?? false);
}

function remove(ctx: Context, args: string[]): void {
  const id = single(args, 'the device id');
  const { name } = ctx.devices.get(id);
  const commands = createCommandRepo(ctx.db);
  // One transaction: never a command log without its device, or the reverse.
  // The readings of its series are deleted by the hub in the background.
  ctx.db.transaction(() => {
    ctx.devices.remove(id);
    commands.removeDevice(id);
  })();
  ctx.out(`Removed device "${name}" (id ${id}).`);
  ctx.out(
    'If the hub is running, this takes effect at the device’s next connection: the hub refuses it then. ' +
      'A device connected now stays connected, and the dashboard lists it, until it disconnects or the hub restarts.',
  );
}

function presenceText(d: DeviceDto): string {
  const since = d.presence.since === null ? '' : ` since ${new Date(d.presence.since).toISOString()}`;
  return `${d.presence.status} (${d.presence.reason})${since}`;
}

function list(ctx: Context, args: string[], f: Flags): void {
  if (args.length > 0) throw new CliError(`unexpected argument "${args[0]}"`);
  const all = ctx.devices.list();
  if (f.json) return ctx.out(JSON.stringify(all, null, 2));
  if (all.length === 0) return ctx.out(`No devices in ${databasePath(ctx.config.dataDir)}.`);
  const rows = all.map((d) => [d.id, d.name, d.room ?? '-', d.description?.model ?? '-', presenceText(d)]);
  const header = ['ID', 'NAME', 'ROOM', 'MODEL', 'PRESENCE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [header, ...rows]) {
    ctx.out(
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
}

/** Which flags each command accepts; anything else is an error, not silently ignored. */
const COMMANDS: Record<string, { flags: readonly (keyof typeof flags)[] }> = {
  add: { flags: ['room', 'id', 'json', 'out'] },
  list: { flags: ['json'] },
  remove: { flags: [] },
  rotate: { flags: ['json', 'out'] },
};

/** Runs one CLI invocation; returns the exit code. Output goes through `out`/`err`. */
async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  out: (line?: string) => void,
  err: (line?: string) => void,
): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    out(USAGE);
    return group === undefined ? 1 : 0;
  }
  if (group === 'backup' || group === 'restore') {
    return runStorageCommand(group, argv.slice(1), { env, cwd, out, err });
  }
  // The probe needs no database or config: it measures any MQTT broker.
  if (group === 'probe') return runProbeCli(argv.slice(1), out, err);
  let db: Db | null = null;
  try {
    if (group !== 'device') throw new CliError(`unknown command "${group}"`);
    const command = verb === undefined ? undefined : COMMANDS[verb];
    if (verb === undefined || command === undefined) {
      throw new CliError(`device: expected one of ${Object.keys(COMMANDS).join(', ')}`);
    }
    const { values: f, positionals } = parseArgs({ args: rest, options: flags, allowPositionals: true });
    for (const key of Object.keys(f)) {
      if (!(command.flags as readonly string[]).includes(key))
        throw new CliError(`--${key} does not apply to device ${verb}`);
    }

    const config = loadConfig({ env, cwd, hostname: `${hostname()}.local` });
    db = openDatabase(databasePath(config.dataDir), { synchronous: config.dbSynchronous });
    const devices = createDeviceService({
      repo: createDeviceRepo(db),
      bus: new EventBus(silentLogger),
      clock: Date.now,
      // Not listening: the configured ports (and TLS setting) are what devices will use.
      endpoints: () => endpointsFor(config, { http: null, mqtt: null, mqttTls: null }),
    });
    devices.start();
    const ctx: Context = { config, db, devices, out, err };
    if (verb === 'add') await add(ctx, positionals, f);
    else if (verb === 'rotate') await rotate(ctx, positionals, f);
    else if (verb === 'remove') remove(ctx, positionals);
    else list(ctx, positionals, f);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof HearthError || e instanceof CliError) {
      err(`error: ${e.message}`);
      if (e instanceof CliError) err('Run `npm run hearth -- help` for usage.');
      return 1;
    }
    // parseArgs (ERR_PARSE_ARGS_*), SQLite (SQLITE_*) and the file system (EACCES…)
    // say what went wrong in their message; a stack would only hide it.
    if (
      e instanceof DatabaseTooNewError ||
      (e instanceof Error && typeof (e as { code?: unknown }).code === 'string')
    ) {
      err(`error: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    db?.close();
  }
}

runCli(
  process.argv.slice(2),
  process.env,
  process.cwd(),
  (line = '') => console.log(line),
  (line = '') => console.error(line),
).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  },
);
