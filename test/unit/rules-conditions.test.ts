/** Rule conditions (time window, another device's reading, state, presence) and planned actions. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/domain/rules/rule-evaluator.ts';
import type { RuleEvent, RuleMemory } from '../../server/domain/rules/rule-types.ts';
import type { Condition, Trigger } from '../../shared/rules.ts';
import { automation, ctx, device, MIN, online, T0 } from '../helpers/rule-context.ts';

const reading = (ts: number, value: number): RuleEvent => ({
  type: 'telemetry',
  device_id: 'thermo',
  ts,
  values: { temperature: value },
});

describe('conditions', () => {
  const trigger: Trigger = { type: 'presence', device_id: 'heater' };
  const event: RuleEvent = {
    type: 'presence',
    device_id: 'heater',
    ts: T0,
    presence: { status: 'offline', reason: 'keepalive_timeout', detail: null, since: T0 },
    previous: 'online',
  };
  const thermo = device('thermo', {
    latest: { temperature: { value: 16, ts: T0 + 9 * 60 * MIN } },
    state: { mode: 'eco' },
  });
  /** Minutes after Monday midnight. */
  const at10 = T0 + 10 * 60 * MIN;
  it.each([
    { c: { type: 'time_window', from: '09:00', to: '17:00' }, now: at10, ok: true },
    { c: { type: 'time_window', from: '22:00', to: '07:00' }, now: at10, ok: false },
    { c: { type: 'time_window', from: '22:00', to: '07:00' }, now: T0 + 3 * 60 * MIN, ok: true },
    { c: { type: 'time_window', from: '09:00', to: '17:00', days: ['sat', 'sun'] }, now: at10, ok: false },
    {
      c: { type: 'reading', device_id: 'thermo', metric: 'temperature', op: 'below', value: 17 },
      now: at10,
      ok: true,
    },
    {
      c: { type: 'reading', device_id: 'thermo', metric: 'temperature', op: 'above', value: 17 },
      now: at10,
      ok: false,
    },
    {
      c: {
        type: 'reading',
        device_id: 'thermo',
        metric: 'temperature',
        op: 'below',
        value: 17,
        max_age_s: 1800,
      },
      now: at10,
      ok: false,
    },
    {
      c: { type: 'reading', device_id: 'thermo', metric: 'humidity', op: 'below', value: 17 },
      now: at10,
      ok: false,
    },
    { c: { type: 'state', device_id: 'thermo', property: 'mode', equals: 'eco' }, now: at10, ok: true },
    { c: { type: 'state', device_id: 'thermo', property: 'mode', equals: 'comfort' }, now: at10, ok: false },
    { c: { type: 'presence', device_id: 'thermo', status: 'online' }, now: at10, ok: true },
    { c: { type: 'presence', device_id: 'ghost', status: 'online' }, now: at10, ok: false },
  ] as { c: Condition; now: number; ok: boolean }[])('$c.type $c → $ok', ({ c, now, ok }) => {
    const r = evaluate(
      automation(trigger, { conditions: [c] }),
      event,
      ctx(now, [device('heater'), thermo]),
      {},
    );
    expect(r.actions.length > 0).toBe(ok);
    // Held back by a condition is still worth a run-log line: it answers "why didn't it fire?".
    expect(r.notable).toBe(true);
    expect(r.log.some((l) => l.startsWith(`condition ${c.type}`))).toBe(true);
  });

  it('clear actions run whatever the conditions say', () => {
    const rule = automation(
      { type: 'threshold', device_id: 'thermo', metric: 'temperature', op: 'above', value: 25 },
      { conditions: [{ type: 'time_window', from: '09:00', to: '10:00' }] },
    );
    let m: RuleMemory = {};
    const inWindow = T0 + 9 * 60 * MIN;
    m = evaluate(rule, reading(inWindow, 26), ctx(inWindow, [thermo]), m).memory;
    const r = evaluate(rule, reading(at10 + MIN, 24), ctx(at10 + MIN, [thermo]), m);
    expect(r.actions.map((a) => a.type)).toEqual(['clear_alert']);
  });
});

describe('actions', () => {
  it('plans rpc, desired state and webhook actions with the rule as context', () => {
    const rule = automation(
      { type: 'presence', device_id: 'heater', to: 'online' },
      {
        actions: [
          { type: 'rpc', device_id: 'heater', method: 'identify' },
          { type: 'set_desired', device_id: 'heater', property: 'heater', value: true, ttl_s: 60 },
          { type: 'webhook', url: 'http://127.0.0.1:1/hook' },
        ],
      },
    );
    const event: RuleEvent = {
      type: 'presence',
      device_id: 'heater',
      ts: T0,
      presence: online,
      previous: 'offline',
    };
    const r = evaluate(rule, event, ctx(T0, [device('heater')]), {});
    expect(r.actions).toEqual([
      { type: 'rpc', device_id: 'heater', method: 'identify', params: {}, timeout_ms: undefined },
      { type: 'set_desired', device_id: 'heater', property: 'heater', value: true, ttl_s: 60 },
      {
        type: 'webhook',
        url: 'http://127.0.0.1:1/hook',
        message: 'test: heater went online (connected)',
        timeout_ms: undefined,
      },
    ]);
  });

  it('a disabled rule does nothing', () => {
    const rule = { ...automation({ type: 'presence' }), enabled: false };
    const event: RuleEvent = {
      type: 'presence',
      device_id: 'heater',
      ts: T0,
      presence: online,
      previous: 'offline',
    };
    expect(evaluate(rule, event, ctx(T0, [device('heater')]), {}).actions).toEqual([]);
  });
});
