import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  type FilterScope,
  filterScope,
  SubscriptionTrie,
} from '../../server/mqtt/topic-trie.ts';

/** Whether the SQL the persistence runs for `scope` would read `topic` (BINARY collation = UTF-8 byte order). */
function inScope(scope: FilterScope, topic: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'exact') return topic === scope.topic;
  const t = Buffer.from(topic);
  return (
    topic === scope.parent ||
    (Buffer.compare(t, Buffer.from(scope.from)) >= 0 && Buffer.compare(t, Buffer.from(scope.to)) < 0)
  );
}

// filter, topic, matches: MQTT 3.1.1 §4.7, and aedes' live routing (mqemitter, matchEmptyLevels).
const cases: [string, string, boolean][] = [
  ['sport/tennis/player1/#', 'sport/tennis/player1', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
  ['sport/#', 'sport', true],
  ['#', 'sport/tennis', true],
  ['sport/tennis/+', 'sport/tennis/player1', true],
  ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
  ['sport/+', 'sport', false],
  ['sport/+', 'sport/', true],
  ['+/+', '/finance', true],
  ['/+', '/finance', true],
  ['+', '/finance', false],
  ['+/tennis/#', 'sport/tennis/player1', true],
  ['#', '$SYS/broker/uptime', false],
  ['+/monitor/Clients', '$SYS/monitor/Clients', false],
  ['$SYS/#', '$SYS/broker/uptime', true],
  ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
  ['a/b', 'a/B', false],
  ['a/b', 'a/b/', false],
  ['hearth/+/#', 'hearth/température/😀', true],
  ['hearth/température/#', 'hearth/température/😀', true],
  ['hearth/température/+', 'hearth/temperature/x', false],
  ['hearth/#', 'hearth0', false],
  ['hearth/#', 'hearth.x', false],
  ['hearth/\uffff/+', 'hearth/\uffff/𝄞', true],
  ['ab/#', 'abc/x', false],
];

describe('MQTT topic matching', () => {
  it.each(cases)('filter %s, topic %s: %s', (filter, topic, matches) => {
    expect(compileFilter(filter)(topic)).toBe(matches);
    const trie = new SubscriptionTrie();
    trie.add({ clientId: 'c', topic: filter, qos: 1 });
    expect(trie.match(topic).length).toBe(matches ? 1 : 0);
    // A matching retained topic must lie in the rows the persistence reads for the filter.
    if (matches) expect(inScope(filterScope(filter), topic)).toBe(true);
  });

  it('narrows a filter to an exact topic, a key range or everything', () => {
    expect(filterScope('a/b')).toEqual({ kind: 'exact', topic: 'a/b' });
    expect(filterScope('a/+/c')).toEqual({ kind: 'range', from: 'a/', to: 'a0', parent: null });
    expect(filterScope('a/b/#')).toEqual({ kind: 'range', from: 'a/b/', to: 'a/b0', parent: 'a/b' });
    expect(filterScope('+/b')).toEqual({ kind: 'all' });
  });

  it('keeps one entry per client and filter, counts them and prunes on removal', () => {
    const trie = new SubscriptionTrie();
    trie.add({ clientId: 'a', topic: 'x/#', qos: 1 });
    trie.add({ clientId: 'a', topic: 'x/#', qos: 2 });
    trie.add({ clientId: 'b', topic: 'x/+', qos: 1 });
    trie.add({ clientId: 'b', topic: 'x', qos: 1 });
    expect(trie.size).toBe(3);
    expect(trie.match('x/y')).toEqual([
      { clientId: 'a', topic: 'x/#', qos: 2 },
      { clientId: 'b', topic: 'x/+', qos: 1 },
    ]);
    expect(trie.match('x').map((s) => s.topic)).toEqual(['x/#', 'x']);
    trie.remove('x/#', 'b');
    expect(trie.size).toBe(3);
    trie.remove('x/#', 'a');
    trie.remove('x/+', 'b');
    trie.remove('x', 'b');
    expect(trie.size).toBe(0);
    expect(trie.match('x/y')).toEqual([]);
  });
});
