/**
 * The only place Hearth topic strings are built or parsed (docs/protocol.md §Topics).
 * Devices, the hub and the dashboard all go through these helpers.
 */

export const BASE_TOPIC = 'hearth';

/** A device id: the MQTT client id and username, stable and opaque. */
export const DEVICE_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{2,63}$';
const deviceIdRe = new RegExp(DEVICE_ID_PATTERN);
/** Ids that name other topic trees and can never be a device's. */
const RESERVED_IDS: ReadonlySet<string> = new Set(['pairing', 'hub', 'sys', 'probe']);

/** Topics a device publishes on or subscribes to, below `hearth/<id>/`. */
export const DEVICE_TOPIC_KINDS = [
  'availability',
  'description',
  'telemetry',
  'state',
  'rpc',
  'rpc/reply',
] as const;
export type DeviceTopicKind = (typeof DEVICE_TOPIC_KINDS)[number];

/** Kinds a device itself may publish (design brief §4 ACL). */
export const DEVICE_PUBLISH_KINDS: ReadonlySet<DeviceTopicKind> = new Set([
  'availability',
  'description',
  'telemetry',
  'state',
  'rpc/reply',
]);

/** True when `id` is a syntactically valid device id. */
export function isDeviceId(id: string): boolean {
  return deviceIdRe.test(id) && !RESERVED_IDS.has(id);
}

/** Builds `hearth/<id>/<kind>`. */
export function deviceTopic(deviceId: string, kind: DeviceTopicKind): string {
  return `${BASE_TOPIC}/${deviceId}/${kind}`;
}

/** The per-device topics, ready to use. */
export const topics = {
  availability: (id: string) => deviceTopic(id, 'availability'),
  description: (id: string) => deviceTopic(id, 'description'),
  telemetry: (id: string) => deviceTopic(id, 'telemetry'),
  state: (id: string) => deviceTopic(id, 'state'),
  rpc: (id: string) => deviceTopic(id, 'rpc'),
  rpcReply: (id: string) => deviceTopic(id, 'rpc/reply'),
  /** Every topic of every device, for integrations and tools. */
  allDevices: `${BASE_TOPIC}/+/#`,
} as const;

/** Topics below `hearth/pairing/<nonce>/` (docs/protocol.md §Pairing). */
export const PAIRING_TOPIC_KINDS = ['hello', 'status', 'credentials'] as const;
export type PairingTopicKind = (typeof PAIRING_TOPIC_KINDS)[number];

/** Builds `hearth/pairing/<nonce>/<kind>`. */
export function pairingTopic(nonce: string, kind: PairingTopicKind): string {
  return `${BASE_TOPIC}/pairing/${nonce}/${kind}`;
}

/** The one filter a pairing connection may subscribe to: `hearth/pairing/<nonce>/#`. */
export function pairingFilter(nonce: string): string {
  return `${BASE_TOPIC}/pairing/${nonce}/#`;
}

/** Topics whose messages the broker keeps (design brief §4: state, availability, description). */
export const RETAINED_KINDS: ReadonlySet<DeviceTopicKind> = new Set(['availability', 'description', 'state']);

/** Command topics: never retained, in either direction. */
export const COMMAND_KINDS: ReadonlySet<DeviceTopicKind> = new Set(['rpc', 'rpc/reply']);

export type ParsedTopic =
  | { scope: 'device'; deviceId: string; kind: DeviceTopicKind }
  | { scope: 'pairing'; nonce: string; rest: string }
  | { scope: 'other' };

/**
 * Parses a concrete (wildcard-free) topic. Anything that is not exactly a known
 * Hearth topic is `{ scope: 'other' }`, so callers can deny by default.
 */
export function parseTopic(topic: string): ParsedTopic {
  const prefix = `${BASE_TOPIC}/`;
  if (!topic.startsWith(prefix)) return { scope: 'other' };
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return { scope: 'other' };
  const head = rest.slice(0, slash);
  const tail = rest.slice(slash + 1);
  if (head === 'pairing') {
    const next = tail.indexOf('/');
    const nonce = next === -1 ? tail : tail.slice(0, next);
    if (nonce.length === 0) return { scope: 'other' };
    return { scope: 'pairing', nonce, rest: next === -1 ? '' : tail.slice(next + 1) };
  }
  if (!isDeviceId(head)) return { scope: 'other' };
  const kind = DEVICE_TOPIC_KINDS.find((k) => k === tail);
  if (kind === undefined) return { scope: 'other' };
  return { scope: 'device', deviceId: head, kind };
}

/**
 * True when `topic` (no wildcards) matches `filter` [MQTT-4.7.1]. Topics
 * starting with `$` are not matched by a filter starting with a wildcard
 * [MQTT-4.7.2-1].
 */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic matched by `filter` is also matched by `pattern`:
 * an account granted `pattern` may subscribe to `filter`.
 */
export function filterCovers(pattern: string, filter: string): boolean {
  const p = pattern.split('/');
  const f = filter.split('/');
  if (filter.startsWith('$') !== pattern.startsWith('$')) {
    // `$SYS/…` is reachable only through a pattern that names it.
    if (filter.startsWith('$')) return false;
  }
  for (let i = 0; i < p.length; i++) {
    const pl = p[i];
    if (pl === '#') return true;
    const fl = f[i];
    if (fl === undefined || fl === '#') return false;
    if (fl === '+' && pl !== '+') return false;
    if (pl !== '+' && pl !== fl) return false;
  }
  return p.length === f.length;
}
