import { describe, expect, it } from 'vitest';
import { isDeviceId, parseTopic, topics } from '../../shared/topics.ts';

describe('topics', () => {
  it.each([
    ['hearth/dev-1/telemetry', { scope: 'device', deviceId: 'dev-1', kind: 'telemetry' }],
    ['hearth/dev-1/rpc', { scope: 'device', deviceId: 'dev-1', kind: 'rpc' }],
    ['hearth/dev-1/rpc/reply', { scope: 'device', deviceId: 'dev-1', kind: 'rpc/reply' }],
    ['hearth/dev-1/availability', { scope: 'device', deviceId: 'dev-1', kind: 'availability' }],
    ['hearth/pairing/abc/hello', { scope: 'pairing', nonce: 'abc', rest: 'hello' }],
    ['hearth/dev-1/other', { scope: 'other' }],
    ['hearth/dev-1/telemetry/extra', { scope: 'other' }],
    ['hearth/DEV/telemetry', { scope: 'other' }],
    ['hearth//telemetry', { scope: 'other' }],
    ['hearth/dev-1', { scope: 'other' }],
    ['foo/bar', { scope: 'other' }],
    ['hearthx/dev-1/telemetry', { scope: 'other' }],
    ['hearth/hub/telemetry', { scope: 'other' }],
    ['', { scope: 'other' }],
  ])('parses %j', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });

  it('round-trips every builder through the parser', () => {
    for (const build of [
      topics.availability,
      topics.description,
      topics.telemetry,
      topics.state,
      topics.rpc,
      topics.rpcReply,
    ]) {
      const parsed = parseTopic(build('kitchen-heater'));
      expect(parsed).toMatchObject({ scope: 'device', deviceId: 'kitchen-heater' });
    }
  });

  it.each([
    ['abc', true],
    ['d4k9m2x7q1z', true],
    ['a_b-c', true],
    ['ab', false],
    ['-abc', false],
    ['ABC', false],
    ['a/b', false],
    ['a+b', false],
    ['pairing', false],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
  ])('isDeviceId(%j) is %s', (id, ok) => {
    expect(isDeviceId(id)).toBe(ok);
  });
});
