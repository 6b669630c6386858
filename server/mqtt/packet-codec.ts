/**
 * How the SQLite persistence stores a packet: the payload in its own column
 * (BLOB, or TEXT for a string payload), every other field in `packet`.
 *
 * A packet must round-trip exactly: aedes relies on keys that are present but
 * `undefined` (the `messageId` of a queued packet), callers add fields of their
 * own, and MQTT 5 `properties` hold Buffers and free-form user properties. So:
 * - a flat packet (every field a string, boolean, finite number, null or
 *   undefined: all MQTT 3.1.1 traffic, which is all aedes 1.x accepts) is
 *   stored as readable JSON TEXT, `[fields, namesOfUndefinedFields]`;
 * - anything else (nested `properties`, Buffers) as a v8 structured-clone
 *   BLOB, which keeps it all and which Node documents as backward compatible,
 *   i.e. safe to store. It is also ~8× slower than JSON, hence the split.
 */
import { deserialize, serialize } from 'node:v8';
import type { PacketColumn, PayloadColumn } from '../db/mqtt-session-repo.ts';
import type { StoredPacket } from './persistence-types.ts';

export interface EncodedPacket {
  payload: PayloadColumn;
  packet: PacketColumn;
}

function isFlat(value: unknown): boolean {
  const type = typeof value;
  if (type === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  return value === null || value === undefined || type === 'string' || type === 'boolean';
}

/** Encodes a packet; function-valued fields (aedes' `writeCallback`) are runtime state, not data. */
export function encodePacket(packet: StoredPacket): EncodedPacket {
  const fields: Record<string, unknown> = {};
  const undefinedFields: string[] = [];
  let payload: PayloadColumn = null;
  let flat = true;
  for (const key of Object.keys(packet)) {
    const value = packet[key];
    if (typeof value === 'function') continue;
    if (key === 'payload' && typeof value === 'string') payload = value;
    else if (key === 'payload' && value instanceof Uint8Array) payload = toBuffer(value);
    else {
      fields[key] = value;
      if (value === undefined) undefinedFields.push(key);
      else if (flat && !isFlat(value)) flat = false;
    }
  }
  return { payload, packet: flat ? JSON.stringify([fields, undefinedFields]) : serialize(fields) };
}

/** Decodes what `encodePacket` wrote; throws on a value that is not a packet. */
export function decodePacket(payload: PayloadColumn, stored: PacketColumn): StoredPacket {
  const value = typeof stored === 'string' ? fromJson(stored) : deserialize(stored);
  if (!isPacket(value)) throw new Error('corrupt packet in the broker persistence');
  if (payload !== null) value.payload = payload;
  return value;
}

function fromJson(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return undefined;
  const [fields, undefinedFields] = parsed as unknown[];
  if (!isPacket(fields) || !Array.isArray(undefinedFields)) return undefined;
  for (const key of undefinedFields) if (typeof key === 'string') fields[key] = undefined;
  return fields;
}

function isPacket(value: unknown): value is StoredPacket {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Byte length of a payload, for "an empty retained payload deletes" [MQTT-3.3.1-10]. */
export function payloadLength(payload: StoredPacket['payload']): number {
  if (payload === undefined) return 0;
  return typeof payload === 'string' ? payload.length : payload.byteLength;
}

/**
 * The copy aedes-packet 4 makes of a packet it queues (`new Packet(original)`
 * without a broker), which the conformance suite expects back field for field:
 * wire-only fields such as `length` are dropped, defaults filled in, and the
 * packet identifier left unassigned until delivery [MQTT-2.3.1-1].
 */
export function toAedesPacket(original: StoredPacket): StoredPacket {
  const p: StoredPacket = { cmd: original.cmd || 'publish' };
  if (Object.hasOwn(original, 'clientId')) p.clientId = original.clientId;
  if (Object.hasOwn(original, 'nl')) p.nl = original.nl;
  if (Object.hasOwn(original, 'properties')) p.properties = original.properties;
  if (Object.hasOwn(original, 'messageExpiry')) p.messageExpiry = original.messageExpiry;
  p.brokerId = original.brokerId || undefined;
  p.brokerCounter = original.brokerCounter || 0;
  p.topic = original.topic;
  p.payload = original.payload || Buffer.alloc(0);
  p.qos = original.qos || 0;
  p.retain = original.retain || false;
  p.dup = original.dup || false;
  // [MQTT-2.3.1-5]: a QoS 0 PUBLISH has no packet identifier at all.
  if (p.qos > 0 || p.cmd !== 'publish') p.messageId = undefined;
  return p;
}
