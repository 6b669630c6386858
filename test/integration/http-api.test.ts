/**
 * The HTTP API surface: the device lifecycle (credentials shown once, never
 * again), the OpenAPI document and docs page, and the health endpoint.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CreatedDeviceDto, type DeviceDto, HealthSchema } from '../../shared/api.ts';
import { checker } from '../../shared/validate.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { health } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

/** The routes of the core issue, as `METHOD /path` in OpenAPI form (later issues add more). */
const CORE_ROUTES = [
  'GET /api/health',
  'GET /api/devices',
  'POST /api/devices',
  'GET /api/devices/{id}',
  'PATCH /api/devices/{id}',
  'DELETE /api/devices/{id}',
  'GET /api/devices/{id}/history',
  'POST /api/devices/{id}/rpc',
  'GET /api/devices/{id}/commands',
];

/**
 * Every route fastify serves under /api (HEAD and the docs' own routes aside),
 * rebuilt from the tree `printRoutes()` draws: each line is a path segment
 * indented four columns per level, followed by its methods.
 */
function servedApiRoutes(t: TestHub): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of t.hub.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const path = stack.join('');
    if (!path.startsWith('/api/') || path.startsWith('/api/docs') || path === '/api/openapi.json') continue;
    for (const method of (m[3] ?? '').split(', ')) {
      if (method && method !== 'HEAD') routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

describe('http api', () => {
  let t: TestHub;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
  });
  afterEach(() => cleanup.run());

  it('create → read → rename → move → remove, with credentials shown only once', async () => {
    const created = await t.api('/api/devices', {
      method: 'POST',
      body: { name: ' Hall sensor ', room: 'Hall' },
    });
    expect(created.status).toBe(201);
    const { device, credentials } = (await created.json()) as CreatedDeviceDto;
    const id = device.id;
    expect(id).toMatch(/^[a-z0-9][a-z0-9_-]{2,63}$/);
    expect(device).toMatchObject({ name: 'Hall sensor', room: 'Hall', description: null, state: {} });
    expect(device.presence).toMatchObject({ status: 'unknown', reason: 'never_connected' });
    expect(credentials.device_id).toBe(id);
    expect(credentials.username).toBe(id);
    expect(credentials.password.length).toBeGreaterThanOrEqual(24);
    expect(credentials.mqtt_url).toBe(t.mqttUrl);
    expect(credentials.ws_url).toBe(t.wsUrl);

    // The credentials work, and they are never shown again.
    const dev = cleanup.add(sdkDevice(t, credentials, thermometer), (d) => d.stop());
    await dev.start();
    await dev.stop();
    for (const path of ['/api/devices', `/api/devices/${id}`]) {
      const text = await (await t.api(path)).text();
      expect(text).not.toContain(credentials.password);
      expect(text).not.toMatch(/password|secret|scrypt/i);
    }

    const renamed = await t.api(`/api/devices/${id}`, {
      method: 'PATCH',
      body: { name: 'Hall thermometer' },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id, name: 'Hall thermometer', room: 'Hall' });
    const moved = await t.api(`/api/devices/${id}`, { method: 'PATCH', body: { room: 'Landing' } });
    expect(await moved.json()).toMatchObject({ name: 'Hall thermometer', room: 'Landing' });
    const unroomed = await t.api(`/api/devices/${id}`, { method: 'PATCH', body: { room: null } });
    expect(((await unroomed.json()) as DeviceDto).room).toBeNull();
    const read = (await (await t.api(`/api/devices/${id}`)).json()) as DeviceDto;
    expect(read).toMatchObject({ name: 'Hall thermometer', room: null, description: thermometer });

    const removed = await t.api(`/api/devices/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe('');
    expect((await t.api(`/api/devices/${id}`)).status).toBe(404);
    expect((await t.api(`/api/devices/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await t.api(`/api/devices/${id}/commands`)).status).toBe(404);
    expect(await (await t.api('/api/devices')).json()).toEqual([]);
  });

  it('lists devices by room, then name; a chosen id is kept and cannot be taken twice', async () => {
    await t.addDevice('Zeta', { id: 'dev-zeta', room: 'Attic' });
    await t.addDevice('Alpha', { id: 'dev-alpha', room: 'Kitchen' });
    await t.addDevice('Beta', { id: 'dev-beta', room: 'Attic' });
    await t.addDevice('Nowhere', { id: 'dev-none' });
    const list = (await (await t.api('/api/devices')).json()) as DeviceDto[];
    expect(list.map((d) => d.id)).toEqual(['dev-beta', 'dev-zeta', 'dev-alpha', 'dev-none']);
    const again = await t.api('/api/devices', { method: 'POST', body: { name: 'Copy', id: 'dev-zeta' } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'conflict' });
  });

  it('a new secret is minted per device: one device cannot log in with another one', async () => {
    const a = await t.addDevice('A', { id: 'dev-a' });
    const b = await t.addDevice('B', { id: 'dev-b' });
    expect(a.credentials.password).not.toBe(b.credentials.password);
    const impostor = sdkDevice(t, { ...b.credentials, password: a.credentials.password }, thermometer);
    await expect(impostor.start(5000)).rejects.toThrow(/refused/);
    await impostor.stop();
  });

  it('GET /api/openapi.json documents every route with its responses', async () => {
    const res = await t.api('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Hearth API');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = servedApiRoutes(t);
    expect(served).toEqual(expect.arrayContaining(CORE_ROUTES));
    expect(documented.sort()).toEqual(served.sort());
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(doc.paths['/api/devices/{id}/rpc']?.post?.responses ?? {}).sort()).toEqual(
      ['200', '400', '404', '409', '502', '504'].sort(),
    );
  });

  it('GET /api/docs serves the HTML documentation page', async () => {
    const res = await t.api('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
  });

  it('GET /api/health has the documented shape and reflects connected devices', async () => {
    const first = await health(t);
    const valid = checker(HealthSchema);
    expect(valid.errors(first)).toEqual([]);
    expect(first).toMatchObject({ status: 'ok', mqtt: { clients: 0, devices_online: 0 } });
    expect(first.db.size_bytes).toBeGreaterThan(0);
    expect(Math.abs(first.now - Date.now())).toBeLessThan(60_000);

    const { credentials } = await t.addDevice('Health probe', { id: 'dev-health' });
    const dev = cleanup.add(sdkDevice(t, credentials, thermometer), (d) => d.stop());
    await dev.start();
    dev.telemetry({ temperature: 20 });
    await waitFor(() => dev.stats.telemetrySent === 1, { what: 'a reading' });
    const busy = await health(t);
    expect(valid.errors(busy)).toEqual([]);
    expect(busy.mqtt).toMatchObject({ clients: 1, devices_online: 1 });
    expect(busy.counters.mqtt_telemetry_accepted).toBe(1);
    expect(busy.counters.readings_received).toBe(1);
  });
});
