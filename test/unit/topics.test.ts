import { describe, expect, it } from 'vitest';
import { filterCovers, isDeviceId, parseTopic, topicMatchesFilter, topics } from '../../shared/topics.ts';

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

describe('topic filters', () => {
  it.each([
    ['hearth/+/telemetry', 'hearth/a/telemetry', true],
    ['hearth/+/telemetry', 'hearth/a/state', false],
    ['hearth/#', 'hearth/a/rpc/reply', true],
    ['hearth/#', 'hearth', true],
    ['#', 'anything/at/all', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/hearth/clients', true],
    ['a/+', 'a/b/c', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a', false],
  ])('%s matches %s: %s', (filter, topic, ok) => {
    expect(topicMatchesFilter(filter, topic)).toBe(ok);
  });

  it.each([
    ['hearth/+/telemetry', 'hearth/a/telemetry', true],
    ['hearth/+/telemetry', 'hearth/+/telemetry', true],
    ['hearth/+/telemetry', 'hearth/#', false],
    ['hearth/+/telemetry', '#', false],
    ['hearth/#', 'hearth/+/state', true],
    ['hearth/#', 'hearth/#', true],
    ['hearth/#', 'hearth', true],
    ['hearth/a/+', 'hearth/+/x', false],
    ['#', 'a/b', true],
    ['#', '$SYS/#', false],
    ['$SYS/#', '$SYS/hearth/#', true],
    ['a/b', 'a/b/c', false],
  ])('%s covers %s: %s', (pattern, filter, ok) => {
    expect(filterCovers(pattern, filter)).toBe(ok);
  });
});
