/** Rule triggers, table-driven: thresholds with hysteresis and duration, schedules, presence, state. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/domain/rules/rule-evaluator.ts';
import type { EvalResult, RuleEvent, RuleMemory } from '../../server/domain/rules/rule-types.ts';
import type { Presence } from '../../shared/api.ts';
import type { AutomationRule, Trigger } from '../../shared/rules.ts';
import type { DeviceState } from '../../shared/wire.ts';
import { automation, ctx, device, MIN, T0 } from '../helpers/rule-context.ts';

const reading = (ts: number, value: number): RuleEvent => ({
  type: 'telemetry',
  device_id: 'thermo',
  ts,
  values: { temperature: value },
});

/** Feeds readings (seconds after T0, value) and reports what each step did. */
function run(rule: AutomationRule, steps: [number, number | 'tick'][]): string[] {
  let memory: RuleMemory = {};
  const out: string[] = [];
  let latest: { value: number; ts: number } | undefined;
  for (const [s, v] of steps) {
    const ts = T0 + s * 1000;
    if (v !== 'tick') latest = { value: v, ts };
    const world = ctx(ts, [device('thermo', { latest: latest ? { temperature: latest } : {} })]);
    const event: RuleEvent = v === 'tick' ? { type: 'tick', ts } : reading(ts, v);
    const r: EvalResult = evaluate(rule, event, world, memory);
    memory = r.memory;
    out.push(r.actions.map((a) => a.type).join(',') || '-');
  }
  return out;
}

describe('threshold trigger', () => {
  const above = (hysteresis: number, for_s: number): Extract<Trigger, { type: 'threshold' }> => ({
    type: 'threshold',
    device_id: 'thermo',
    metric: 'temperature',
    op: 'above',
    value: 25,
    hysteresis,
    for_s,
  });
  const cases: { name: string; trigger: Trigger; steps: [number, number | 'tick'][]; want: string[] }[] = [
    {
      name: 'fires once on crossing, not again while above',
      trigger: above(0, 0),
      steps: [
        [0, 24],
        [10, 26],
        [20, 27],
        [30, 26],
      ],
      want: ['-', 'raise_alert', '-', '-'],
    },
    {
      name: 'hysteresis: hovering at the limit does not flap; back below limit − h resets',
      trigger: above(1, 0),
      steps: [
        [0, 25.5],
        [10, 24.8],
        [20, 25.2],
        [30, 24.5],
        [40, 23.9],
        [50, 25.1],
      ],
      want: ['raise_alert', '-', '-', '-', 'clear_alert', 'raise_alert'],
    },
    {
      name: 'min duration: a short spike does nothing; a sustained one fires after for_s',
      trigger: above(0, 60),
      steps: [
        [0, 26],
        [30, 24],
        [40, 26],
        [70, 26],
        [100, 26],
        [110, 26],
      ],
      want: ['-', '-', '-', '-', 'raise_alert', '-'],
    },
    {
      name: 'min duration completes on a clock tick when no new reading comes',
      trigger: above(0, 60),
      steps: [
        [0, 26],
        [30, 'tick'],
        [61, 'tick'],
        [62, 'tick'],
      ],
      want: ['-', '-', 'raise_alert', '-'],
    },
    {
      name: 'clearing also needs the duration',
      trigger: above(0.5, 30),
      steps: [
        [0, 26],
        [30, 26],
        [40, 24],
        [50, 25.2],
        [60, 24],
        [95, 24],
      ],
      want: ['-', 'raise_alert', '-', '-', '-', 'clear_alert'],
    },
    {
      name: 'an out-of-order reading (replayed buffer) is ignored',
      trigger: above(0, 0),
      steps: [
        [100, 24],
        [50, 30],
        [110, 24],
      ],
      want: ['-', '-', '-'],
    },
  ];
  it.each(cases)('$name', ({ trigger, steps, want }) => {
    expect(run(automation(trigger), steps)).toEqual(want);
  });

  it('fills the message template and says why', () => {
    const rule = automation(above(0, 0));
    const r = evaluate(rule, reading(T0, 26.5), ctx(T0, [device('thermo')]), {});
    expect(r.actions).toEqual([
      {
        type: 'raise_alert',
        key: 'hot',
        severity: 'warning',
        message: 'THERMO temperature is 26.5',
        device_id: 'thermo',
        value: 26.5,
      },
    ]);
    expect(r.log[0]).toBe('trigger: thermo temperature 26.5 above 25');
  });

  it('below works the other way round', () => {
    const rule = automation({ ...above(1, 0), op: 'below', value: 18 });
    expect(
      run(rule, [
        [0, 19],
        [10, 17.9],
        [20, 18.5],
        [30, 19],
      ]),
    ).toEqual(['-', 'raise_alert', '-', 'clear_alert']);
  });
});

