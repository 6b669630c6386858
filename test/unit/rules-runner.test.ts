/**
 * The rules runner, alerts and desired state inside the real composition
 * root (real SQLite, real bus, real command service) on a fake clock and a
 * fake scheduler, with the simulated heater's model behind the rpc transport:
 * minutes and days pass in milliseconds.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEATER_DESCRIPTION } from '../../devices/simulators/heater.ts';
import {
  type HeaterState,
  initialState,
  read,
  seededRng,
  setHeater,
  setSetpoint,
  step,
} from '../../devices/simulators/heater-model.ts';
import { loadConfig } from '../../server/config.ts';
import { type Db, databasePath, openDatabase } from '../../server/db/database.ts';
import { silentLogger } from '../../server/domain/logger.ts';
import { utcLocalTime } from '../../server/domain/rules/local-time.ts';
import { createServices, type Services } from '../../server/services.ts';
import type { AlertDto } from '../../shared/alerts.ts';
import type { RuleBody } from '../../shared/rules.ts';
import { tempDir } from '../helpers/hub.ts';
import { ManualTime, settle } from '../helpers/manual-time.ts';

const T0 = Date.UTC(2025, 0, 6);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A heater "device": the thermal model, answering rpcs and reporting state as the simulator does. */
class ModelHeater {
  model: HeaterState = initialState({ roomC: 15, outsideC: 4 });
  online = false;
  readonly calls: string[] = [];
  constructor(
    private readonly s: Services,
    private readonly time: ManualTime,
    readonly id = 'heater',
  ) {
    s.commands.setTransport({
      send: async (deviceId, req) => {
        if (!this.online || deviceId !== this.id) throw new Error('not connected');
        this.calls.push(`${req.method} ${JSON.stringify(req.params)}`);
        queueMicrotask(() => {
          const p = req.params as { on?: boolean; value?: number };
          if (req.method === 'heater.set' && typeof p.on === 'boolean')
            this.model = setHeater(this.model, p.on);
          if (req.method === 'setpoint.set' && typeof p.value === 'number')
            this.model = setSetpoint(this.model, p.value);
          this.report();
          s.commands.handleReply(this.id, { id: req.id, result: { ok: true } });
        });
      },
    });
  }
  report(): void {
    this.s.devices.setState(
      this.id,
      { heater: this.model.heaterOn, setpoint: this.model.setpointC },
      this.time.now,
    );
  }
  connect(): void {
    this.online = true;
    this.s.presence.connected(this.id);
    this.report(); // what the SDK does once it listens for rpcs
  }
  disconnect(): void {
    this.online = false;
    this.s.presence.disconnected(this.id, 'keepalive_timeout', null);
    this.s.commands.deviceOffline(this.id, 'gone');
  }
  telemetry(value: number): void {
    const r = this.s.telemetry.ingest(this.id, { ts: this.time.now, temperature: value });
    if (!r.ok) throw new Error(r.detail);
    this.s.writer.flush();
  }
}

