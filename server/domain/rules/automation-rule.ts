/**
 * User automations: a trigger (threshold with hysteresis and duration,
 * presence change, state change, schedule), conditions (time window, another
 * device's reading, state or presence) and actions. Pure.
 */
import { type Action, type AutomationRule, type Condition, RULE_DEFAULTS } from '../../../shared/rules.ts';
import type { StateValue } from '../../../shared/wire.ts';
import { boundTests, stepGate } from './hysteresis-gate.ts';
import { crossed, formatTime, inWindow, parseTime } from './local-time.ts';
import {
  describeEvent,
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

/** What fired, for templates and the run log. */
interface Firing {
  kind: 'fire' | 'clear';
  trigger: string;
  why: string;
  deviceId: string | null;
  metric: string | null;
  value: StateValue | null;
}

type TriggerStep = { firing: Firing | null; memory: RuleMemory };

function thresholdStep(rule: AutomationRule, event: RuleEvent, ctx: EvalContext, m: RuleMemory): TriggerStep {
  const tr = rule.trigger;
  if (tr.type !== 'threshold') return { firing: null, memory: m };
  let v: number;
  let t: number;
  const lastTs = memNumber(m, 'last_ts');
  const active = memBoolean(m, 'active') ?? false;
  const since = memNumber(m, 'since');
  if (event.type === 'telemetry' && event.device_id === tr.device_id) {
    const value = event.values[tr.metric];
    // Out-of-order readings (a device replaying its offline buffer) must not rewind durations.
    if (value === undefined || (lastTs !== null && event.ts < lastTs)) return { firing: null, memory: m };
    v = value;
    t = event.ts;
  } else if (event.type === 'tick' && since !== null) {
    // A pending duration completes on the clock even when no new reading comes.
    const latest = ctx.device(tr.device_id)?.latest[tr.metric];
    if (!latest) return { firing: null, memory: m };
    v = latest.value;
    t = Math.max(ctx.now, latest.ts);
  } else {
    return { firing: null, memory: m };
  }
  const tests = boundTests(tr.op, tr.value, tr.hysteresis ?? 0, v);
  const g = stepGate({ active, since, ...tests, t, forMs: (tr.for_s ?? 0) * 1000 });
  const memory = { ...m, active: g.active, since: g.since, last_ts: event.type === 'telemetry' ? t : lastTs };
  if (!g.transition) return { firing: null, memory };
  const held = tr.for_s ? ` for ${tr.for_s} s` : '';
  const firing: Firing =
    g.transition === 'entered'
      ? {
          kind: 'fire',
          trigger: describeEvent(event),
          why: `${tr.device_id} ${tr.metric} ${show(v)} ${tr.op} ${show(tr.value)}${held}`,
          deviceId: tr.device_id,
          metric: tr.metric,
          value: v,
        }
      : {
          kind: 'clear',
          trigger: describeEvent(event),
          why: `${tr.device_id} ${tr.metric} ${show(v)} back ${tr.op === 'above' ? 'at or below' : 'at or above'} ${show(
            tr.op === 'above' ? tr.value - (tr.hysteresis ?? 0) : tr.value + (tr.hysteresis ?? 0),
          )}${held}`,
          deviceId: tr.device_id,
          metric: tr.metric,
          value: v,
        };
  return { firing, memory };
}

function triggerStep(rule: AutomationRule, event: RuleEvent, ctx: EvalContext, m: RuleMemory): TriggerStep {
  const tr = rule.trigger;
  const fire = (why: string, deviceId: string | null, value: StateValue | null): Firing => ({
    kind: 'fire',
    trigger: describeEvent(event),
    why,
    deviceId,
    metric: null,
    value,
  });
  switch (tr.type) {
    case 'threshold':
      return thresholdStep(rule, event, ctx, m);
    case 'presence': {
      if (event.type !== 'presence') break;
      if (tr.device_id !== undefined && tr.device_id !== event.device_id) break;
      // Every device goes offline when the hub stops: that is not news about the device.
      if (event.presence.reason === 'hub_shutdown') break;
      const status = event.presence.status;
      if (status === event.previous || (tr.to !== undefined && status !== tr.to)) break;
      const why = `${event.device_id} went ${status} (${event.presence.reason})`;
      return { firing: fire(why, event.device_id, status), memory: m };
    }
    case 'state': {
      if (event.type !== 'state' || event.device_id !== tr.device_id) break;
      const now = event.state[tr.property];
      const before = event.previous?.[tr.property];
      if (now === undefined || now === before) break;
      if (tr.equals !== undefined && now !== tr.equals) break;
      const why = `${tr.device_id} ${tr.property} changed ${show(before)} → ${show(now)}`;
      return { firing: fire(why, tr.device_id, now), memory: m };
    }
    case 'schedule': {
      if (event.type !== 'tick') break;
      const last = memNumber(m, 'last_tick');
      const memory = { ...m, last_tick: ctx.now };
      // The first tick after a (re)start only sets the mark: an 07:00 schedule
      // must not fire because the hub started at 15:00.
      if (last === null || last >= ctx.now) return { firing: null, memory };
      const day = crossed(ctx.local(last), ctx.local(ctx.now), parseTime(tr.at));
      if (day === null || (tr.days !== undefined && !tr.days.includes(day))) return { firing: null, memory };
      return { firing: fire(`it is ${tr.at} (${day})`, null, null), memory };
    }
  }
  return { firing: null, memory: m };
}

/** Checks one condition against the world; says why either way. */
export function checkCondition(c: Condition, ctx: EvalContext): { ok: boolean; why: string } {
  switch (c.type) {
    case 'time_window': {
      const local = ctx.local(ctx.now);
      const inside =
        inWindow(local.minute, parseTime(c.from), parseTime(c.to)) &&
        (c.days === undefined || c.days.includes(local.weekday));
      const days = c.days ? ` on ${c.days.join(',')}` : '';
      return {
        ok: inside,
        why: `time ${formatTime(local.minute)} ${local.weekday} in ${c.from}–${c.to}${days}`,
      };
    }
    case 'reading': {
      const r = ctx.device(c.device_id)?.latest[c.metric];
      const subject = `${c.device_id} ${c.metric}`;
      if (!r) return { ok: false, why: `${subject} has no reading` };
      if (c.max_age_s !== undefined && ctx.now - r.ts > c.max_age_s * 1000) {
        return { ok: false, why: `${subject} reading is older than ${c.max_age_s} s` };
      }
      const ok = c.op === 'above' ? r.value > c.value : r.value < c.value;
      return { ok, why: `${subject} ${show(r.value)} ${c.op} ${show(c.value)}` };
    }
    case 'state': {
      const v = ctx.device(c.device_id)?.state[c.property];
      return { ok: v === c.equals, why: `${c.device_id} ${c.property} ${show(v)} = ${show(c.equals)}` };
    }
    case 'presence': {
      const status = ctx.presence(c.device_id)?.status ?? 'unknown';
      return { ok: status === c.status, why: `${c.device_id} is ${status}, wanted ${c.status}` };
    }
  }
}

/** Fills `{device}`, `{device_id}`, `{metric}` and `{value}` in a message. */
export function fillTemplate(text: string, f: Firing, ctx: EvalContext): string {
  const name = f.deviceId ? (ctx.device(f.deviceId)?.name ?? f.deviceId) : '';
  return text
    .replaceAll('{device}', name)
    .replaceAll('{device_id}', f.deviceId ?? '')
    .replaceAll('{metric}', f.metric ?? '')
    .replaceAll('{value}', show(f.value));
}

function plan(a: Action, f: Firing, ctx: EvalContext, ruleName: string): PlannedAction {
  switch (a.type) {
    case 'rpc':
      return {
        type: 'rpc',
        device_id: a.device_id,
        method: a.method,
        params: a.params ?? {},
        timeout_ms: a.timeout_ms,
      };
    case 'set_desired':
      return { ...a };
    case 'raise_alert':
      return {
        type: 'raise_alert',
        key: a.key ?? RULE_DEFAULTS.alert_key,
        severity: a.severity ?? RULE_DEFAULTS.severity,
        message: fillTemplate(a.message, f, ctx),
        device_id: f.deviceId,
        value: typeof f.value === 'number' ? f.value : null,
      };
    case 'clear_alert':
      return { type: 'clear_alert', key: a.key ?? RULE_DEFAULTS.alert_key, reason: f.why };
    case 'webhook':
      return {
        type: 'webhook',
        url: a.url,
        message: a.message ? fillTemplate(a.message, f, ctx) : `${ruleName}: ${f.why}`,
        timeout_ms: a.timeout_ms,
      };
  }
}

/** Evaluates an automation rule against one event. Pure. */
export function evaluateAutomation(
  rule: AutomationRule,
  event: RuleEvent,
  ctx: EvalContext,
  memory: RuleMemory,
): EvalResult {
  const step = triggerStep(rule, event, ctx, memory);
  const f = step.firing;
  if (!f) return quiet(step.memory);
  const log = [`trigger: ${f.why}`];
  if (f.kind === 'clear') {
    // Clearing ignores conditions: a time window must not leave an alert stuck on.
    const actions = (rule.clear_actions ?? []).map((a) => plan(a, f, ctx, rule.name));
    log.push(actions.length ? 'reset: running clear actions' : 'reset: no clear actions');
    return { actions, memory: step.memory, log, trigger: f.trigger, notable: true };
  }
  for (const c of rule.conditions ?? []) {
    const r = checkCondition(c, ctx);
    log.push(`condition ${c.type}: ${r.why} → ${r.ok ? 'yes' : 'no'}`);
    if (!r.ok) {
      log.push('not acting: a condition is not met');
      return { actions: [], memory: step.memory, log, trigger: f.trigger, notable: true };
    }
  }
  const actions = rule.actions.map((a) => plan(a, f, ctx, rule.name));
  return { actions, memory: step.memory, log, trigger: f.trigger, notable: true };
}
