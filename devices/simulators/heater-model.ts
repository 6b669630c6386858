/**
 * A pure thermal model of one room with an electric heater: no I/O, no
 * timers, randomness injected. Newton's law of cooling plus the heater's own
 * bang-bang thermostat:
 *
 *   dT/dt = -lossPerS * (T - T_out) + (heating ? heatRateCPerS : 0)
 *
 * The runner (heater.ts) steps it with real elapsed time; the tests and the
 * future thermostat rules step it with simulated time.
 */

/** A source of uniform numbers in [0, 1), like Math.random. */
export type Rng = () => number;

export interface HeaterState {
  roomC: number;
  outsideC: number;
  /** Enabled by the user (`heater.set`). */
  heaterOn: boolean;
  setpointC: number;
  /** The element is running right now (the built-in thermostat decides). */
  heating: boolean;
}

export interface HeaterParams {
  /** Heat loss coefficient (1/s): the room's time constant is 1 / lossPerS. */
  lossPerS: number;
  /** Warming rate of the running element alone (°C/s). */
  heatRateCPerS: number;
  /** Thermostat dead band (°C): on below setpoint − h/2, off above setpoint + h/2. */
  hysteresisC: number;
  /** Standard deviation of a reading's noise (°C). */
  noiseC: number;
  /** Longest interval integrated at once, so the thermostat reacts between long steps (s). */
  maxSubstepS: number;
}

/**
 * A 2-hour time constant and an element that could hold the room 36 °C above
 * outside: from 15 °C with 5 °C outside, 21 °C is reached in about 31 minutes.
 */
export const DEFAULT_HEATER_PARAMS: Readonly<HeaterParams> = {
  lossPerS: 1 / 7200,
  heatRateCPerS: 0.005,
  hysteresisC: 0.5,
  noiseC: 0.05,
  maxSubstepS: 5,
};

/** The setpoint control as the heater describes it (°C). */
export const SETPOINT_RANGE = { min: 5, max: 30, step: 0.5 } as const;

/** A plausible starting point: a cool room, heater off, 21 °C setpoint. */
export function initialState(overrides: Partial<HeaterState> = {}): HeaterState {
  const state: HeaterState = {
    roomC: 15,
    outsideC: 5,
    heaterOn: false,
    setpointC: 21,
    heating: false,
    ...overrides,
  };
  return thermostat(state);
}

/** True when `value` is a setpoint the heater accepts (inside the range). */
export function isValidSetpoint(value: number): boolean {
  return Number.isFinite(value) && value >= SETPOINT_RANGE.min && value <= SETPOINT_RANGE.max;
}

/** Rounds a setpoint to the control's step, as the device's knob would. */
export function roundSetpoint(value: number): number {
  return Math.round(value / SETPOINT_RANGE.step) * SETPOINT_RANGE.step;
}

/** The built-in thermostat: decides whether the element runs, with hysteresis. */
export function thermostat(state: HeaterState, params: HeaterParams = DEFAULT_HEATER_PARAMS): HeaterState {
  const half = params.hysteresisC / 2;
  let heating: boolean;
  if (!state.heaterOn) heating = false;
  else if (state.roomC < state.setpointC - half) heating = true;
  else if (state.roomC > state.setpointC + half) heating = false;
  // Inside the dead band the element keeps doing what it did: that is the hysteresis.
  else heating = state.heating;
  return heating === state.heating ? state : { ...state, heating };
}

/** The user switches the heater on or off; the thermostat re-decides at once. */
export function setHeater(
  state: HeaterState,
  on: boolean,
  params: HeaterParams = DEFAULT_HEATER_PARAMS,
): HeaterState {
  return thermostat({ ...state, heaterOn: on }, params);
}

/** The user changes the setpoint (already validated); the thermostat re-decides at once. */
export function setSetpoint(
  state: HeaterState,
  setpointC: number,
  params: HeaterParams = DEFAULT_HEATER_PARAMS,
): HeaterState {
  return thermostat({ ...state, setpointC }, params);
}

/**
 * Advances the model by `dtSeconds`. Each substep integrates the linear ODE
 * exactly (exponential approach to the equilibrium), so any step size is
 * stable; substeps only bound how late the thermostat can react.
 */
export function step(
  state: HeaterState,
  dtSeconds: number,
  params: HeaterParams = DEFAULT_HEATER_PARAMS,
): HeaterState {
  if (!(dtSeconds > 0)) return thermostat(state, params);
  let s = thermostat(state, params);
  let left = dtSeconds;
  while (left > 0) {
    const dt = Math.min(left, params.maxSubstepS);
    const equilibrium = s.outsideC + (s.heating ? params.heatRateCPerS / params.lossPerS : 0);
    const roomC = equilibrium + (s.roomC - equilibrium) * Math.exp(-params.lossPerS * dt);
    s = thermostat({ ...s, roomC }, params);
    left -= dt;
  }
  return s;
}

/**
 * Gaussian-ish noise with mean 0 and standard deviation `sigma`: the
 * Irwin–Hall sum of four uniforms, so it is also bounded (|x| ≤ 3.47 σ).
 */
export function gaussian(rng: Rng, sigma: number): number {
  const sum = rng() + rng() + rng() + rng();
  // Four uniforms sum to mean 2 with standard deviation sqrt(4/12).
  return ((sum - 2) / Math.sqrt(4 / 12)) * sigma;
}

/** The largest |noise| gaussian() can return, in units of sigma. */
export const NOISE_BOUND_SIGMAS = 2 / Math.sqrt(4 / 12);

/** A noisy temperature reading, rounded to 0.01 °C like a real sensor. */
export function read(state: HeaterState, rng: Rng, params: HeaterParams = DEFAULT_HEATER_PARAMS): number {
  return Math.round((state.roomC + gaussian(rng, params.noiseC)) * 100) / 100;
}

/** A small deterministic PRNG (mulberry32) for tests and reproducible simulations. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
