import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEATER_PARAMS,
  gaussian,
  type HeaterParams,
  type HeaterState,
  initialState,
  isValidSetpoint,
  NOISE_BOUND_SIGMAS,
  read,
  roundSetpoint,
  seededRng,
  setHeater,
  setSetpoint,
  step,
} from '../../devices/simulators/heater-model.ts';

const P = DEFAULT_HEATER_PARAMS;
const DAY_S = 24 * 3600;

/** Steps `state` for `seconds` in `dt` increments, calling `visit` after each step. */
function run(
  state: HeaterState,
  seconds: number,
  dt: number,
  visit: (s: HeaterState, t: number) => void = () => {},
  params: HeaterParams = P,
): HeaterState {
  let s = state;
  for (let t = dt; t <= seconds + 1e-9; t += dt) {
    s = step(s, dt, params);
    visit(s, t);
  }
  return s;
}

/** Simulated seconds until the room first reaches `targetC`, stepping by `dt`. */
function timeToReach(state: HeaterState, targetC: number, dt = 10): number {
  let s = state;
  for (let t = dt; t <= DAY_S; t += dt) {
    s = step(s, dt);
    if (s.roomC >= targetC) return t;
  }
  return Number.POSITIVE_INFINITY;
}

describe('heater model: physics', () => {
  it.each([
    { roomC: 15, outsideC: 5, dt: 60 },
    { roomC: 10, outsideC: -10, dt: 600 },
    { roomC: 20, outsideC: 20, dt: 1200 },
  ])(
    'warms while the element runs (room $roomC °C, outside $outsideC °C, $dt s)',
    ({ roomC, outsideC, dt }) => {
      const s0 = initialState({ roomC, outsideC, heaterOn: true, setpointC: 30 });
      expect(s0.heating).toBe(true);
      const s1 = step(s0, dt);
      // Exact solution of dT/dt = -k (T - T_out) + P while the element runs.
      const eq = outsideC + P.heatRateCPerS / P.lossPerS;
      const expected = eq + (roomC - eq) * Math.exp(-P.lossPerS * dt);
      expect(s1.roomC).toBeGreaterThan(roomC);
      expect(s1.roomC).toBeCloseTo(expected, 6);
    },
  );

  it.each([
    { roomC: 21, outsideC: 5 },
    { roomC: 30, outsideC: -10 },
    { roomC: 18, outsideC: 17 },
  ])(
    'cools toward outside, never past it, when off (room $roomC °C, outside $outsideC °C)',
    ({ roomC, outsideC }) => {
      let previous = roomC;
      let violations = 0;
      const end = run(initialState({ roomC, outsideC, heaterOn: false }), 2 * DAY_S, 300, (s) => {
        if (s.heating || s.roomC > previous || s.roomC < outsideC) violations++;
        previous = s.roomC;
      });
      expect(violations).toBe(0);
      expect(end.roomC).toBeCloseTo(outsideC, 1);
    },
  );

  it('is exact for any step size: one long step equals many short ones with the element locked on', () => {
    const s0 = initialState({ roomC: 12, outsideC: 0, heaterOn: true, setpointC: 30 });
    expect(step(s0, 3600).roomC).toBeCloseTo(run(s0, 3600, 1).roomC, 6);
  });

  it('reaches a 21 °C setpoint from 15 °C (5 °C outside) within 20–40 simulated minutes', () => {
    const t = timeToReach(initialState({ roomC: 15, outsideC: 5, heaterOn: true, setpointC: 21 }), 21);
    expect(t).toBeGreaterThanOrEqual(20 * 60);
    expect(t).toBeLessThanOrEqual(40 * 60);
  });

  it('changes nothing for a zero or negative step', () => {
    const s0 = initialState({ roomC: 17, heaterOn: false });
    expect(step(s0, 0)).toEqual(s0);
    expect(step(s0, -5)).toEqual(s0);
  });
});

