/**
 * The dashboard's rule editor, without a browser: a stored rule opened for
 * editing and saved unchanged gives back the same body (an edit never
 * corrupts a rule), and ruleProblems() lines land under the right field.
 */
import { describe, expect, it } from 'vitest';
import { ruleProblems } from '../../shared/rule-validation.ts';
import type { RuleDto } from '../../shared/rules.ts';
import { draftOf, newDraft, toBody } from '../../web/src/lib/rule-drafts.ts';
import { problemsAt, toProblems } from '../../web/src/lib/rule-problems.ts';

const stored = { id: 'r1', enabled: true, created_at: 1, updated_at: 2 };

const RULES: RuleDto[] = [
  {
    ...stored,
    kind: 'thermostat',
    name: 'Living room',
    room: 'Living room',
    heater_id: 'living-heater',
    sensor: { device_id: 'living-thermo', metric: 'temperature' },
    schedule: [
      { at: '07:00', target_c: 21 },
      { at: '22:00', target_c: 17.5 },
    ],
    hysteresis_c: 0.4,
    heater_setpoint_c: 30,
  },
  {
    ...stored,
    kind: 'range_alert',
    name: 'Cellar',
    description: 'freezing or too warm',
    device_id: 'cellar-thermo',
    metric: 'temperature',
    min: 3,
    max: 26,
    hysteresis: 0.5,
    for_s: 120,
    severity: 'critical',
  },
  { ...stored, enabled: false, kind: 'offline_alert', name: 'Away', after_s: 600, severity: 'warning' },
  {
    ...stored,
    kind: 'automation',
    name: 'Morning boost',
    trigger: { type: 'schedule', at: '06:30', days: ['mon', 'fri'] },
    conditions: [{ type: 'presence', device_id: 'hall-heater', status: 'online' }],
    actions: [{ type: 'rpc', device_id: 'hall-heater', method: 'setpoint.set', params: { value: 22 } }],
  },
];

describe('rule editor drafts', () => {
  it.each(RULES)('round-trips a $kind rule unchanged', (rule) => {
    const result = toBody(draftOf(rule));
    if (!result.ok) throw new Error(result.jsonError);
    const { id: _id, created_at: _c, updated_at: _u, ...body } = rule;
    expect(result.problems).toEqual([]);
    expect(ruleProblems(result.body)).toEqual([]);
    expect(result.body).toEqual(body);
  });

  it('leaves empty optional fields out instead of sending them', () => {
    const draft = newDraft('range_alert', 'cellar-thermo');
    draft.common.name = 'Cellar';
    if (draft.kind.kind !== 'range_alert') throw new Error('kind');
    draft.kind.max = '25';
    const result = toBody(draft);
    expect(result.ok && result.body).toEqual({
      kind: 'range_alert',
      name: 'Cellar',
      enabled: true,
      device_id: 'cellar-thermo',
      metric: 'temperature',
      max: 25,
      severity: 'warning',
    });
  });

  it('refuses rule fields inside the automation JSON, and JSON that does not parse', () => {
    const draft = newDraft('automation');
    draft.common.name = 'x';
    if (draft.kind.kind !== 'automation') throw new Error('kind');
    draft.kind.json = JSON.stringify({ name: 'y', trigger: { type: 'schedule', at: '07:00' }, actions: [] });
    const result = toBody(draft);
    expect(result.ok && result.problems).toEqual([
      '/name: not part of the automation JSON (name, description and enabled are set above)',
    ]);
    draft.kind.json = '{ "trigger": ';
    expect(toBody(draft).ok).toBe(false);
  });
});

describe('rule problems for a form', () => {
  it.each([
    [
      'must have required properties heater_id, schedule',
      [
        ['/heater_id', 'is required'],
        ['/schedule', 'is required'],
      ],
    ],
    ['/trigger: must have required properties value', [['/trigger/value', 'is required']]],
    [
      '/schedule/0/at: must match pattern "^([01][0-9]|2[0-3]):[0-5][0-9]$"',
      [['/schedule/0/at', 'must be a time as HH:MM (24 h)']],
    ],
    ['/max: must be greater than min', [['/max', 'must be greater than min']]],
    ['unknown device: x', [['', 'unknown device: x']]],
  ])('%s', (line, expected) => {
    expect(toProblems([line]).map((p) => [p.path, p.message])).toEqual(expected);
  });

  it('finds the problems under a field, and only those', () => {
    const problems = toProblems(['/sensor/metric: x', '/sensor: y', '/sensorial: z']);
    expect(problemsAt(problems, '/sensor').map((p) => p.message)).toEqual(['x', 'y']);
  });
});