describe('schedule trigger', () => {
  const at = (hhmm: string, days?: Extract<Trigger, { type: 'schedule' }>['days']) =>
    automation({ type: 'schedule', at: hhmm, days });

  /** Ticks every minute from `from` for `minutes`, returns the minutes (since T0) it fired at. */
  function fires(rule: AutomationRule, fromMin: number, minutes: number, step = 1): number[] {
    let memory: RuleMemory = {};
    const out: number[] = [];
    for (let m = fromMin; m <= fromMin + minutes; m += step) {
      const ts = T0 + m * MIN;
      const r = evaluate(rule, { type: 'tick', ts }, ctx(ts), memory);
      memory = r.memory;
      if (r.actions.length) out.push(m);
    }
    return out;
  }

  it.each([
    { name: 'fires once a day at the time', rule: at('07:00'), from: 0, span: 48 * 60, want: [420, 1860] },
    {
      name: 'not at start-up when the hub starts after the time',
      rule: at('07:00'),
      from: 600,
      span: 60,
      want: [],
    },
    {
      name: 'only on the listed days (Monday yes, Tuesday no)',
      rule: at('07:00', ['mon']),
      from: 0,
      span: 48 * 60,
      want: [420],
    },
    { name: 'coarse ticks still fire once', rule: at('07:00'), from: 0, span: 24 * 60, step: 7, want: [420] },
    { name: 'midnight', rule: at('00:00'), from: 23 * 60, span: 120, want: [1440] },
  ])('$name', ({ rule, from, span, step, want }) => {
    expect(fires(rule, from, span, step)).toEqual(want);
  });
});

describe('presence and state triggers', () => {
  const presenceEvent = (
    status: Presence['status'],
    previous: Presence['status'] | null,
    reason = 'connected',
  ) =>
    ({
      type: 'presence',
      device_id: 'heater',
      ts: T0,
      presence: { status, reason, detail: null, since: T0 },
      previous,
    }) as RuleEvent;
  const stateEvent = (state: DeviceState, previous: DeviceState | null): RuleEvent => ({
    type: 'state',
    device_id: 'heater',
    ts: T0,
    state,
    previous,
  });

  it.each([
    {
      trigger: { type: 'presence', device_id: 'heater', to: 'offline' },
      event: presenceEvent('offline', 'online', 'keepalive_timeout'),
      fires: true,
    },
    {
      trigger: { type: 'presence', device_id: 'heater', to: 'offline' },
      event: presenceEvent('online', 'offline'),
      fires: false,
    },
    {
      trigger: { type: 'presence', device_id: 'other' },
      event: presenceEvent('offline', 'online'),
      fires: false,
    },
    { trigger: { type: 'presence' }, event: presenceEvent('online', 'offline'), fires: true },
    { trigger: { type: 'presence' }, event: presenceEvent('online', 'online'), fires: false },
    {
      trigger: { type: 'presence' },
      event: presenceEvent('offline', 'online', 'hub_shutdown'),
      fires: false,
    },
    {
      trigger: { type: 'state', device_id: 'heater', property: 'heater' },
      event: stateEvent({ heater: true }, { heater: false }),
      fires: true,
    },
    {
      trigger: { type: 'state', device_id: 'heater', property: 'heater' },
      event: stateEvent({ heater: true }, { heater: true }),
      fires: false,
    },
    {
      trigger: { type: 'state', device_id: 'heater', property: 'heater', equals: false },
      event: stateEvent({ heater: true }, { heater: false }),
      fires: false,
    },
    {
      trigger: { type: 'state', device_id: 'heater', property: 'heater', equals: true },
      event: stateEvent({ heater: true }, null),
      fires: true,
    },
    {
      trigger: { type: 'state', device_id: 'heater', property: 'setpoint' },
      event: stateEvent({ heater: true }, {}),
      fires: false,
    },
  ] as { trigger: Trigger; event: RuleEvent; fires: boolean }[])(
    '$trigger.type $trigger → $fires',
    ({ trigger, event, fires }) => {
      const r = evaluate(automation(trigger), event, ctx(T0, [device('heater')]), {});
      expect(r.actions.length > 0).toBe(fires);
    },
  );
});
