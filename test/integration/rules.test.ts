/**
 * Rules and alerts in a real hub: the rules API with its validation, alerts
 * raised and cleared once and shown live, the offline alarm, webhooks to a
 * local server (and failing ones, which never disturb ingest), and alerts
 * that survive a restart. Real broker, real SDK devices, real SQLite.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertDto } from '../../shared/alerts.ts';
import type { Credentials, HistoryDto } from '../../shared/api.ts';
import type { RuleBody, RuleDto, RuleRunDto } from '../../shared/rules.ts';
import { Cleanup } from '../helpers/cleanup.ts';
import { startTestHub, type TestHub, tempDir } from '../helpers/hub.ts';
import {
  closedPortUrl,
  device,
  heaterDevice,
  liveFeed,
  thermometerDescription,
  webhookSink,
} from '../helpers/rules-fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

describe('rules and alerts', () => {
  let t: TestHub;
  let thermo: Credentials;
  const cleanup = new Cleanup();

  beforeEach(async () => {
    t = cleanup.add(await startTestHub(), (hub) => hub.close());
    thermo = (await t.addDevice('Hall thermometer', { id: 'hall-thermo', room: 'Hall' })).credentials;
  });
  afterEach(() => cleanup.run());

  async function create(body: RuleBody | Record<string, unknown>): Promise<RuleDto> {
    const res = await t.api('/api/rules', { method: 'POST', body });
    if (res.status !== 201) throw new Error(`create rule: ${res.status} ${await res.text()}`);
    return (await res.json()) as RuleDto;
  }
  const runs = async (id: string) => (await (await t.api(`/api/rules/${id}/runs`)).json()) as RuleRunDto[];
  const alerts = async (status = 'all') =>
    (await (await t.api(`/api/alerts?status=${status}`)).json()) as AlertDto[];

  async function startThermometer() {
    const d = cleanup.add(device(t, thermo, thermometerDescription), (x) => x.stop());
    await d.start();
    return d;
  }

  it('creates, validates, lists, replaces, disables, enables and deletes rules', async () => {
    const bad = async (body: unknown) => {
      const res = await t.api('/api/rules', { method: 'POST', body });
      expect(res.status).toBe(400);
      return ((await res.json()) as { message: string }).message;
    };
    expect(await bad({ name: 'x', kind: 'sprinkler' })).toMatch(
      /\/kind: must be one of automation, thermostat/,
    );
    expect(
      await bad({
        name: 'x',
        kind: 'automation',
        trigger: { type: 'threshold', device_id: 'hall-thermo', metric: 'temperature', op: 'above' },
        actions: [{ type: 'raise_alert', message: 'hot' }],
      }),
    ).toMatch(/\/trigger: must have required properties value/);
    expect(
      await bad({
        name: 'x',
        kind: 'automation',
        trigger: { type: 'schedule', at: '7:00' },
        actions: [{ type: 'webhook', url: 'ftp://x' }],
      }),
    ).toMatch(/\/trigger\/at: .*pattern.*\/actions\/0\/url: .*pattern/);
    expect(
      await bad({ name: 'x', kind: 'range_alert', device_id: 'hall-thermo', metric: 'temperature' }),
    ).toMatch(/\/min: give min, max or both/);
    expect(await bad({ name: 'x', kind: 'offline_alert', device_ids: ['nobody'], after_s: 60 })).toBe(
      'unknown device: nobody',
    );

    const rule = await create({
      name: 'Too warm',
      kind: 'range_alert',
      device_id: 'hall-thermo',
      metric: 'temperature',
      max: 26,
    });
    expect(rule).toMatchObject({ kind: 'range_alert', enabled: true, max: 26 });
    expect(rule.id).toMatch(/^r[0-9a-z]{10}$/);
    const list = (await (await t.api('/api/rules')).json()) as RuleDto[];
    expect(list.map((r) => r.id)).toEqual([rule.id]);

    const put = await t.api(`/api/rules/${rule.id}`, {
      method: 'PUT',
      body: {
        name: 'Too warm',
        kind: 'range_alert',
        device_id: 'hall-thermo',
        metric: 'temperature',
        max: 27,
        hysteresis: 0.5,
      },
    });
    expect(await put.json()).toMatchObject({ id: rule.id, max: 27, hysteresis: 0.5, enabled: true });
    const off = await t.api(`/api/rules/${rule.id}/disable`, { method: 'POST' });
    expect(await off.json()).toMatchObject({ enabled: false });
    const on = await t.api(`/api/rules/${rule.id}/enable`, { method: 'POST' });
    expect(await on.json()).toMatchObject({ enabled: true });
    expect((await t.api(`/api/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api(`/api/rules/${rule.id}`)).status).toBe(404);
    expect((await t.api('/api/rules/nope/runs')).status).toBe(404);
  });

  it('raises an out-of-range alert once and clears it once, live, and lets a person acknowledge it', async () => {
    const feed = cleanup.add(await liveFeed(t, ['alert']), (f) => f.close());
    const rule = await create({
      name: 'Hall too warm',
      kind: 'range_alert',
      device_id: 'hall-thermo',
      metric: 'temperature',
      max: 28,
      hysteresis: 1,
      severity: 'critical',
    });
    const d = await startThermometer();
    const base = Date.now();
    // Up, hovering around the limit, then down past the hysteresis.
    const values = [20, 27.5, 28.4, 27.9, 28.6, 27.5, 28.2, 26.8, 25];
    for (const [i, v] of values.entries()) d.telemetry({ temperature: v }, base + i * 1000);
    await waitFor(() => d.stats.telemetrySent === values.length, { what: 'readings acknowledged' });
    const [alert] = await waitFor(
      async () => {
        const all = await alerts();
        return all.length === 1 && all[0]?.status === 'cleared' ? all : undefined;
      },
      { what: 'the alert raised and cleared' },
    );
    expect(alert).toMatchObject({
      rule_id: rule.id,
      key: 'hall-thermo/temperature',
      device_id: 'hall-thermo',
      severity: 'critical',
      value: 28.4,
      message: 'Hall thermometer temperature 28.4 above 28',
      clear_reason: 'Hall thermometer temperature 26.8 back at or below 27',
    });
    await waitFor(() => feed.of('alert').length === 2, { what: 'two live alert events' });
    expect(feed.of('alert').map((a) => a.status)).toEqual(['active', 'cleared']);

    const ack = await t.api(`/api/alerts/${alert?.id}/ack`, { method: 'POST', body: { by: 'owner' } });
    expect(await ack.json()).toMatchObject({ acknowledged_by: 'owner', status: 'cleared' });
    expect((await t.api(`/api/alerts/${alert?.id}/ack`, { method: 'POST' })).status).toBe(200);
    expect((await t.api('/api/alerts/9999/ack', { method: 'POST' })).status).toBe(404);
    await waitFor(() => feed.of('alert').length === 3, { what: 'the acknowledgement, live' });
    expect((await runs(rule.id)).map((r) => r.actions[0]?.type)).toEqual(['clear_alert', 'raise_alert']);
  });

  it('raises the offline alarm after N seconds and clears it when the device is back', async () => {
    const rule = await create({
      name: 'Offline',
      kind: 'offline_alert',
      device_ids: ['hall-thermo'],
      after_s: 1,
    });
    const first = device(t, thermo, thermometerDescription);
    await first.start();
    await first.kill();
    const [active] = await waitFor(
      async () => {
        const a = await alerts('active');
        return a.length > 0 ? a : undefined;
      },
      { what: 'the offline alarm' },
    );
    expect(active).toMatchObject({ rule_id: rule.id, key: 'hall-thermo', severity: 'warning' });
    expect(active?.message).toMatch(/^Hall thermometer has been offline for 1 s \(connection_closed\)$/);

    await startThermometer();
    await waitFor(async () => (await alerts('active')).length === 0, { what: 'the alarm to clear' });
    const [cleared] = await alerts();
    expect(cleared).toMatchObject({
      id: active?.id,
      status: 'cleared',
      clear_reason: 'Hall thermometer is back online',
    });
  });

  it('POSTs webhooks; a failing or hanging one shows in the run log and ingest goes on', async () => {
    const sink = cleanup.add(await webhookSink(), (s) => s.close());
    const rule = await create({
      name: 'Hot hall',
      kind: 'automation',
      trigger: {
        type: 'threshold',
        device_id: 'hall-thermo',
        metric: 'temperature',
        op: 'above',
        value: 25,
        hysteresis: 1,
      },
      actions: [
        { type: 'webhook', url: sink.url('/ok'), message: '{device} is at {value} °C' },
        { type: 'webhook', url: sink.url('/fail') },
        { type: 'webhook', url: sink.url('/hang'), timeout_ms: 300 },
        { type: 'webhook', url: await closedPortUrl('/closed') },
      ],
    });
    const d = await startThermometer();
    const base = Date.now() - 60_000;
    d.telemetry({ temperature: 26 }, base);
    const [run] = await waitFor(
      async () => {
        const r = await runs(rule.id);
        return r[0]?.actions.every((a) => a.status !== 'pending') ? r : undefined;
      },
      { what: 'the webhooks to finish' },
    );
    expect(run?.actions.map((a) => [a.status, a.detail])).toEqual([
      ['ok', 'HTTP 204'],
      ['error', 'HTTP 500'],
      ['error', 'no answer within 300 ms'],
      ['error', 'ECONNREFUSED'],
    ]);
    const ok = sink.received.find((r) => r.path === '/ok');
    expect(ok?.headers['content-type']).toBe('application/json');
    expect(ok?.body).toMatchObject({
      hub: 'hearth',
      rule: { id: rule.id, name: 'Hot hall', kind: 'automation' },
      trigger: 'telemetry hall-thermo temperature=26',
      message: 'Hall thermometer is at 26 °C',
      log: ['trigger: hall-thermo temperature 26 above 25'],
    });

    // Ingest went on: every reading is stored.
    for (let i = 1; i <= 50; i++) d.telemetry({ temperature: 20 + (i % 10) }, base + i * 100);
    await waitFor(() => d.stats.telemetrySent === 51, { what: 'all readings acknowledged' });
    const h = (await (
      await t.api(`/api/devices/hall-thermo/history?metric=temperature&from=${base}&to=${base + 10_000}`)
    ).json()) as HistoryDto;
    expect(h.ts).toHaveLength(51);
  });

  it('records a failing action in the run log (a setpoint the heater cannot take)', async () => {
    const { credentials } = await t.addDevice('Hall heater', { id: 'hall-heater' });
    const heater = heaterDevice(t, credentials);
    cleanup.add(heater.device, (x) => x.stop());
    await heater.device.start();
    const rule = await create({
      name: 'Boost when cold',
      kind: 'automation',
      trigger: { type: 'threshold', device_id: 'hall-thermo', metric: 'temperature', op: 'below', value: 15 },
      actions: [
        { type: 'set_desired', device_id: 'hall-heater', property: 'setpoint', value: 40 },
        { type: 'set_desired', device_id: 'hall-heater', property: 'heater', value: true },
      ],
    });
    const d = await startThermometer();
    d.telemetry({ temperature: 12 });
    const [run] = await waitFor(async () => ((await runs(rule.id)).length ? runs(rule.id) : undefined), {
      what: 'a run',
    });
    expect(run?.actions[0]).toMatchObject({
      status: 'error',
      detail: 'setpoint must be a number from 5 to 30',
    });
    expect(run?.actions[1]).toMatchObject({ status: 'ok', summary: 'hall-heater heater = true' });
    await waitFor(() => heater.calls.includes('heater.set true'), { what: 'the heater switched on' });
    const commands = (await (await t.api('/api/devices/hall-heater/commands')).json()) as { actor: string }[];
    expect(commands[0]?.actor).toBe(`rule:${rule.id}`);
  });
});

describe('alerts across a restart', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('keeps active alerts, does not raise them again, and clears them once', async () => {
    const dataDir = cleanup.add(tempDir(), (dir) => rmSync(dir, { recursive: true, force: true }));
    let t = await startTestHub({ dataDir });
    const { credentials } = await t.addDevice('Cellar', { id: 'cellar-thermo' });
    const body = {
      name: 'Cellar freezing',
      kind: 'range_alert',
      device_id: 'cellar-thermo',
      metric: 'temperature',
      min: 3,
    };
    await t.api('/api/rules', { method: 'POST', body });
    let d = device(t, credentials, thermometerDescription);
    await d.start();
    d.telemetry({ temperature: 1 });
    await waitFor(
      async () => ((await (await t.api('/api/alerts?status=active')).json()) as AlertDto[]).length === 1,
      {
        what: 'the alert',
      },
    );
    await d.stop();
    await t.close(true);

    t = cleanup.add(await startTestHub({ dataDir }), (hub) => hub.close());
    const after = (await (await t.api('/api/alerts?status=active')).json()) as AlertDto[];
    expect(after).toHaveLength(1);
    d = cleanup.add(device(t, credentials, thermometerDescription), (x) => x.stop());
    await d.start();
    d.telemetry({ temperature: 0.5 }); // still freezing: no second alert
    d.telemetry({ temperature: 4 });
    await waitFor(
      async () => ((await (await t.api('/api/alerts?status=active')).json()) as AlertDto[]).length === 0,
      {
        what: 'the alert to clear',
      },
    );
    const all = (await (await t.api('/api/alerts')).json()) as AlertDto[];
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: after[0]?.id, status: 'cleared' });
  });
});
