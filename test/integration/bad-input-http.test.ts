/**
 * Bad input on HTTP: every malformed request answers 4xx with
 * `{ error, message }`, never 5xx, and changes nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDto } from '../../shared/api.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { sdkDevice, thermometer } from '../helpers/fixtures.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { health } from '../helpers/probes.ts';
import { waitFor } from '../helpers/wait.ts';

const ID = 'http-dev';

interface Case {
  what: string;
  method?: string;
  path: string;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  error?: string;
}

const json = { 'content-type': 'application/json' };
const hist = (q: string) => `/api/devices/${ID}/history?${q}`;
const NOW = Date.now();
const range = `from=${NOW - 60_000}&to=${NOW}`;

const cases: Case[] = [
  // POST /api/devices
  {
    what: 'malformed JSON',
    method: 'POST',
    path: '/api/devices',
    body: '{"name":',
    headers: json,
    status: 400,
  },
  { what: 'empty JSON body', method: 'POST', path: '/api/devices', body: '', headers: json, status: 400 },
  { what: 'JSON null', method: 'POST', path: '/api/devices', body: 'null', headers: json, status: 400 },
  { what: 'JSON array', method: 'POST', path: '/api/devices', body: [], status: 400 },
  { what: 'wrong type', method: 'POST', path: '/api/devices', body: { name: 42 }, status: 400 },
  {
    what: 'unknown field',
    method: 'POST',
    path: '/api/devices',
    body: { name: 'x', colour: 'red' },
    status: 400,
  },
  {
    what: 'invalid id',
    method: 'POST',
    path: '/api/devices',
    body: { name: 'x', id: 'Bad Id!' },
    status: 400,
  },
  {
    what: 'reserved id',
    method: 'POST',
    path: '/api/devices',
    body: { name: 'x', id: 'pairing' },
    status: 400,
  },
  { what: 'duplicate id', method: 'POST', path: '/api/devices', body: { name: 'x', id: ID }, status: 409 },
  { what: 'blank name', method: 'POST', path: '/api/devices', body: { name: '   ' }, status: 400 },
  {
    what: 'name too long',
    method: 'POST',
    path: '/api/devices',
    body: { name: 'n'.repeat(65) },
    status: 400,
  },
  {
    what: 'prototype poisoning',
    method: 'POST',
    path: '/api/devices',
    body: '{"name":"x","__proto__":{"admin":true}}',
    headers: json,
    status: 400,
  },
  {
    // JSON only: what a cross-site form could send is refused outright.
    what: 'text/plain body',
    method: 'POST',
    path: '/api/devices',
    body: 'name=x',
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  {
    what: 'unsupported content type',
    method: 'POST',
    path: '/api/devices',
    body: '<device name="x"/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    error: 'unsupported_media_type',
  },
  {
    what: 'oversized body',
    method: 'POST',
    path: '/api/devices',
    body: { name: 'x', pad: 'p'.repeat(100_000) },
    status: 413,
    error: 'payload_too_large',
  },
  // PATCH / DELETE / GET one device
  { what: 'empty patch', method: 'PATCH', path: `/api/devices/${ID}`, body: {}, status: 400 },
  { what: 'null name', method: 'PATCH', path: `/api/devices/${ID}`, body: { name: null }, status: 400 },
  {
    what: 'patch unknown field',
    method: 'PATCH',
    path: `/api/devices/${ID}`,
    body: { id: 'x2x' },
    status: 400,
  },
  {
    what: 'patch unknown device',
    method: 'PATCH',
    path: '/api/devices/nobody',
    body: { name: 'x' },
    status: 404,
  },
  { what: 'delete unknown device', method: 'DELETE', path: '/api/devices/nobody', status: 404 },
  { what: 'unknown device', path: '/api/devices/nobody', status: 404, error: 'not_found' },
  { what: 'invalid id in path', path: '/api/devices/BAD!!', status: 400, error: 'invalid_input' },
  { what: 'id too long', path: `/api/devices/${'a'.repeat(200)}`, status: 414 },
  { what: 'bad percent-encoding', path: '/api/devices/%E0%A4%A', status: 400 },
  // history
  { what: 'from > to', path: hist(`metric=temperature&from=${NOW}&to=${NOW - 1000}`), status: 400 },
  { what: 'from = to', path: hist(`metric=temperature&from=${NOW}&to=${NOW}`), status: 400 },
  { what: 'non-numeric from', path: hist(`metric=temperature&from=abc&to=${NOW}`), status: 400 },
  { what: 'fractional from', path: hist(`metric=temperature&from=1.5&to=${NOW}`), status: 400 },
  { what: 'negative from', path: hist(`metric=temperature&from=-5&to=${NOW}`), status: 400 },
  { what: 'repeated from', path: hist(`metric=temperature&from=1&from=2&to=${NOW}`), status: 400 },
  { what: 'points=0', path: hist(`metric=temperature&${range}&points=0`), status: 400 },
  { what: 'points=99999', path: hist(`metric=temperature&${range}&points=99999`), status: 400 },
  { what: 'points=abc', path: hist(`metric=temperature&${range}&points=abc`), status: 400 },
  {
    what: 'range of 100 years',
    path: hist(`metric=temperature&from=0&to=${100 * 366 * 86_400_000}`),
    status: 400,
  },
  { what: 'huge to', path: hist('metric=temperature&from=0&to=1e300'), status: 400 },
  { what: 'missing metric', path: hist(range), status: 400 },
  { what: 'invalid metric', path: hist(`metric=Bad-Metric&${range}`), status: 400 },
  { what: 'unknown metric', path: hist(`metric=pressure&${range}`), status: 404 },
  { what: 'unknown parameter', path: hist(`metric=temperature&${range}&colour=red`), status: 400 },
  {
    what: 'history of unknown device',
    path: `/api/devices/nobody/history?metric=temperature&${range}`,
    status: 404,
  },
  // rpc and the command log
  {
    what: 'rpc malformed JSON',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: '{',
    headers: json,
    status: 400,
  },
  {
    what: 'rpc method type',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 5 },
    status: 400,
  },
  {
    what: 'rpc bad method',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 'A B' },
    status: 400,
  },
  {
    what: 'rpc params not an object',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 'identify', params: 'x' },
    status: 400,
  },
  {
    what: 'rpc timeout too small',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 'identify', timeout_ms: 1 },
    status: 400,
  },
  {
    what: 'rpc timeout too large',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 'identify', timeout_ms: 1e9 },
    status: 400,
  },
  {
    what: 'rpc unknown field',
    method: 'POST',
    path: `/api/devices/${ID}/rpc`,
    body: { method: 'identify', x: 1 },
    status: 400,
  },
  {
    what: 'rpc unknown device',
    method: 'POST',
    path: '/api/devices/nobody/rpc',
    body: { method: 'x' },
    status: 404,
  },
  { what: 'commands limit=0', path: `/api/devices/${ID}/commands?limit=0`, status: 400 },
  { what: 'commands limit=abc', path: `/api/devices/${ID}/commands?limit=abc`, status: 400 },
  // routes
  { what: 'unknown API route', path: '/api/nope', status: 404, error: 'not_found' },
  { what: 'wrong method', method: 'PUT', path: '/api/health', body: {}, status: 404 },
];

describe('bad input on HTTP', () => {
  let t: TestHub;
  let before: DeviceDto[];
  const cleanup = new Cleanup();

  beforeAll(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    const { credentials } = await t.addDevice('HTTP probe', { id: ID, room: 'Lab' });
    const device = cleanup.add(sdkDevice(t, credentials, thermometer), (d) => d.stop());
    await device.start();
    device.telemetry({ temperature: 19 }, NOW - 30_000);
    await waitFor(() => device.stats.telemetrySent === 1, { what: 'a reading stored' });
    await device.stop();
    before = (await (await t.api('/api/devices')).json()) as DeviceDto[];
  });
  afterAll(() => cleanup.run());

  async function check(c: Case): Promise<void> {
    const res = await t.api(c.path, { method: c.method ?? 'GET', body: c.body, headers: c.headers });
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    // ErrorSchema: `error` is a machine-readable code such as `not_found`.
    expect(body.error, text).toMatch(/^[a-z][a-z_]*$/);
    expect(typeof body.message, text).toBe('string');
    if (c.error) expect(body.error).toBe(c.error);
  }

  // Includes fastify's router-level errors (bad URL encoding, over-long params),
  // answered in the same shape through `frameworkErrors`.
  it.each(cases)('$what → $status', check);

  it('left the stored devices as they were and the hub healthy', async () => {
    const after = (await (await t.api('/api/devices')).json()) as DeviceDto[];
    expect(after).toEqual(before);
    expect((await health(t)).status).toBe('ok');
  });
});
