/**
 * The built-in thermostat: per room, a target-temperature schedule, a
 * temperature source and a heater. It switches the heater through desired
 * state (so a change made while the heater is away waits for it) with a dead
 * band of `hysteresis_c` around the target: on below target − h/2, off above
 * target + h/2, unchanged in between. Pure.
 */
import { RULE_DEFAULTS, type ThermostatRule } from '../../../shared/rules.ts';
import { entryAt } from './local-time.ts';
import {
  type EvalContext,
  type EvalResult,
  memBoolean,
  memNumber,
  type PlannedAction,
  quiet,
  type RuleEvent,
  type RuleMemory,
  show,
} from './rule-types.ts';

/** How often a decision the heater does not reflect is sent again. */
export const THERMOSTAT_REASSERT_MS = 60_000;

/** The target in force at `ts` and the schedule entry it comes from. */
export function thermostatTarget(rule: ThermostatRule, ctx: EvalContext, ts: number) {
  const local = ctx.local(ts);
  const entry = entryAt(rule.schedule, local.minute);
  // The schema guarantees at least one entry.
  return entry ? { target: entry.target_c, from: entry.at } : { target: 0, from: '00:00' };
}

/** The sensor a thermostat reads: its own, or the heater's `temperature`. */
export function thermostatSensor(rule: ThermostatRule): { device_id: string; metric: string } {
  return {
    device_id: rule.sensor?.device_id ?? rule.heater_id,
    metric: rule.sensor?.metric ?? 'temperature',
  };
}

/** Evaluates a thermostat against one event. Pure. */
export function evaluateThermostat(
  rule: ThermostatRule,
  event: RuleEvent,
  ctx: EvalContext,
  memory: RuleMemory,
): EvalResult {
  const sensor = thermostatSensor(rule);
  let reading: { value: number; ts: number } | undefined;
  if (event.type === 'telemetry') {
    if (event.device_id !== sensor.device_id) return quiet(memory);
    const value = event.values[sensor.metric];
    if (value === undefined) return quiet(memory);
    reading = { value, ts: event.ts };
  } else if (event.type === 'tick') {
    reading = ctx.device(sensor.device_id)?.latest[sensor.metric];
  } else {
    return quiet(memory);
  }

  const h = rule.hysteresis_c ?? RULE_DEFAULTS.thermostat_hysteresis_c;
  const maxAgeMs = (rule.max_sensor_age_s ?? RULE_DEFAULTS.thermostat_max_sensor_age_s) * 1000;
  const { target, from } = thermostatTarget(rule, ctx, ctx.now);
  const wasHeating = memBoolean(memory, 'heating');
  const log: string[] = [];
  const lastTarget = memNumber(memory, 'target');
  const targetChanged = lastTarget !== target;
  if (targetChanged) log.push(`target ${show(target)} °C (schedule from ${from})`);

  let heating: boolean;
  if (
    event.type === 'tick' &&
    !targetChanged &&
    wasHeating !== null &&
    reading &&
    ctx.now - reading.ts <= maxAgeMs
  ) {
    // Readings decide on their own event (whose run log names them); a tick only
    // brings schedule changes, a silent sensor, and heaters that did not follow.
    heating = wasHeating;
  } else if (!reading || ctx.now - reading.ts > maxAgeMs) {
    // Without a fresh reading the thermostat cannot know the room: failing safe means off.
    heating = false;
    const age = reading ? `${Math.round((ctx.now - reading.ts) / 1000)} s old` : 'missing';
    log.push(`no fresh reading from ${sensor.device_id} ${sensor.metric} (${age}) → heater off`);
  } else {
    const low = target - h / 2;
    const high = target + h / 2;
    const t = show(reading.value);
    if (reading.value < low) {
      heating = true;
      log.push(`${t} °C < ${show(low)} (target ${show(target)} − ${show(h / 2)}) → heater on`);
    } else if (reading.value > high) {
      heating = false;
      log.push(`${t} °C > ${show(high)} (target ${show(target)} + ${show(h / 2)}) → heater off`);
    } else {
      heating = wasHeating ?? reading.value < target;
      log.push(`${t} °C within ${show(low)}–${show(high)} → heater stays ${heating ? 'on' : 'off'}`);
    }
  }

  const heater = ctx.device(rule.heater_id);
  const now = ctx.now;
  const actions: PlannedAction[] = [];
  const next: RuleMemory = { ...memory, heating, target };
  const due = (key: string) => {
    const last = memNumber(memory, key);
    return last === null || now - last >= THERMOSTAT_REASSERT_MS;
  };

  const reported = heater?.state.heater;
  const drifted = typeof reported === 'boolean' && reported !== heating && due('asserted_at');
  if (heating !== wasHeating || drifted) {
    if (drifted && heating === wasHeating) log.push(`heater reports ${show(reported)}: asking again`);
    actions.push({ type: 'set_desired', device_id: rule.heater_id, property: 'heater', value: heating });
    next.asserted_at = now;
  }
  const setpoint = rule.heater_setpoint_c;
  if (setpoint !== undefined && heater?.state.setpoint !== setpoint && due('setpoint_at')) {
    // The heater's own thermostat must not cut in before this one: hold its setpoint.
    log.push(`heater setpoint ${show(heater?.state.setpoint)} → ${show(setpoint)}`);
    actions.push({ type: 'set_desired', device_id: rule.heater_id, property: 'setpoint', value: setpoint });
    next.setpoint_at = now;
  }

  if (actions.length === 0 && !targetChanged) return quiet(next);
  const trigger =
    event.type === 'telemetry'
      ? `telemetry ${sensor.device_id} ${sensor.metric}=${show(reading?.value)}`
      : targetChanged
        ? `schedule ${from}`
        : 'clock';
  return { actions, memory: next, log, trigger, notable: true };
}
