/**
 * The built-in alerts. `range_alert`: a reading outside [min, max] for
 * `for_s` raises; back inside by the hysteresis for `for_s` clears, so a
 * value hovering at a limit never flaps. `offline_alert`: a device offline
 * for `after_s` raises; its return clears. Whether an alert is active comes
 * from the alert store (`ctx.activeAlerts`), so a restart neither repeats
 * nor forgets one. Pure.
 */
import type { OfflineAlertRule, RangeAlertRule } from '../../../shared/rules.ts';
import { RULE_DEFAULTS } from '../../../shared/rules.ts';
import { stepGate } from './hysteresis-gate.ts';
import {
  describeEvent,
  type EvalContext,
  type EvalResult,
  memNumber,
  type PlannedAction,
  quiet,
  type RuleEvent,
  type RuleMemory,
  show,
} from './rule-types.ts';

/** `600` → `10 min`. */
export function formatDuration(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** The alert key of a range alert. */
export const rangeKey = (rule: RangeAlertRule): string => `${rule.device_id}/${rule.metric}`;

/** Alerts of this rule that its current definition no longer produces (it was edited). */
function orphaned(ctx: EvalContext, keep: (key: string) => boolean, reason: string): PlannedAction[] {
  return [...ctx.activeAlerts].filter((k) => !keep(k)).map((key) => ({ type: 'clear_alert', key, reason }));
}

/** Evaluates a range alert against one event. Pure. */
export function evaluateRangeAlert(
  rule: RangeAlertRule,
  event: RuleEvent,
  ctx: EvalContext,
  memory: RuleMemory,
): EvalResult {
  const key = rangeKey(rule);
  const since = memNumber(memory, 'since');
  const lastTs = memNumber(memory, 'last_ts');
  let v: number;
  let t: number;
  if (event.type === 'telemetry' && event.device_id === rule.device_id) {
    const value = event.values[rule.metric];
    if (value === undefined || (lastTs !== null && event.ts < lastTs)) return quiet(memory);
    v = value;
    t = event.ts;
  } else if (event.type === 'tick') {
    const stale = orphaned(ctx, (k) => k === key, 'the rule was changed');
    if (stale.length > 0) {
      return { actions: stale, memory, log: ['rule changed: clearing'], trigger: 'clock', notable: true };
    }
    const device = ctx.device(rule.device_id);
    if (!device && ctx.activeAlerts.has(key)) {
      const reason = `${rule.device_id} was removed`;
      return {
        actions: [{ type: 'clear_alert', key, reason }],
        memory,
        log: [reason],
        trigger: 'clock',
        notable: true,
      };
    }
    const latest = device?.latest[rule.metric];
    if (since === null || !latest) return quiet(memory);
    v = latest.value;
    t = Math.max(ctx.now, latest.ts);
  } else {
    return quiet(memory);
  }

  const h = rule.hysteresis ?? 0;
  const tooHigh = rule.max !== undefined && v > rule.max;
  const tooLow = rule.min !== undefined && v < rule.min;
  const back = (rule.max === undefined || v <= rule.max - h) && (rule.min === undefined || v >= rule.min + h);
  const active = ctx.activeAlerts.has(key);
  const forS = rule.for_s ?? 0;
  const g = stepGate({ active, since, enter: tooHigh || tooLow, leave: back, t, forMs: forS * 1000 });
  const next = { ...memory, since: g.since, last_ts: event.type === 'telemetry' ? t : lastTs };
  if (!g.transition) return quiet(next);

  const name = ctx.device(rule.device_id)?.name ?? rule.device_id;
  const held = forS > 0 ? ` for ${formatDuration(forS)}` : '';
  const range =
    rule.min === undefined
      ? `≤ ${show(rule.max)}`
      : rule.max === undefined
        ? `≥ ${show(rule.min)}`
        : `${show(rule.min)}–${show(rule.max)}`;
  let action: PlannedAction;
  let why: string;
  if (g.transition === 'entered') {
    const bound = tooHigh ? `above ${show(rule.max)}` : `below ${show(rule.min)}`;
    why = `${name} ${rule.metric} ${show(v)} ${bound}${held}`;
    action = {
      type: 'raise_alert',
      key,
      severity: rule.severity ?? RULE_DEFAULTS.severity,
      message: why,
      device_id: rule.device_id,
      value: v,
    };
  } else {
    const lo = rule.min === undefined ? undefined : rule.min + h;
    const hi = rule.max === undefined ? undefined : rule.max - h;
    const inner =
      lo === undefined
        ? `at or below ${show(hi)}`
        : hi === undefined
          ? `at or above ${show(lo)}`
          : `within ${show(lo)}–${show(hi)}`;
    why = `${name} ${rule.metric} ${show(v)} back ${inner}${held}`;
    action = { type: 'clear_alert', key, reason: why };
  }
  return {
    actions: [action],
    memory: next,
    log: [`range ${range} (hysteresis ${show(h)}): ${why}`],
    trigger: describeEvent(event),
    notable: true,
  };
}

/** Evaluates an offline alert against one event. Pure. */
export function evaluateOfflineAlert(
  rule: OfflineAlertRule,
  event: RuleEvent,
  ctx: EvalContext,
  memory: RuleMemory,
): EvalResult {
  const scope = rule.device_ids ? new Set(rule.device_ids) : null;
  const inScope = (id: string) => (scope ? scope.has(id) : true);
  let ids: readonly string[];
  const actions: PlannedAction[] = [];
  if (event.type === 'presence') {
    if (!inScope(event.device_id)) return quiet(memory);
    ids = [event.device_id];
  } else if (event.type === 'tick') {
    // Active alerts are visited too: a device removed from the hub must not leave its alert on.
    ids = [...new Set([...(rule.device_ids ?? ctx.deviceIds()), ...[...ctx.activeAlerts].filter(inScope)])];
    actions.push(...orphaned(ctx, (k) => inScope(k), 'the device is no longer watched by this rule'));
  } else {
    return quiet(memory);
  }

  const log: string[] = [];
  const afterMs = rule.after_s * 1000;
  for (const id of ids) {
    const p = ctx.presence(id);
    const active = ctx.activeAlerts.has(id);
    if (!p) {
      if (active) actions.push({ type: 'clear_alert', key: id, reason: `${id} was removed` });
      continue;
    }
    if (p.status === 'offline' && p.since !== null && ctx.now - p.since >= afterMs && !active) {
      const name = ctx.device(id)?.name ?? id;
      const message = `${name} has been offline for ${formatDuration(rule.after_s)} (${p.reason})`;
      log.push(message);
      actions.push({
        type: 'raise_alert',
        key: id,
        severity: rule.severity ?? RULE_DEFAULTS.severity,
        message,
        device_id: id,
        value: null,
      });
    } else if ((p.status === 'online' || p.status === 'stale') && active) {
      const reason = `${ctx.device(id)?.name ?? id} is back ${p.status}`;
      log.push(reason);
      actions.push({ type: 'clear_alert', key: id, reason });
    }
  }
  if (actions.length === 0) return quiet(memory);
  return { actions, memory, log, trigger: describeEvent(event), notable: true };
}
