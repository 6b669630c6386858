/**
 * A real hub for tests: the whole app on port 0 (HTTP and MQTT), a SQLite file
 * in a fresh temp dir, cleaned up on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../server/config.ts';
import { type RunningHub, startHub } from '../../server/hub.ts';
import type { CreatedDeviceDto } from '../../shared/api.ts';

/** The owner password of every test hub (tests of the setup flow start without one). */
export const TEST_OWNER_PASSWORD = 'correct horse battery staple';

export interface TestHub {
  hub: RunningHub;
  /** The owner's session cookie header value (`hearth_session=…`), or '' without an owner. */
  cookie: string;
  config: Config;
  dataDir: string;
  baseUrl: string;
  mqttUrl: string;
  wsUrl: string;
  /** fetch against the hub's HTTP API as the owner (`auth: false`: no credentials); JSON bodies are encoded. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string>; auth?: boolean },
  ): Promise<Response>;
  /** POST /api/devices and return the created device with its credentials. */
  addDevice(name: string, extra?: { id?: string; room?: string }): Promise<CreatedDeviceDto>;
  /** Stops the hub; keeps the data dir when `keepData` (restart tests). */
  close(keepData?: boolean): Promise<void>;
}

export interface TestHubOptions {
  /** `ownerPassword: undefined` starts a hub that still needs setup. */
  overrides?: Partial<Config>;
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
}

export function tempDir(prefix = 'hearth-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? tempDir();
  const config = loadConfig({
    env: {},
    cwd: dataDir,
    hostname: '127.0.0.1',
    overrides: {
      host: '127.0.0.1',
      httpPort: 0,
      mqttPort: 0,
      dataDir,
      logLevel: 'silent',
      ownerPassword: TEST_OWNER_PASSWORD,
      // Many test hubs run at once: only the mDNS test advertises (in its own network namespace).
      mdns: false,
      ...options.overrides,
    },
  });
  const hub = await startHub(config);
  const baseUrl = `${config.tls === 'off' ? 'http' : 'https'}://127.0.0.1:${hub.httpPort}`;
  let cookie = '';
  const api: TestHub['api'] = (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.auth !== false && cookie && !headers.authorization) headers.cookie ??= cookie;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    }
    return fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body });
  };
  // With TLS the hub speaks HTTPS with its own certificate, which fetch does not
  // trust: TLS tests log in themselves (see test/integration/tls.test.ts).
  if (config.ownerPassword && config.tls === 'off') {
    const res = await api('/api/auth/login', { method: 'POST', body: { password: config.ownerPassword } });
    const set = res.headers.get('set-cookie');
    if (res.status !== 204 || !set) throw new Error(`test hub login failed: ${res.status}`);
    cookie = set.split(';')[0] ?? '';
  }
  return {
    hub,
    cookie,
    config,
    dataDir,
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${hub.mqttPort}`,
    wsUrl: `ws://127.0.0.1:${hub.httpPort}/mqtt`,
    api,
    async addDevice(name, extra = {}) {
      const res = await api('/api/devices', { method: 'POST', body: { name, ...extra } });
      if (res.status !== 201) throw new Error(`addDevice: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreatedDeviceDto;
    },
    async close(keepData = false) {
      await hub.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
