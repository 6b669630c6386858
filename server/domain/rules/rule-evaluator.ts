/**
 * The rules engine's entry point: `evaluate(rule, event, context, memory)`
 * → planned actions, the new memory and why. Pure: no I/O, no clock but the
 * one in the context, so it is tested without a network or real time.
 */
import type { RuleDto } from '../../../shared/rules.ts';
import { evaluateOfflineAlert, evaluateRangeAlert } from './alert-rules.ts';
import { evaluateAutomation } from './automation-rule.ts';
import type { EvalContext, EvalResult, RuleEvent, RuleMemory } from './rule-types.ts';
import { evaluateThermostat, thermostatSensor } from './thermostat-rule.ts';

/** Evaluates one rule against one event. A disabled rule does nothing. */
export function evaluate(rule: RuleDto, event: RuleEvent, ctx: EvalContext, memory: RuleMemory): EvalResult {
  if (!rule.enabled) return { actions: [], memory, log: [], trigger: null, notable: false };
  switch (rule.kind) {
    case 'automation':
      return evaluateAutomation(rule, event, ctx, memory);
    case 'thermostat':
      return evaluateThermostat(rule, event, ctx, memory);
    case 'range_alert':
      return evaluateRangeAlert(rule, event, ctx, memory);
    case 'offline_alert':
      return evaluateOfflineAlert(rule, event, ctx, memory);
  }
}

/**
 * Devices whose events can set a rule off (`'*'`: any device), so the runner
 * looks at a handful of rules per reading instead of all of them.
 */
export function watchedDevices(rule: RuleDto): { telemetry: string[]; state: string[]; presence: string[] } {
  const none = { telemetry: [], state: [], presence: [] };
  switch (rule.kind) {
    case 'automation': {
      const t = rule.trigger;
      if (t.type === 'threshold') return { ...none, telemetry: [t.device_id] };
      if (t.type === 'state') return { ...none, state: [t.device_id] };
      if (t.type === 'presence') return { ...none, presence: [t.device_id ?? '*'] };
      return none;
    }
    case 'thermostat':
      return { ...none, telemetry: [thermostatSensor(rule).device_id] };
    case 'range_alert':
      return { ...none, telemetry: [rule.device_id] };
    case 'offline_alert':
      return { ...none, presence: rule.device_ids ?? ['*'] };
  }
}
