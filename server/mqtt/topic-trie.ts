/**
 * MQTT topic-filter matching for the broker persistence: a trie of stored
 * subscriptions (matched on every QoS>0 PUBLISH), a matcher for retained
 * topics, and the SQL key range a filter's retained topics can lie in.
 *
 * The rules are MQTT 3.1.1 §4.7 (no normalisation: levels compare exactly,
 * [MQTT-4.7.3-4]) and must agree with aedes' live routing
 * (mqemitter with `matchEmptyLevels`): aedes calls `outgoingUpdate` for every
 * live QoS>0 delivery to a persistent session and drops the client when the
 * persistence did not queue that packet for it.
 */
import type { TopicSubscription } from './persistence-types.ts';

const SEPARATOR = '/';
const ONE = '+';
const MANY = '#';

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Subscriptions whose filter ends at this node, by client id. */
  readonly subs: Map<string, TopicSubscription>;
}

function node(): TrieNode {
  return { children: new Map(), subs: new Map() };
}

/** [MQTT-4.7.2-1]: filters starting with a wildcard do not match topics starting with `$`. */
function isDollarTopic(topic: string): boolean {
  return topic.charCodeAt(0) === 36;
}

/** Subscriptions indexed by filter, one entry per (client, filter). */
export class SubscriptionTrie {
  private readonly root = node();
  private count = 0;

  /** Number of (client, filter) entries. */
  get size(): number {
    return this.count;
  }

  /** Adds or replaces the entry of `sub.clientId` for `sub.topic`. */
  add(sub: TopicSubscription): void {
    let at = this.root;
    for (const level of sub.topic.split(SEPARATOR)) {
      let next = at.children.get(level);
      if (!next) {
        next = node();
        at.children.set(level, next);
      }
      at = next;
    }
    if (!at.subs.has(sub.clientId)) this.count++;
    at.subs.set(sub.clientId, sub);
  }

  /** Removes the entry of `clientId` for `filter`, pruning emptied branches. */
  remove(filter: string, clientId: string): void {
    const path: TrieNode[] = [this.root];
    const levels = filter.split(SEPARATOR);
    for (const level of levels) {
      const next = path.at(-1)?.children.get(level);
      if (!next) return;
      path.push(next);
    }
    const leaf = path.at(-1);
    if (!leaf?.subs.delete(clientId)) return;
    this.count--;
    for (let i = levels.length; i > 0; i--) {
      const child = path[i];
      const level = levels[i - 1];
      if (!child || level === undefined || child.subs.size > 0 || child.children.size > 0) break;
      path[i - 1]?.children.delete(level);
    }
  }

  /** Copies of the entries whose filter matches `topic` (a topic name, no wildcards). */
  match(topic: string): TopicSubscription[] {
    const out: TopicSubscription[] = [];
    collect(this.root, topic.split(SEPARATOR), 0, isDollarTopic(topic), out);
    return out;
  }

  clear(): void {
    this.root.children.clear();
    this.root.subs.clear();
    this.count = 0;
  }
}

function collect(
  at: TrieNode,
  levels: readonly string[],
  i: number,
  noWildcards: boolean,
  out: TopicSubscription[],
): void {
  // `#` matches this level and everything below, including nothing: `a/#` matches `a` (§4.7.1.2).
  const many = noWildcards ? undefined : at.children.get(MANY);
  if (many) for (const sub of many.subs.values()) out.push({ ...sub });
  const level = levels[i];
  if (level === undefined) {
    for (const sub of at.subs.values()) out.push({ ...sub });
    return;
  }
  const exact = at.children.get(level);
  if (exact) collect(exact, levels, i + 1, false, out);
  // `+` matches exactly one level, an empty one too: `a/+` matches `a/` (§4.7.1.3).
  const one = noWildcards ? undefined : at.children.get(ONE);
  if (one) collect(one, levels, i + 1, false, out);
}

/** A compiled topic filter: tests topic names against it. */
export function compileFilter(filter: string): (topic: string) => boolean {
  const f = filter.split(SEPARATOR);
  const first = f[0];
  const leadingWildcard = first === ONE || first === MANY;
  return (topic) => {
    if (leadingWildcard && isDollarTopic(topic)) return false;
    const t = topic.split(SEPARATOR);
    for (let i = 0; i < f.length; i++) {
      const level = f[i];
      if (level === MANY) return true;
      if (i >= t.length || (level !== ONE && level !== t[i])) return false;
    }
    return f.length === t.length;
  };
}

/**
 * Where the topics a filter can match lie in a table ordered by topic (UTF-8
 * byte order): one exact topic; or the literal levels before the first
 * wildcard, i.e. the range [`p/`, `p0`) — `0` follows `/` in ASCII, so the
 * bound needs no "highest character" (the `'\xff'` bound that made the level
 * backend skip non-ASCII topics) — plus the parent `p` itself when the first
 * wildcard is `#`; or, for a leading wildcard, everything.
 */
export type FilterScope =
  | { kind: 'exact'; topic: string }
  | { kind: 'range'; from: string; to: string; parent: string | null }
  | { kind: 'all' };

export function filterScope(filter: string): FilterScope {
  const levels = filter.split(SEPARATOR);
  const wildcard = levels.findIndex((l) => l === ONE || l === MANY);
  if (wildcard === -1) return { kind: 'exact', topic: filter };
  if (wildcard === 0) return { kind: 'all' };
  const prefix = levels.slice(0, wildcard).join(SEPARATOR);
  return {
    kind: 'range',
    from: prefix + SEPARATOR,
    to: `${prefix}0`,
    parent: levels[wildcard] === MANY ? prefix : null,
  };
}
