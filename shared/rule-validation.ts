/**
 * Rule validation with errors people can act on: unions are checked by their
 * tag first, so a bad action is reported by its own schema rather than by
 * every alternative; then what schemas cannot say (ranges, duplicates,
 * combinations). The hub's API and the dashboard editor use the same checks.
 */
import Type, { type TSchema } from 'typebox';
import {
  ACTION_SCHEMAS,
  automationProps,
  CONDITION_SCHEMAS,
  commonRuleFields,
  OfflineAlertRuleBodySchema,
  RangeAlertRuleBodySchema,
  RULE_KINDS,
  type RuleBody,
  RuleBodySchema,
  ThermostatRuleBodySchema,
  TRIGGER_SCHEMAS,
} from './rules.ts';
import { checker } from './validate.ts';

const strict = { additionalProperties: false } as const;
const Tagged = Type.Object({ type: Type.String() });
const automationShell = checker(
  Type.Object({ ...commonRuleFields, ...automationProps(Tagged, Tagged, Tagged) }, strict),
);
const kindCheckers = {
  thermostat: checker(ThermostatRuleBodySchema),
  range_alert: checker(RangeAlertRuleBodySchema),
  offline_alert: checker(OfflineAlertRuleBodySchema),
};
const ruleBodyChecker = checker(RuleBodySchema);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkTagged(schemas: Record<string, TSchema>, value: unknown, path: string): string[] {
  const type = isRecord(value) ? value.type : undefined;
  const schema = typeof type === 'string' ? schemas[type] : undefined;
  if (!schema) return [`${path}/type: must be one of ${Object.keys(schemas).join(', ')}`];
  return checker(schema)
    .errors(value)
    .map((e) => (e.startsWith('/') ? `${path}${e}` : `${path}: ${e}`));
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Checks that schemas cannot express (ranges, duplicates, combinations). */
function semanticProblems(rule: RuleBody): string[] {
  const problems: string[] = [];
  switch (rule.kind) {
    case 'automation': {
      if (rule.clear_actions?.length && rule.trigger.type !== 'threshold') {
        problems.push('/clear_actions: only a threshold trigger resets, so only it can have clear_actions');
      }
      rule.conditions?.forEach((c, i) => {
        if (c.type === 'time_window' && c.from === c.to) {
          problems.push(`/conditions/${i}: a time window needs different "from" and "to"`);
        }
      });
      break;
    }
    case 'thermostat': {
      const seen = new Set<number>();
      rule.schedule.forEach((e, i) => {
        if (seen.has(minutes(e.at))) problems.push(`/schedule/${i}/at: ${e.at} appears twice`);
        seen.add(minutes(e.at));
      });
      break;
    }
    case 'range_alert': {
      if (rule.min === undefined && rule.max === undefined) problems.push('/min: give min, max or both');
      if (rule.min !== undefined && rule.max !== undefined) {
        if (rule.min >= rule.max) problems.push('/max: must be greater than min');
        else if ((rule.hysteresis ?? 0) * 2 >= rule.max - rule.min) {
          problems.push('/hysteresis: must be less than half of max − min');
        }
      }
      break;
    }
    case 'offline_alert':
      break;
  }
  return problems;
}

/**
 * Every problem with a rule body, one line each with its JSON path; empty
 * when it is valid. Unions are checked by their tag first, so the errors
 * name the schema the user meant rather than every alternative.
 */
export function ruleProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['must be an object'];
  const kind = value.kind;
  if (typeof kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(kind)) {
    return [`/kind: must be one of ${RULE_KINDS.join(', ')}`];
  }
  let problems: string[];
  if (kind === 'automation') {
    problems = automationShell.errors(value);
    if (problems.length > 0) return problems;
    problems = [
      ...checkTagged(TRIGGER_SCHEMAS, value.trigger, '/trigger'),
      ...((value.conditions as unknown[] | undefined) ?? []).flatMap((c, i) =>
        checkTagged(CONDITION_SCHEMAS, c, `/conditions/${i}`),
      ),
      ...(value.actions as unknown[]).flatMap((a, i) => checkTagged(ACTION_SCHEMAS, a, `/actions/${i}`)),
      ...((value.clear_actions as unknown[] | undefined) ?? []).flatMap((a, i) =>
        checkTagged(ACTION_SCHEMAS, a, `/clear_actions/${i}`),
      ),
    ];
  } else {
    problems = kindCheckers[kind as keyof typeof kindCheckers].errors(value);
  }
  if (problems.length > 0) return problems;
  // Belt and braces: the union itself must agree before the value is typed as a RuleBody.
  if (!ruleBodyChecker.check(value)) return [ruleBodyChecker.explain(value) || 'invalid rule'];
  return semanticProblems(value);
}

/** Validates a rule body: the typed value, or every problem found. */
export function parseRule(value: unknown): { ok: true; value: RuleBody } | { ok: false; errors: string[] } {
  const errors = ruleProblems(value);
  return errors.length === 0 ? { ok: true, value: value as RuleBody } : { ok: false, errors };
}

/** The device ids a rule refers to (for checking that they exist). */
export function ruleDeviceIds(rule: RuleBody): string[] {
  const ids = new Set<string>();
  const add = (id: string | undefined) => {
    if (id !== undefined) ids.add(id);
  };
  switch (rule.kind) {
    case 'automation':
      if ('device_id' in rule.trigger) add(rule.trigger.device_id);
      for (const c of rule.conditions ?? []) if ('device_id' in c) add(c.device_id);
      for (const a of [...rule.actions, ...(rule.clear_actions ?? [])])
        if ('device_id' in a) add(a.device_id);
      break;
    case 'thermostat':
      add(rule.heater_id);
      add(rule.sensor?.device_id);
      break;
    case 'range_alert':
      add(rule.device_id);
      break;
    case 'offline_alert':
      for (const id of rule.device_ids ?? []) add(id);
      break;
  }
  return [...ids];
}
