/**
 * The admin CLI and the device CLI as real child processes, against a real
 * hub on the same data dir. Each invocation pays tsx + typebox start-up (a
 * few seconds on a busy machine), so the tests batch them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HearthDevice } from '../../devices/sdk/hearth-device.ts';
import { databasePath, openDatabase } from '../../server/db/database.ts';
import type { CreatedDeviceDto, Credentials, DeviceDto } from '../../shared/api.ts';
import type { Description } from '../../shared/wire.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import { waitFor } from '../helpers/wait.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT = { timeout: 180_000 };

const description: Description = {
  model: 'cli-test-device',
  firmware: '1.0.0',
  metrics: [],
  controls: [],
  methods: [],
};

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<Exit>;
}

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** The environment of a child: ours without HEARTH_* settings, plus `extra`. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  return { ...base, ...extra };
}

function start(script: string, args: string[], extraEnv: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: env(extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (b: Buffer) => {
    output.stdout += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output.stderr += b.toString();
  });
  const exited = new Promise<Exit>((done) => {
    child.once('close', (code, signal) => done({ code, signal, ...output }));
  });
  // A hung child must not hang the suite.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(guard));
  return { child, output, exited };
}

/** Runs `npm run hearth -- …` on `dataDir` and waits for it to exit. */
function hearth(dataDir: string, ...args: string[]): Promise<Exit> {
  return start('server/cli.ts', args, { HEARTH_DATA_DIR: dataDir, HEARTH_PUBLIC_HOST: '127.0.0.1' }).exited;
}

function freshDir(): string {
  const dir = tempDir('hearth-cli-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function hubOn(dataDir: string): Promise<TestHub> {
  const t = await startTestHub({ dataDir });
  cleanups.push(() => t.close());
  return t;
}

async function connect(t: TestHub, id: string, password: string): Promise<HearthDevice> {
  const device = new HearthDevice({ url: t.mqttUrl, id, password, description });
  device.on('error', () => {});
  try {
    await device.start(5000);
  } catch (err) {
    await device.kill();
    throw err;
  }
  cleanups.push(() => device.stop());
  return device;
}

describe('admin CLI (npm run hearth)', () => {
  it('adds, lists, rotates and removes devices, next to a running hub', TIMEOUT, async () => {
    const dir = freshDir();
    const added = await hearth(
      dir,
      'device',
      'add',
      'Hall heater',
      '--room',
      'Hall',
      '--id',
      'cli-heater',
      '--json',
    );
    expect(added.code).toBe(0);
    const created = JSON.parse(added.stdout) as CreatedDeviceDto;
    expect(created.device).toMatchObject({ id: 'cli-heater', name: 'Hall heater', room: 'Hall' });
    expect(created.credentials).toMatchObject({ device_id: 'cli-heater', mqtt_url: 'mqtt://127.0.0.1:1883' });
    expect(added.stderr).toContain('shown only this once');

    const t = await hubOn(dir);
    const first = await connect(t, 'cli-heater', created.credentials.password);

    const [listed, rotated] = await Promise.all([
      hearth(dir, 'device', 'list', '--json'),
      hearth(dir, 'device', 'rotate', 'cli-heater', '--json'),
    ]);
    expect(listed.code).toBe(0);
    const devices = JSON.parse(listed.stdout) as DeviceDto[];
    expect(devices.map((d) => d.id)).toEqual(['cli-heater']);
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.stdout) as Credentials;
    expect(fresh.password).not.toBe(created.credentials.password);

    // The hub checks the stored hash at each connect: the old secret is refused.
    await first.stop();
    await expect(connect(t, 'cli-heater', created.credentials.password)).rejects.toThrow(/refused/);
    const second = await connect(t, 'cli-heater', fresh.password);

    const removed = await hearth(dir, 'device', 'remove', 'cli-heater');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('next connection');
    await second.stop();
    await expect(connect(t, 'cli-heater', fresh.password)).rejects.toThrow(/refused/);
    const after = await hearth(dir, 'device', 'list', '--json');
    expect(JSON.parse(after.stdout)).toEqual([]);
  });

  it('prints human credentials with a ready-to-paste device command, and writes --out', TIMEOUT, async () => {
    const dir = freshDir();
    const file = join(dir, 'creds.json');
    const added = await hearth(dir, 'device', 'add', 'Bedroom heater', '--id', 'bed-heater', '--out', file);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('npm run device -- heater --credentials');
    expect(added.stdout).toMatch(
      /npm run device -- heater --url mqtt:\/\/127\.0\.0\.1:1883 --id bed-heater --password \S+/,
    );
    expect(added.stdout).toContain('shown only this once');
  });

  it('exits 1 with a message on bad arguments', TIMEOUT, async () => {
    const dir = freshDir();
    // Migrated up front: concurrent first opens of one fresh database race in migrate().
    openDatabase(databasePath(dir)).close();
    const cases = [
      { args: ['device', 'add'], message: 'missing the device name' },
      { args: ['device', 'add', 'X', '--id', 'NOT VALID'], message: 'id' },
      { args: ['device', 'remove', 'nope'], message: 'not found' },
      { args: ['device', 'list', '--room', 'x'], message: 'does not apply' },
      { args: ['device', 'frobnicate'], message: 'expected one of' },
      { args: ['device', 'add', 'X', '--bogus'], message: "Unknown option '--bogus'" },
    ];
    const results = await Promise.all(cases.map((c) => hearth(dir, ...c.args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]?.args.join(' ')).toBe(1);
      expect(r.stderr).toContain(cases[i]?.message);
    });
  });
});

