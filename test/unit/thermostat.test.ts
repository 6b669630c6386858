/**
 * The built-in thermostat against the simulated heater's thermal model
 * (devices/simulators/heater-model.ts), on a fake clock through a whole day
 * with a two-phase schedule: the room stays within ±0.5 °C of its target once
 * it had time to get there.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEATER_PARAMS,
  type HeaterState,
  initialState,
  read,
  seededRng,
  setHeater,
  setSetpoint,
  step,
} from '../../devices/simulators/heater-model.ts';
import { utcLocalTime } from '../../server/domain/rules/local-time.ts';
import { evaluate } from '../../server/domain/rules/rule-evaluator.ts';
import type { DeviceView, EvalContext, RuleEvent, RuleMemory } from '../../server/domain/rules/rule-types.ts';
import { THERMOSTAT_REASSERT_MS } from '../../server/domain/rules/thermostat-rule.ts';
import type { ThermostatRule } from '../../shared/rules.ts';

/** Monday 2025-01-06 00:00 (the test pins local time to UTC). */
const T0 = Date.UTC(2025, 0, 6);
const HOUR = 3_600_000;
const READING_EVERY_S = 10;
/** Time allowed to reach a new target: from 17 to 21 °C takes ~25 min, 21 to 17 ~40 min. */
const SETTLE_MS = 75 * 60_000;

const rule: ThermostatRule = {
  id: 'thermostat1',
  name: 'Living room',
  kind: 'thermostat',
  enabled: true,
  created_at: T0,
  updated_at: T0,
  room: 'Living room',
  heater_id: 'heater',
  schedule: [
    { at: '07:00', target_c: 21 },
    { at: '22:00', target_c: 17 },
  ],
  heater_setpoint_c: 30,
};

/** Outside: 3 °C ± 4 °C, coldest at 03:00. */
const outside = (ms: number) => 3 + 4 * Math.sin((2 * Math.PI * (ms / HOUR - 9)) / 24);

interface Sample {
  ts: number;
  roomC: number;
  target: number;
  heaterOn: boolean;
}

/** Runs the heater model and the thermostat together; actions act on the model as the device would. */
function simulateDay(hours = 24, seed = 1) {
  const rng = seededRng(seed);
  let model: HeaterState = initialState({ roomC: 15, outsideC: outside(0) });
  let memory: RuleMemory = {};
  const samples: Sample[] = [];
  const log: string[] = [];
  const switches: number[] = [];
  let latest = { value: read(model, rng), ts: T0 };
  const heaterView = (): DeviceView => ({
    id: 'heater',
    name: 'Heater',
    state: { heater: model.heaterOn, setpoint: model.setpointC, heating: model.heating },
    presence: { status: 'online', reason: 'connected', detail: null, since: T0 },
    latest: { temperature: latest },
  });
  const ctx = (now: number): EvalContext => ({
    now,
    local: utcLocalTime,
    device: (id) => (id === 'heater' ? heaterView() : undefined),
    presence: (id) => (id === 'heater' ? heaterView().presence : undefined),
    deviceIds: () => ['heater'],
    activeAlerts: new Set(),
  });
  const run = (event: RuleEvent, now: number) => {
    const r = evaluate(rule, event, ctx(now), memory);
    memory = r.memory;
    log.push(...r.log);
    for (const a of r.actions) {
      if (a.type !== 'set_desired') throw new Error(`unexpected action ${a.type}`);
      if (a.property === 'heater' && typeof a.value === 'boolean') {
        if (a.value !== model.heaterOn) switches.push(now);
        model = setHeater(model, a.value);
      }
      if (a.property === 'setpoint' && typeof a.value === 'number') model = setSetpoint(model, a.value);
    }
  };

  for (let ms = 0; ms <= hours * HOUR; ms += READING_EVERY_S * 1000) {
    const now = T0 + ms;
    model = step({ ...model, outsideC: outside(ms) }, READING_EVERY_S, DEFAULT_HEATER_PARAMS);
    latest = { value: read(model, rng), ts: now };
    run({ type: 'telemetry', device_id: 'heater', ts: now, values: { temperature: latest.value } }, now);
    if (ms % 60_000 === 0) run({ type: 'tick', ts: now }, now);
    const hour = (ms % (24 * HOUR)) / HOUR;
    const target = hour >= 7 && hour < 22 ? 21 : 17;
    samples.push({ ts: now, roomC: model.roomC, target, heaterOn: model.heaterOn });
  }
  return { samples, log, switches, memory };
}

/** Samples at least `SETTLE_MS` after the start or a schedule change. */
function settled(samples: Sample[]): Sample[] {
  const changes = [0, 7 * HOUR, 22 * HOUR];
  return samples.filter((s) => changes.every((c) => s.ts - T0 < c || s.ts - T0 >= c + SETTLE_MS));
}