describe('rules runner on a fake clock', () => {
  let dir: string;
  let db: Db;
  let time: ManualTime;
  let s: Services;
  let heater: ModelHeater;

  let tickMs = 1000;

  function open(): Services {
    const config = loadConfig({ env: {}, cwd: dir, hostname: '127.0.0.1', overrides: { dataDir: dir } });
    db = openDatabase(databasePath(dir));
    const services = createServices({
      config,
      db,
      log: silentLogger,
      clock: time.clock,
      endpoints: () => ({ mqttUrl: 'mqtt://127.0.0.1:1883', wsUrl: 'ws://127.0.0.1:8080/mqtt' }),
      scheduler: time,
      localTime: utcLocalTime,
      ruleTickMs: tickMs,
    });
    services.start();
    return services;
  }

  function close(): void {
    s.stop();
    db.close();
  }

  beforeEach(async (test) => {
    // A day of thermostat needs no second-by-second clock; the alarms are timed to the second.
    tickMs = test.task.name.includes('thermostat') ? 15_000 : 1000;
    dir = tempDir();
    time = new ManualTime(T0);
    s = open();
    await s.devices.create({ name: 'Hall heater', id: 'heater', room: 'Hall' });
    s.devices.setDescription('heater', HEATER_DESCRIPTION);
    heater = new ModelHeater(s, time);
  });
  afterEach(() => {
    close();
    expect(time.pending).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Advances the fake clock in one-second ticks, letting the runner's deferred work run. */
  async function advance(ms: number, stepMs = 1000): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      time.advance(Math.min(stepMs, ms - t));
      await settle(1);
    }
    await settle();
  }

  function rule(body: RuleBody) {
    return s.rules.create(body);
  }

  it('raises the offline alarm after exactly N minutes, once, and clears it when the device returns', async () => {
    const alarm = rule({ name: 'Offline 10 min', kind: 'offline_alert', after_s: 600, severity: 'critical' });
    const events: AlertDto[] = [];
    s.bus.on('alert', (a) => events.push(a));
    heater.connect();
    await advance(5 * MIN, 10_000);
    heater.disconnect();
    await advance(10 * MIN - 2000);
    expect(s.alerts.list({ status: 'active' })).toEqual([]);
    await advance(3000);
    const [active] = s.alerts.list({ status: 'active' });
    expect(active).toMatchObject({
      rule_id: alarm.id,
      key: 'heater',
      device_id: 'heater',
      severity: 'critical',
      message: 'Hall heater has been offline for 10 min (keepalive_timeout)',
    });
    expect(active?.raised_at).toBeGreaterThanOrEqual(T0 + 15 * MIN);
    expect(active?.raised_at).toBeLessThanOrEqual(T0 + 15 * MIN + 1000);
    await advance(30 * MIN, 10_000);
    expect(events.filter((e) => e.status === 'active')).toHaveLength(1);

    heater.connect();
    await advance(2000);
    expect(s.alerts.list({ status: 'active' })).toEqual([]);
    expect(events.map((e) => e.status)).toEqual(['active', 'cleared']);
    const runs = s.rules.runs(alarm.id, 10);
    expect(runs.map((r) => r.actions[0]?.type)).toEqual(['clear_alert', 'raise_alert']);
    expect(runs[0]?.log).toEqual(['Hall heater is back online']);
  });

  it('keeps alerts and rule memory across a restart', async () => {
    const range = rule({
      name: 'Too cold',
      kind: 'range_alert',
      device_id: 'heater',
      metric: 'temperature',
      min: 16,
    });
    heater.connect();
    heater.telemetry(14);
    await settle();
    expect(s.alerts.list({ status: 'active' })).toHaveLength(1);

    close();
    s = open();
    heater = new ModelHeater(s, time);
    expect(s.alerts.list({ status: 'active' })).toHaveLength(1);
    heater.connect();
    heater.telemetry(13); // still too cold: no second alert
    await settle();
    expect(s.alerts.list({ status: 'all' })).toHaveLength(1);
    heater.telemetry(17);
    await settle();
    const [alert] = s.alerts.list({ status: 'all' });
    expect(alert?.status).toBe('cleared');
    expect(s.rules.runs(range.id, 10)).toHaveLength(2);
  });

  it('applies a desired value set while the device was away when it returns; an expired one is not sent', async () => {
    heater.connect();
    heater.disconnect();
    const on = s.desired.set('heater', { property: 'heater', value: true, ttl_s: 3600 }, 'api');
    const sp = s.desired.set('heater', { property: 'setpoint', value: 25, ttl_s: 60 }, 'api');
    expect(on).toMatchObject({
      status: 'pending',
      waiting_for_device: true,
      desired: true,
      reported: false,
      version: 1,
    });
    expect(sp).toMatchObject({ status: 'pending', waiting_for_device: true });
    const dropped = s.desired.set(
      'heater',
      { property: 'setpoint', value: 26, policy: 'drop_if_offline' },
      'api',
    );
    expect(dropped).toMatchObject({ status: 'failed', version: 2 });
    const again = s.desired.set('heater', { property: 'setpoint', value: 25, ttl_s: 60 }, 'api');
    expect(again.version).toBe(3);

    await advance(2 * MIN);
    expect(s.desired.list('heater').find((d) => d.property === 'setpoint')).toMatchObject({
      status: 'expired',
      error: 'expired before the device was back',
    });

    heater.connect();
    await settle();
    const [heaterRow, setpointRow] = s.desired.list('heater');
    expect(heaterRow).toMatchObject({
      property: 'heater',
      status: 'applied',
      reported: true,
      waiting_for_device: false,
    });
    expect(setpointRow).toMatchObject({ property: 'setpoint', status: 'expired', reported: 21 });
    expect(heater.calls).toEqual(['heater.set {"on":true}']);
    expect(s.commands.list('heater', 5)[0]).toMatchObject({
      actor: 'api',
      status: 'ok',
      method: 'heater.set',
    });
  });

  it('refuses desired values the device cannot take', () => {
    expect(() => s.desired.set('heater', { property: 'setpoint', value: 40 }, 'api')).toThrow(/from 5 to 30/);
    expect(() => s.desired.set('heater', { property: 'fan', value: true }, 'api')).toThrow(
      /no control "fan"/,
    );
    expect(() => s.desired.set('heater', { property: 'heater', value: 1 }, 'api')).toThrow(/true or false/);
  });

  it('runs the thermostat through desired state and rpcs: the simulated room holds its schedule for a day', async () => {
    const thermostat = rule({
      name: 'Hall',
      kind: 'thermostat',
      heater_id: 'heater',
      schedule: [
        { at: '07:00', target_c: 21 },
        { at: '22:00', target_c: 17 },
      ],
      heater_setpoint_c: 30,
    });
    heater.connect();
    const rng = seededRng(3);
    let worst = 0;
    for (let ms = 0; ms < 24 * HOUR; ms += 30_000) {
      heater.model = step(heater.model, 30);
      heater.telemetry(read(heater.model, rng));
      await advance(30_000, 30_000);
      const h = (ms % (24 * HOUR)) / HOUR;
      const target = h >= 7 && h < 22 ? 21 : 17;
      const settling = h < 1 || (h >= 7 && h < 8.25) || (h >= 22 && h < 23.25);
      if (!settling) worst = Math.max(worst, Math.abs(heater.model.roomC - target));
    }
    expect(worst).toBeLessThanOrEqual(0.5);
    expect(heater.model.setpointC).toBe(30);
    const commands = s.commands.list('heater', 500);
    expect(commands.every((c) => c.actor === `rule:${thermostat.id}` && c.status === 'ok')).toBe(true);
    // "Why did the heater turn on?" — the run log says.
    const on = s.rules
      .runs(thermostat.id, 200)
      .find((r) => r.actions.some((a) => a.summary === 'heater heater = true'));
    expect(on?.trigger).toMatch(/^telemetry heater temperature=\d/);
    expect(on?.log.at(-1)).toMatch(/ → heater on$/);
    expect(on?.actions[0]).toMatchObject({ type: 'set_desired', status: 'ok' });
  });
});
