import mqtt from 'mqtt';
import { io as ioClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthStatusDto, CreatedIntegrationDto, CreatedTokenDto, TokenDto } from '../../shared/auth.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

/** Routes anyone may call (docs/security.md): everything else answers 401 without credentials. */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/auth/status',
  'POST /api/auth/setup',
  'POST /api/auth/login',
  'POST /api/auth/logout',
]);

describe('accounts and access', () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('asks for an owner password first, once, and then needs a login', async () => {
    t = await startTestHub({ overrides: { ownerPassword: undefined } });
    const before = (await (await t.api('/api/auth/status')).json()) as AuthStatusDto;
    expect(before).toMatchObject({ setup_required: true, setup_code_required: false, authenticated: false });
    const blocked = await t.api('/api/devices');
    expect(blocked.status).toBe(401);
    expect(await blocked.json()).toMatchObject({ error: 'setup_required' });

    expect((await t.api('/api/auth/setup', { method: 'POST', body: { password: 'short' } })).status).toBe(
      400,
    );
    const setup = await t.api('/api/auth/setup', {
      method: 'POST',
      body: { password: 'a long enough password' },
    });
    expect(setup.status).toBe(204);
    const cookie = setup.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hearth_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = cookie.split(';')[0] ?? '';
    expect((await t.api('/api/devices', { headers: { cookie: session } })).status).toBe(200);

    const again = await t.api('/api/auth/setup', {
      method: 'POST',
      body: { password: 'another long password' },
    });
    expect(again.status).toBe(409);
    expect((await t.api('/api/devices')).status).toBe(401);

    expect(
      (await t.api('/api/auth/login', { method: 'POST', body: { password: 'wrong password!' } })).status,
    ).toBe(401);
    const login = await t.api('/api/auth/login', {
      method: 'POST',
      body: { password: 'a long enough password' },
    });
    expect(login.status).toBe(204);
    const logout = await t.api('/api/auth/logout', { method: 'POST', headers: { cookie: session } });
    expect(logout.status).toBe(204);
    expect((await t.api('/api/devices', { headers: { cookie: session } })).status).toBe(401);
  });

  it('rate-limits password guessing', async () => {
    t = await startTestHub();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.api('/api/auth/login', {
        method: 'POST',
        body: { password: `guess number ${i}` },
        auth: false,
      });
      statuses.push(res.status);
    }
    // The harness's own login counts too: 10 password attempts a minute per address.
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(5);
    expect(firstLimited).toBeLessThanOrEqual(10);
    expect(statuses.slice(0, firstLimited).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
  });

  it('answers 401 on every non-public route of the OpenAPI document without credentials', async () => {
    t = await startTestHub();
    const doc = (await (await t.api('/api/openapi.json', { auth: false })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, path } of routes) {
      const concrete = path.replace(/\{[^}]+\}/g, 'some-id');
      const res = await t.api(concrete, { method, auth: false, body: method === 'GET' ? undefined : {} });
      const key = `${method} ${path}`;
      if (PUBLIC.has(key)) expect(res.status, key).not.toBe(401);
      else expect(res.status, key).toBe(401);
    }
  });

  it('issues API tokens for scripts, shows them once, and revokes them', async () => {
    t = await startTestHub();
    const res = await t.api('/api/tokens', { method: 'POST', body: { name: 'backup script' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreatedTokenDto;
    expect(created.secret).toMatch(/^hth_/);
    const bearer = { authorization: `Bearer ${created.secret}` };
    expect((await t.api('/api/devices', { headers: bearer, auth: false })).status).toBe(200);
    const list = (await (await t.api('/api/tokens')).json()) as TokenDto[];
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(created.secret.slice(-20));
    expect(list[0]?.last_used).not.toBeNull();
    const wrong = { authorization: `${bearer.authorization.slice(0, -2)}xx` };
    expect((await t.api('/api/devices', { headers: wrong, auth: false })).status).toBe(401);
    expect((await t.api(`/api/tokens/${created.token.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api('/api/devices', { headers: bearer, auth: false })).status).toBe(401);
  });

  it('sets security headers on every response', async () => {
    t = await startTestHub();
    for (const path of ['/', '/api/health', '/api/devices']) {
      const res = await t.api(path, { auth: false });
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    }
  });

  it('keeps the live feed private', async () => {
    t = await startTestHub();
    const anon = ioClient(t.baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false });
    const refused = await new Promise<string>((resolve) =>
      anon.on('connect_error', (e) => resolve(e.message)),
    );
    expect(refused).toBe('unauthorized');
    anon.close();
    const owner = ioClient(t.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: t.cookie },
    });
    const snapshot = await new Promise<unknown>((resolve) => owner.on('snapshot', resolve));
    expect(snapshot).toMatchObject({ devices: [] });
    owner.close();
  });

  it('gives integration accounts exactly their topic patterns', async () => {
    t = await startTestHub();
    const hub = t;
    const dev = await hub.addDevice('Heater', { id: 'heater-x' });
    const create = async (username: string, patterns: string[], access: string) => {
      const res = await hub.api('/api/integrations', {
        method: 'POST',
        body: { username, patterns, access },
      });
      expect(res.status).toBe(201);
      return (await res.json()) as CreatedIntegrationDto;
    };
    const reader = await create('nodered', ['hearth/+/telemetry'], 'read');
    const writer = await create('scripts', ['hearth/+/rpc', 'home/#'], 'readwrite');
    const connect = (username: string, password: string) =>
      mqtt.connectAsync(hub.mqttUrl, {
        username,
        password,
        clientId: `${username}-${Math.random()}`,
        reconnectPeriod: 0,
      });

    const r = await connect('nodered', reader.password);
    // mqtt.js rejects a SUBACK that refuses any filter; the refusal codes are in its packet.
    const suback = await r
      .subscribeAsync(['hearth/+/telemetry', 'hearth/#', '$SYS/#', 'home/#'], { qos: 0 })
      .then(
        () => null,
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
      );
    expect(suback).toEqual([0, 128, 128, 128]);
    const seen = new Promise<string>((resolve) => r.on('message', (topic) => resolve(topic)));
    const device = await mqtt.connectAsync(hub.mqttUrl, {
      clientId: 'heater-x',
      username: 'heater-x',
      password: dev.credentials.password,
      reconnectPeriod: 0,
    });
    await device.subscribeAsync('hearth/heater-x/rpc', { qos: 1 });
    await device.publishAsync('hearth/heater-x/telemetry', '{"temperature":20}', { qos: 1 });
    expect(await seen).toBe('hearth/heater-x/telemetry');

    const w = await connect('scripts', writer.password);
    const command = new Promise<string>((resolve) => device.on('message', (_t, p) => resolve(p.toString())));
    await w.publishAsync('hearth/heater-x/rpc', '{"id":"x1","method":"identify","params":{}}', { qos: 1 });
    expect(JSON.parse(await command)).toMatchObject({ id: 'x1' });
    // Write access never lets an account speak for a device.
    await w.publishAsync('hearth/heater-x/telemetry', '{"temperature":99}', { qos: 1 });
    await w.publishAsync('hearth/heater-x/rpc', '{"id":"x2","method":"identify","params":{}}', {
      qos: 1,
      retain: true,
    });
    const health = (await (await hub.api('/api/health')).json()) as { counters: Record<string, number> };
    expect(health.counters.mqtt_dropped_acl_denied).toBe(1);
    expect(health.counters.mqtt_dropped_retained_command).toBe(1);

    // Removing the account disconnects it and its password stops working.
    const closed = new Promise<void>((resolve) => r.once('close', () => resolve()));
    expect((await hub.api(`/api/integrations/${reader.integration.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    await closed;
    await expect(connect('nodered', reader.password)).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    for (const c of [r, w, device]) await c.endAsync();
  });
});

describe('password change', () => {
  it('ends every other session of the user, keeping the one that changed it', async () => {
    const t = await startTestHub();
    try {
      const other = await t.api('/api/auth/login', {
        method: 'POST',
        body: { password: t.config.ownerPassword },
        auth: false,
      });
      const thief = (other.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await t.api('/api/devices', { headers: { cookie: thief }, auth: false })).status).toBe(200);
      const res = await t.api('/api/auth/password', {
        method: 'POST',
        body: { current_password: t.config.ownerPassword, new_password: 'a brand new password' },
      });
      expect(res.status).toBe(204);
      expect((await t.api('/api/devices')).status).toBe(200);
      expect((await t.api('/api/devices', { headers: { cookie: thief }, auth: false })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