describe('heater model: thermostat', () => {
  it.each([
    { outsideC: 5, dt: 1 },
    { outsideC: 5, dt: 10 },
    { outsideC: 5, dt: 60 },
    { outsideC: -10, dt: 10 },
    { outsideC: 15, dt: 10 },
    { outsideC: 5, dt: 900 },
  ])('holds 21 °C ± 0.5 over a simulated day (outside $outsideC °C, $dt s steps)', ({ outsideC, dt }) => {
    const s0 = initialState({ roomC: 15, outsideC, heaterOn: true, setpointC: 21 });
    let settled = false;
    let cycles = 0;
    let worst = 0;
    let wasHeating = s0.heating;
    run(s0, DAY_S, dt, (s) => {
      if (s.roomC >= 21) settled = true;
      if (!settled) return;
      worst = Math.max(worst, Math.abs(s.roomC - 21));
      if (s.heating && !wasHeating) cycles++;
      wasHeating = s.heating;
    });
    expect(settled).toBe(true);
    expect(worst).toBeLessThanOrEqual(0.5);
    // It really cycles (bang-bang), rather than sitting on one side of the band.
    expect(cycles).toBeGreaterThan(3);
  });

  it.each([
    { from: 21, to: 18, heatingRightAway: false },
    { from: 21, to: 24, heatingRightAway: true },
    { from: 21, to: 21, heatingRightAway: null },
  ])('respects a setpoint change from $from to $to °C', ({ from, to, heatingRightAway }) => {
    const held = run(initialState({ roomC: 15, heaterOn: true, setpointC: from }), 4 * 3600, 10);
    const changed = setSetpoint(held, to);
    if (heatingRightAway !== null) expect(changed.heating).toBe(heatingRightAway);
    // Give it time to get there, then it holds the new setpoint.
    const settled = run(changed, 6 * 3600, 10);
    let worst = 0;
    run(settled, 6 * 3600, 10, (s) => {
      worst = Math.max(worst, Math.abs(s.roomC - to));
    });
    expect(worst).toBeLessThanOrEqual(0.5);
  });

  it('stops the element at once when switched off, and restarts it when switched on below setpoint', () => {
    const heating = initialState({ roomC: 15, heaterOn: true, setpointC: 21 });
    expect(heating.heating).toBe(true);
    const off = setHeater(heating, false);
    expect(off).toMatchObject({ heaterOn: false, heating: false });
    expect(setHeater(off, true).heating).toBe(true);
  });

  it('never heats when off, even far below the setpoint', () => {
    let heated = 0;
    run(initialState({ roomC: 10, outsideC: 0, heaterOn: false, setpointC: 30 }), DAY_S, 600, (s) => {
      if (s.heating) heated++;
    });
    expect(heated).toBe(0);
  });

  it.each([
    { value: 5, valid: true },
    { value: 30, valid: true },
    { value: 4.99, valid: false },
    { value: 99, valid: false },
    { value: Number.NaN, valid: false },
  ])('accepts setpoint $value: $valid', ({ value, valid }) => {
    expect(isValidSetpoint(value)).toBe(valid);
  });

  it.each([
    [21.2, 21],
    [21.3, 21.5],
    [5.1, 5],
    [29.9, 30],
  ])('rounds setpoint %d to the control step: %d', (value, expected) => {
    expect(roundSetpoint(value)).toBe(expected);
  });
});

describe('heater model: readings', () => {
  it('adds bounded, centred noise of about 0.05 °C', () => {
    const s = initialState({ roomC: 20 });
    const rng = seededRng(42);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    let worst = 0;
    let unrounded = 0;
    for (let i = 0; i < n; i++) {
      const r = read(s, rng);
      worst = Math.max(worst, Math.abs(r - 20));
      if (Math.round(r * 100) / 100 !== r) unrounded++;
      sum += r - 20;
      sumSq += (r - 20) ** 2;
    }
    // The 0.005 allows for rounding to 0.01 °C.
    expect(worst).toBeLessThanOrEqual(NOISE_BOUND_SIGMAS * P.noiseC + 0.005);
    expect(unrounded).toBe(0);
    expect(Math.abs(sum / n)).toBeLessThan(0.002);
    expect(Math.sqrt(sumSq / n)).toBeGreaterThan(0.045);
    expect(Math.sqrt(sumSq / n)).toBeLessThan(0.055);
  });

  it('is deterministic with a seeded rng', () => {
    const s = initialState({ roomC: 19.5 });
    const a = seededRng(7);
    const b = seededRng(7);
    const c = seededRng(8);
    const seqA = Array.from({ length: 50 }, () => read(s, a));
    const seqB = Array.from({ length: 50 }, () => read(s, b));
    const seqC = Array.from({ length: 50 }, () => read(s, c));
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('gaussian() stays within its bound for extreme rng values', () => {
    expect(gaussian(() => 0, 1)).toBeCloseTo(-NOISE_BOUND_SIGMAS);
    expect(gaussian(() => 0.999_999_9, 1)).toBeLessThanOrEqual(NOISE_BOUND_SIGMAS);
  });
});