describe('device CLI (npm run device)', () => {
  it('runs a heater from a credentials file; SIGTERM disconnects cleanly', TIMEOUT, async () => {
    const dir = freshDir();
    const t = await hubOn(dir);
    const created = await t.addDevice('Office heater', { id: 'cli-sim-heater' });
    const file = join(dir, 'created.json');
    // The whole POST /api/devices answer: the CLI takes its `credentials`.
    writeFileSync(file, JSON.stringify(created));

    const run = start('devices/cli.ts', ['heater', '--credentials', file, '--interval', '200']);
    await waitFor(() => run.output.stdout.includes('connected;'), { timeoutMs: 45_000, what: 'connected' });
    const online = await waitFor(
      async () => {
        const d = (await (await t.api('/api/devices/cli-sim-heater')).json()) as DeviceDto;
        return d.presence.status === 'online' && d.latest.temperature !== undefined && d;
      },
      { what: 'the heater online with a reading' },
    );
    expect(online.description?.model).toBe('hearth-sim-heater');

    const res = await t.api('/api/devices/cli-sim-heater/rpc', {
      method: 'POST',
      body: { method: 'heater.set', params: { on: true } },
    });
    expect(res.status).toBe(200);
    await waitFor(() => run.output.stdout.includes('command heater.set'), { what: 'the command logged' });

    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    const d = (await (await t.api('/api/devices/cli-sim-heater')).json()) as DeviceDto;
    expect(d.presence).toMatchObject({ status: 'offline', reason: 'clean_disconnect' });
  });

  it('exits 1 saying why: missing password, unreadable file, refused credentials', TIMEOUT, async () => {
    const dir = freshDir();
    const t = await hubOn(dir);
    const wrong: Credentials = {
      device_id: 'nobody-here',
      username: 'nobody-here',
      password: 'wrong-password',
      mqtt_url: t.mqttUrl,
      ws_url: t.wsUrl,
    };
    const wrongFile = join(dir, 'wrong.json');
    writeFileSync(wrongFile, JSON.stringify(wrong));
    const cases = [
      { args: ['heater', '--id', 'x-heater'], message: 'missing --password' },
      { args: ['heater', '--credentials', join(dir, 'missing.json')], message: 'cannot read' },
      { args: ['toaster', '--id', 'x', '--password', 'y'], message: 'unknown device kind' },
      { args: ['thermometer', '--credentials', wrongFile], message: 'refused' },
    ];
    const results = await Promise.all(cases.map((c) => start('devices/cli.ts', c.args).exited));
    results.forEach((r, i) => {
      expect(r.code, cases[i]?.args.join(' ')).toBe(1);
      expect(r.stderr).toContain(cases[i]?.message);
    });
  });
});
