import { describe, expect, it } from 'vitest';
import { checker } from '../../shared/validate.ts';
import {
  DescriptionSchema,
  RpcReplySchema,
  RpcRequestSchema,
  StateSchema,
  TelemetrySchema,
} from '../../shared/wire.ts';

const telemetry = checker(TelemetrySchema);

describe('wire schemas', () => {
  it.each([
    ['{"temperature":21.5}', true],
    ['{"ts":1764090000000,"temperature":21.5,"humidity":40}', true],
    ['{"ts":1764090000000}', true],
    ['{}', false],
    ['{"temperature":"21"}', false],
    ['{"temperature":null}', false],
    ['{"temperature":true}', false],
    ['{"temperature":1e999}', false],
    ['{"temperature":NaN}', false],
    ['{"Temperature":1}', false],
    ['{"temp-c":1}', false],
    ['{"ts":1.5,"t":1}', false],
    ['{"ts":5,"t":1}', false],
    ['[1,2]', false],
    ['21.5', false],
    ['not json', false],
  ])('telemetry %s → %s', (text, ok) => {
    expect(telemetry.parseJson(text).ok).toBe(ok);
  });

  it('explains what is wrong', () => {
    const r = telemetry.parseJson('{"temperature":"hot"}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('/temperature');
    const bad = telemetry.parseJson('{');
    expect(bad).toEqual({ ok: false, error: 'payload is not valid JSON' });
  });

  it('accepts a full description and refuses unknown keys', () => {
    const d = checker(DescriptionSchema);
    const good = {
      model: 'm',
      firmware: '1',
      metrics: [{ name: 'temperature', unit: '°C' }],
      controls: [
        { name: 'heater', type: 'boolean' },
        { name: 'setpoint', type: 'number', min: 5, max: 30, step: 0.5 },
      ],
      methods: ['heater.set', 'temperature.read'],
    };
    expect(d.check(good)).toBe(true);
    expect(d.check({ ...good, extra: 1 })).toBe(false);
    expect(d.check({ ...good, methods: ['Heater.Set'] })).toBe(false);
    expect(d.check({ ...good, controls: [{ name: 'x', type: 'number' }] })).toBe(false);
  });

  it('validates state, rpc requests and replies', () => {
    expect(checker(StateSchema).check({ heater: true, setpoint: 21, mode: 'auto' })).toBe(true);
    expect(checker(StateSchema).check({ nested: { a: 1 } })).toBe(false);
    const req = checker(RpcRequestSchema);
    expect(req.check({ id: 'c1', method: 'heater.set', params: { on: true } })).toBe(true);
    expect(req.check({ id: 'c 1', method: 'heater.set', params: {} })).toBe(false);
    expect(req.check({ id: 'c1', method: 'heater.set' })).toBe(false);
    const reply = checker(RpcReplySchema);
    expect(reply.check({ id: 'c1', result: null })).toBe(true);
    expect(reply.check({ id: 'c1', error: { code: 'rejected', message: 'no' } })).toBe(true);
    expect(reply.check({ id: 'c1', error: { code: 'rejected' } })).toBe(false);
    expect(reply.check({ id: 'c1' })).toBe(false);
  });
});
