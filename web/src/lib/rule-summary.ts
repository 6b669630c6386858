/** One line that says what a rule does, for the rules list and the rule page. */
import type { RuleDto, Trigger } from '../../../shared/rules.ts';

export const KIND_LABEL = {
  thermostat: 'Thermostat',
  range_alert: 'Range alert',
  offline_alert: 'Offline alert',
  automation: 'Automation',
} as const;

/** `600` → `10 min`, `90` → `90 s`, `7200` → `2 h`. */
export function seconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

function trigger(t: Trigger, name: (id: string) => string): string {
  switch (t.type) {
    case 'threshold':
      return `${name(t.device_id)} ${t.metric} goes ${t.op} ${t.value}${t.for_s ? ` for ${seconds(t.for_s)}` : ''}`;
    case 'presence':
      return `${t.device_id ? name(t.device_id) : 'any device'} ${t.to ? `goes ${t.to}` : 'changes presence'}`;
    case 'state':
      return `${name(t.device_id)} ${t.property} changes${t.equals === undefined ? '' : ` to ${String(t.equals)}`}`;
    case 'schedule':
      return `at ${t.at}${t.days ? ` on ${t.days.join(', ')}` : ' every day'}`;
  }
}

/** What the rule does, in a line; `name` turns a device id into its name. */
export function summarize(rule: RuleDto, name: (id: string) => string): string {
  switch (rule.kind) {
    case 'thermostat': {
      const schedule = rule.schedule.map((e) => `${e.at} → ${e.target_c} °C`).join(', ');
      const source = rule.sensor
        ? `${name(rule.sensor.device_id)} ${rule.sensor.metric ?? 'temperature'}`
        : 'its own temperature';
      return `${name(rule.heater_id)}${rule.room ? ` in ${rule.room}` : ''}: ${schedule}, by ${source}`;
    }
    case 'range_alert': {
      const limits = [
        rule.min === undefined ? null : `below ${rule.min}`,
        rule.max === undefined ? null : `above ${rule.max}`,
      ].filter(Boolean);
      const lasting = rule.for_s ? ` for ${seconds(rule.for_s)}` : '';
      return `Alert when ${name(rule.device_id)} ${rule.metric} is ${limits.join(' or ')}${lasting}`;
    }
    case 'offline_alert': {
      const who = rule.device_ids ? rule.device_ids.map(name).join(', ') : 'any device';
      return `Alert when ${who} is offline for ${seconds(rule.after_s)}`;
    }
    case 'automation': {
      const n = rule.actions.length;
      const when = rule.conditions?.length
        ? ` (if ${rule.conditions.length} condition${rule.conditions.length === 1 ? '' : 's'} hold)`
        : '';
      return `When ${trigger(rule.trigger, name)}${when}: ${n} action${n === 1 ? '' : 's'}`;
    }
  }
}
