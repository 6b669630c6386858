/**
 * The hub under test, in its own process: `node --import tsx server/main.ts`
 * configured only through HEARTH_* variables (temp data dir, free ports,
 * 127.0.0.1), exactly as an operator would run it. Devices are provisioned
 * through the real API.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CreatedDeviceSchema } from '../../../shared/api.ts';
import { checker } from '../../../shared/validate.ts';
import { Http } from './http.ts';
import { epochNow, type LoadClient } from './ipc.ts';
import { type Child, cleanEnv, freePort, type Procs, projectRoot, waitUntil } from './procs.ts';

const createdChecker = checker(CreatedDeviceSchema);
const START_TIMEOUT_MS = 90_000;
/** The API is private: every bench hub gets an owner password, and the driver logs in. */
const OWNER_PASSWORD = randomBytes(18).toString('base64url');

export interface HubOptions {
  name: string;
  /** Reuse a data dir (restart, a pre-generated database); a fresh temp dir otherwise. */
  dataDir?: string;
  /** More HEARTH_* settings, e.g. `{ HEARTH_LOG_LEVEL: 'info' }`. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the hub here when it exits. */
  profileDir?: string | null;
  /** More `node` flags. */
  nodeArgs?: string[];
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection. */
function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class HubProcess {
  child: Child;
  readonly http: Http;
  /** Spawn → HTTP and MQTT both accepting, of the latest start. */
  startupMs = 0;
  /** Epoch time the latest start was seen accepting (before the driver logs in). */
  readyAt = 0;

  private constructor(
    private readonly procs: Procs,
    private readonly options: HubOptions,
    readonly dataDir: string,
    readonly httpPort: number,
    readonly mqttPort: number,
    child: Child,
  ) {
    this.child = child;
    this.http = new Http(`http://127.0.0.1:${httpPort}`);
  }

  static async start(procs: Procs, options: HubOptions): Promise<HubProcess> {
    const dataDir = options.dataDir ?? procs.tempDir(options.name);
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const hub = new HubProcess(
      procs,
      options,
      dataDir,
      httpPort,
      mqttPort,
      HubProcess.spawn(procs, options, dataDir, httpPort, mqttPort),
    );
    await hub.waitReady(performance.now());
    return hub;
  }

  private static spawn(
    procs: Procs,
    o: HubOptions,
    dataDir: string,
    httpPort: number,
    mqttPort: number,
  ): Child {
    // V8's default file names: one profile per thread (main, and tsx's loader worker), so a
    // fixed --cpu-prof-name would let the loader's profile overwrite the main thread's.
    const profile = o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(o.profileDir, o.name)] : [];
    const nodeArgs = [...profile, ...(o.nodeArgs ?? [])];
    return procs.spawnTs(join(projectRoot, 'server', 'main.ts'), {
      name: `hub:${o.name}`,
      logFile: o.profileDir ? join(o.profileDir, o.name, 'hub.log') : undefined,
      nodeArgs,
      // Its own cwd, so no hearth.config.json of the checkout is picked up.
      cwd: dataDir,
      env: cleanEnv({
        HEARTH_HOST: '127.0.0.1',
        HEARTH_PUBLIC_HOST: '127.0.0.1',
        HEARTH_HTTP_PORT: String(httpPort),
        HEARTH_MQTT_PORT: String(mqttPort),
        HEARTH_DATA_DIR: dataDir,
        HEARTH_LOG_LEVEL: 'warn',
        HEARTH_OWNER_PASSWORD: OWNER_PASSWORD,
        ...o.env,
      }),
    });
  }

  private async waitReady(spawnedAt: number): Promise<void> {
    const child = this.child;
    const exited = child.exited.then((how) => {
      throw new Error(`${child.name} exited (${how}) during start-up:\n${child.tail()}`);
    });
    const ready = waitUntil(
      `${child.name} to listen`,
      async () => {
        const res = await this.http.call('GET', '/api/health', undefined, 2000).catch(() => null);
        if (res?.status !== 200) return undefined;
        // The MQTT listener opens just after the HTTP one (server/hub.ts).
        return (await tcpOpen(this.mqttPort)) ? true : undefined;
      },
      START_TIMEOUT_MS,
      20,
    );
    await Promise.race([ready, exited]);
    this.startupMs = performance.now() - spawnedAt;
    this.readyAt = epochNow();
    await this.login();
  }

  /** Logs in as the owner; the session cookie goes with every later request (and the live feed). */
  private async login(): Promise<void> {
    const res = await this.http.ok('POST', '/api/auth/login', { password: OWNER_PASSWORD }, 204);
    const session = res.cookies.find((c) => c.length > 0);
    if (!session) throw new Error('login: no session cookie in the answer');
    this.http.headers.cookie = session;
  }

  get pid(): number {
    return this.child.pid;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  /** SIGTERM (a graceful shutdown), wait for the exit, start again on the same ports and data. */
  async restart(): Promise<{ shutdownMs: number; startupMs: number; exit: number | string }> {
    const t0 = performance.now();
    const exit = await this.procs.stop(this.child, 'SIGTERM', 30_000);
    const shutdownMs = performance.now() - t0;
    const spawnedAt = performance.now();
    this.child = HubProcess.spawn(this.procs, this.options, this.dataDir, this.httpPort, this.mqttPort);
    await this.waitReady(spawnedAt);
    return { shutdownMs, startupMs: this.startupMs, exit };
  }

  async stop(): Promise<void> {
    this.http.close();
    await this.procs.stop(this.child, 'SIGTERM', 30_000);
  }

  async health(): Promise<unknown> {
    return (await this.http.ok('GET', '/api/health')).body;
  }

  /**
   * Adds `count` devices through `POST /api/devices` (`concurrency` requests in
   * flight) and returns their credentials.
   */
  async provision(
    prefix: string,
    count: number,
    concurrency = 8,
  ): Promise<{ clients: LoadClient[]; ms: number }> {
    const t0 = performance.now();
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
    const clients = await mapLimit(ids, concurrency, async (id) => {
      const res = await this.http.ok('POST', '/api/devices', { name: id, id }, 201);
      if (!createdChecker.check(res.body)) throw new Error(`POST /api/devices: unexpected answer for ${id}`);
      return { id, password: res.body.credentials.password };
    });
    return { clients, ms: performance.now() - t0 };
  }
}
