import { describe, expect, it } from 'vitest';
import { seededRng } from '../../devices/simulators/heater-model.ts';
import {
  baseline,
  DEFAULT_THERMOMETER_PARAMS,
  initialState,
  read,
  step,
  type ThermometerState,
} from '../../devices/simulators/thermometer-model.ts';

const P = DEFAULT_THERMOMETER_PARAMS;
const HOUR_MS = 3_600_000;
/** 2026-01-01T00:00Z, a midnight UTC. */
const MIDNIGHT = Date.UTC(2026, 0, 1);

describe('thermometer model: daily cycle', () => {
  it.each([
    { hour: P.peakHour, temperature: P.meanC + P.dailyAmplitudeC },
    { hour: (P.peakHour + 12) % 24, temperature: P.meanC - P.dailyAmplitudeC },
    { hour: (P.peakHour + 6) % 24, temperature: P.meanC },
  ])('is $temperature °C at $hour h UTC', ({ hour, temperature }) => {
    expect(baseline(MIDNIGHT + hour * HOUR_MS).temperature).toBeCloseTo(temperature, 6);
  });

  it('repeats every day and makes the air driest when it is warmest', () => {
    const t = MIDNIGHT + 7.25 * HOUR_MS;
    expect(baseline(t + 24 * HOUR_MS).temperature).toBeCloseTo(baseline(t).temperature, 6);
    const warm = baseline(MIDNIGHT + P.peakHour * HOUR_MS);
    const cold = baseline(MIDNIGHT + ((P.peakHour + 12) % 24) * HOUR_MS);
    expect(warm.humidity).toBeLessThan(P.meanHumidityPct);
    expect(cold.humidity).toBeGreaterThan(P.meanHumidityPct);
  });
});

describe('thermometer model: drift and readings', () => {
  /** Three days of 30-second steps, visiting every state. */
  function days(seed: number, visit: (s: ThermometerState) => void): ThermometerState {
    const rng = seededRng(seed);
    let s = initialState(MIDNIGHT);
    for (let t = MIDNIGHT + 30_000; t <= MIDNIGHT + 3 * 24 * HOUR_MS; t += 30_000) {
      s = step(s, t, rng);
      visit(s);
    }
    return s;
  }

  it.each([1, 2, 3])('drifts slowly and stays bounded (seed %i)', (seed) => {
    let sumSq = 0;
    let n = 0;
    let previous = 0;
    let maxC = 0;
    let maxPct = 0;
    let maxJump = 0;
    days(seed, (s) => {
      maxC = Math.max(maxC, Math.abs(s.driftC));
      maxPct = Math.max(maxPct, Math.abs(s.driftHumidityPct));
      maxJump = Math.max(maxJump, Math.abs(s.driftC - previous));
      previous = s.driftC;
      sumSq += s.driftC ** 2;
      n++;
    });
    expect(maxC).toBeLessThanOrEqual(3 * P.driftC + 1e-9);
    expect(maxPct).toBeLessThanOrEqual(3 * P.driftHumidityPct + 1e-9);
    // Slow: 30 s never moves it by more than a fraction of its spread.
    expect(maxJump).toBeLessThan(P.driftC / 2);
    const rms = Math.sqrt(sumSq / n);
    expect(rms).toBeGreaterThan(P.driftC * 0.3);
    expect(rms).toBeLessThan(P.driftC * 2);
  });

  it('ignores a step back in time', () => {
    const s = step(initialState(MIDNIGHT), MIDNIGHT + HOUR_MS, seededRng(1));
    expect(step(s, MIDNIGHT, seededRng(2))).toBe(s);
    expect(step(s, s.ts, seededRng(2))).toBe(s);
  });

  it('reads close to the daily cycle, rounded like a sensor', () => {
    const rng = seededRng(9);
    let worstC = 0;
    let worstPct = 0;
    let unrounded = 0;
    days(4, (s) => {
      const r = read(s, rng);
      const base = baseline(s.ts);
      worstC = Math.max(worstC, Math.abs(r.temperature - base.temperature));
      worstPct = Math.max(worstPct, Math.abs(r.humidity - base.humidity));
      if (Math.round(r.temperature * 100) / 100 !== r.temperature) unrounded++;
      if (Math.round(r.humidity * 10) / 10 !== r.humidity) unrounded++;
    });
    // Drift is clamped at 3 σ; noise is bounded at 3.47 σ; plus rounding.
    expect(worstC).toBeLessThan(3 * P.driftC + 4 * P.noiseC);
    expect(worstPct).toBeLessThan(3 * P.driftHumidityPct + 4 * P.noiseHumidityPct);
    expect(unrounded).toBe(0);
  });

  it('keeps humidity within 0–100 %', () => {
    const params = { ...P, meanHumidityPct: 99, noiseHumidityPct: 5 };
    const rng = seededRng(5);
    const seen = Array.from(
      { length: 1000 },
      () => read({ ts: MIDNIGHT, driftC: 0, driftHumidityPct: 5 }, rng, params).humidity,
    );
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seen)).toBe(100);
  });

  it('is deterministic with a seeded rng', () => {
    const trace = (seed: number) => {
      const readings: number[] = [];
      const rng = seededRng(seed + 100);
      days(seed, (s) => {
        if (readings.length < 200) readings.push(read(s, rng).temperature);
      });
      return readings;
    };
    expect(trace(1)).toEqual(trace(1));
    expect(trace(1)).not.toEqual(trace(2));
  });
});
