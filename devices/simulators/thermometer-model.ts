/**
 * A pure model of a room thermometer/hygrometer: a daily sine (warmest in
 * the afternoon, when the air is also driest) plus a slow bounded random
 * drift and per-reading noise. Time and randomness are injected.
 */
import { gaussian, type Rng } from './heater-model.ts';

export interface ThermometerParams {
  /** Daily mean temperature (°C) and half the day's swing. */
  meanC: number;
  dailyAmplitudeC: number;
  /** Hour of the day (UTC, 0–24) when it is warmest. */
  peakHour: number;
  /** Daily mean relative humidity (%) and how many % it drops per °C above the mean. */
  meanHumidityPct: number;
  humidityPerC: number;
  /** Slow drift: standard deviation and correlation time (Ornstein–Uhlenbeck). */
  driftC: number;
  driftHumidityPct: number;
  driftTauS: number;
  /** Per-reading noise (standard deviations). */
  noiseC: number;
  noiseHumidityPct: number;
}

export const DEFAULT_THERMOMETER_PARAMS: Readonly<ThermometerParams> = {
  meanC: 19,
  dailyAmplitudeC: 1.5,
  peakHour: 15,
  meanHumidityPct: 45,
  humidityPerC: 2,
  driftC: 0.3,
  driftHumidityPct: 2,
  driftTauS: 3600,
  noiseC: 0.05,
  noiseHumidityPct: 0.3,
};

export interface ThermometerState {
  /** The model time (ms since epoch) the state describes. */
  ts: number;
  driftC: number;
  driftHumidityPct: number;
}

export interface ThermometerReading {
  temperature: number;
  humidity: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** Drift is clamped to this many standard deviations, so readings stay plausible forever. */
const DRIFT_CLAMP_SIGMAS = 3;

/** A fresh state at time `ts`, without drift. */
export function initialState(ts: number): ThermometerState {
  return { ts, driftC: 0, driftHumidityPct: 0 };
}

/** The noise-free daily cycle at `ts`: temperature and humidity. */
export function baseline(
  ts: number,
  params: ThermometerParams = DEFAULT_THERMOMETER_PARAMS,
): ThermometerReading {
  const hour = (((ts % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  const temperature =
    params.meanC + params.dailyAmplitudeC * Math.cos((2 * Math.PI * (hour - params.peakHour)) / 24);
  const humidity = params.meanHumidityPct - params.humidityPerC * (temperature - params.meanC);
  return { temperature, humidity };
}

function ou(value: number, sigma: number, decay: number, rng: Rng): number {
  // Exact Ornstein–Uhlenbeck update: the stationary deviation is sigma for any step.
  const next = value * decay + gaussian(rng, sigma * Math.sqrt(1 - decay * decay));
  const bound = sigma * DRIFT_CLAMP_SIGMAS;
  return Math.min(bound, Math.max(-bound, next));
}

/** Advances the drift to time `ts` (a `ts` in the past changes nothing). */
export function step(
  state: ThermometerState,
  ts: number,
  rng: Rng,
  params: ThermometerParams = DEFAULT_THERMOMETER_PARAMS,
): ThermometerState {
  const dtS = (ts - state.ts) / 1000;
  if (!(dtS > 0)) return state;
  const decay = Math.exp(-dtS / params.driftTauS);
  return {
    ts,
    driftC: ou(state.driftC, params.driftC, decay, rng),
    driftHumidityPct: ou(state.driftHumidityPct, params.driftHumidityPct, decay, rng),
  };
}

/** A noisy reading at the state's time, rounded like a real sensor (0.01 °C, 0.1 %). */
export function read(
  state: ThermometerState,
  rng: Rng,
  params: ThermometerParams = DEFAULT_THERMOMETER_PARAMS,
): ThermometerReading {
  const base = baseline(state.ts, params);
  const temperature = base.temperature + state.driftC + gaussian(rng, params.noiseC);
  const humidity = base.humidity + state.driftHumidityPct + gaussian(rng, params.noiseHumidityPct);
  return {
    temperature: Math.round(temperature * 100) / 100,
    humidity: Math.round(Math.min(100, Math.max(0, humidity)) * 10) / 10,
  };
}