describe('thermostat with the simulated heater through a day', () => {
  const { samples, log, switches } = simulateDay();

  it('keeps the room within ±0.5 °C of the target in both schedule phases', () => {
    const steady = settled(samples);
    const day = steady.filter((s) => s.target === 21);
    const night = steady.filter((s) => s.target === 17);
    expect(day.length).toBeGreaterThan(4500);
    expect(night.length).toBeGreaterThan(2000);
    const worst = (xs: Sample[]) => Math.max(...xs.map((s) => Math.abs(s.roomC - s.target)));
    expect(worst(day)).toBeLessThanOrEqual(0.5);
    expect(worst(night)).toBeLessThanOrEqual(0.5);
  });

  it.each([2, 3, 4, 5])('holds with other sensor noise too (seed %i)', (seed) => {
    const steady = settled(simulateDay(24, seed).samples);
    expect(Math.max(...steady.map((s) => Math.abs(s.roomC - s.target)))).toBeLessThanOrEqual(0.5);
  });

  it('reaches each new target within the settle time', () => {
    const at = (h: number) => samples.find((s) => s.ts === T0 + h * HOUR + SETTLE_MS);
    expect(Math.abs((at(7)?.roomC ?? 0) - 21)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((at(22)?.roomC ?? 0) - 17)).toBeLessThanOrEqual(0.5);
  });

  it('cycles the heater calmly (hysteresis), not on every reading', () => {
    // This room warms ~0.17 °C and cools ~0.13 °C a minute near 21 °C, so a 0.4 °C
    // dead band makes cycles of about five minutes: some 500 switches in 8,640 readings.
    expect(switches.length).toBeGreaterThan(100);
    expect(switches.length).toBeLessThan(8640 / 10);
    const gaps = switches.slice(1).map((t, i) => t - (switches[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60_000);
  });

  it('holds the heater setpoint so its own thermostat never cuts in first', () => {
    expect(log).toContain('heater setpoint 21 → 30');
    expect(log.filter((l) => l.startsWith('heater setpoint')).length).toBe(1);
  });

  it('explains every decision', () => {
    expect(log).toContain('target 17 °C (schedule from 22:00)');
    expect(log).toContain('target 21 °C (schedule from 07:00)');
    expect(log.some((l) => /^\d+\.\d+ °C < 20\.8 \(target 21 − 0\.2\) → heater on$/.test(l))).toBe(true);
    expect(log.some((l) => /^\d+\.\d+ °C > 21\.2 \(target 21 \+ 0\.2\) → heater off$/.test(l))).toBe(true);
  });
});

describe('thermostat edge cases', () => {
  const heater = (
    state: Record<string, boolean | number>,
    latest?: { value: number; ts: number },
  ): DeviceView => ({
    id: 'heater',
    name: 'Heater',
    state,
    presence: { status: 'online', reason: 'connected', detail: null, since: T0 },
    latest: latest ? { temperature: latest } : {},
  });
  const ctx = (now: number, view: DeviceView): EvalContext => ({
    now,
    local: utcLocalTime,
    device: (id) => (id === 'heater' ? view : undefined),
    presence: () => view.presence,
    deviceIds: () => ['heater'],
    activeAlerts: new Set(),
  });
  const noSetpoint = { ...rule, heater_setpoint_c: undefined };

  it('turns the heater off when the sensor goes silent (fail safe)', () => {
    const now = T0 + 8 * HOUR;
    const view = heater({ heater: true }, { value: 19, ts: now - 20 * 60_000 });
    const r = evaluate(noSetpoint, { type: 'tick', ts: now }, ctx(now, view), { heating: true, target: 21 });
    expect(r.actions).toEqual([
      { type: 'set_desired', device_id: 'heater', property: 'heater', value: false },
    ]);
    expect(r.log[0]).toMatch(/^no fresh reading from heater temperature \(1200 s old\) → heater off$/);
  });

  it('asks again, at most once a minute, when the heater does not follow', () => {
    const now = T0 + 8 * HOUR;
    const view = heater({ heater: false }, { value: 19, ts: now });
    const memory = { heating: true, target: 21, asserted_at: now - 10_000 };
    expect(evaluate(noSetpoint, { type: 'tick', ts: now }, ctx(now, view), memory).actions).toEqual([]);
    const later = now - 10_000 + THERMOSTAT_REASSERT_MS;
    const r = evaluate(
      noSetpoint,
      { type: 'tick', ts: later },
      ctx(later, { ...view, latest: { temperature: { value: 19, ts: later } } }),
      memory,
    );
    expect(r.actions.map((a) => a.type)).toEqual(['set_desired']);
    expect(r.log).toContain('heater reports false: asking again');
  });

  it('reads another device when a sensor is given', () => {
    const withSensor = { ...noSetpoint, sensor: { device_id: 'thermo', metric: 'air_temp' } };
    const now = T0 + 8 * HOUR;
    const view = heater({ heater: false });
    const ignored = evaluate(
      withSensor,
      { type: 'telemetry', device_id: 'heater', ts: now, values: { temperature: 10 } },
      ctx(now, view),
      {},
    );
    expect(ignored.actions).toEqual([]);
    const r = evaluate(
      withSensor,
      { type: 'telemetry', device_id: 'thermo', ts: now, values: { air_temp: 19 } },
      ctx(now, view),
      {},
    );
    expect(r.actions).toEqual([
      { type: 'set_desired', device_id: 'heater', property: 'heater', value: true },
    ]);
  });
});
