import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, toAedesPacket } from '../../server/mqtt/packet-codec.ts';
import type { StoredPacket } from '../../server/mqtt/persistence-types.ts';

const publish: StoredPacket = {
  cmd: 'publish',
  topic: 'hearth/dev-1/rpc',
  payload: Buffer.from('{"id":"1"}'),
  qos: 1,
  retain: false,
  dup: false,
  brokerId: 'hearth',
  brokerCounter: 7,
  messageId: undefined,
};

// name, packet, stored as: 'json' (readable TEXT) or 'v8' (BLOB)
const cases: [string, StoredPacket, 'json' | 'v8'][] = [
  ['a queued PUBLISH, messageId present but undefined', publish, 'json'],
  ['a PUBREL, no payload', { cmd: 'pubrel', messageId: 42 }, 'json'],
  ['a string payload', { ...publish, payload: 'text' }, 'json'],
  [
    'a will, no cmd, extra fields',
    { topic: 't', payload: Buffer.alloc(0), qos: 0, retain: true, id: 'x' },
    'json',
  ],
  ['an empty payload', { ...publish, payload: Buffer.alloc(0) }, 'json'],
  [
    'MQTT 5 properties with Buffers and $-keyed user properties',
    {
      ...publish,
      properties: { correlationData: Buffer.from([0, 255]), userProperties: { $b: 'x', k: ['1', '2'] } },
      messageExpiry: 1_700_000_000_000,
    },
    'v8',
  ],
  ['a negative zero', { ...publish, brokerCounter: -0 }, 'v8'],
  ['a non-finite number', { ...publish, messageExpiry: Number.POSITIVE_INFINITY }, 'v8'],
];

describe('packet codec', () => {
  it.each(cases)('round-trips %s exactly', (_name, packet, as) => {
    const encoded = encodePacket(packet);
    expect(typeof encoded.packet === 'string' ? 'json' : 'v8').toBe(as);
    const decoded = decodePacket(encoded.payload, encoded.packet);
    expect(decoded).toStrictEqual(packet);
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(packet).sort());
  });

  it('drops runtime callbacks and stores a Uint8Array payload as a Buffer', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const encoded = encodePacket({ ...publish, payload: bytes, writeCallback: () => {} });
    const decoded = decodePacket(encoded.payload, encoded.packet);
    expect(decoded.writeCallback).toBeUndefined();
    expect(Object.hasOwn(decoded, 'writeCallback')).toBe(false);
    expect(Buffer.isBuffer(decoded.payload)).toBe(true);
    expect(decoded.payload).toEqual(Buffer.from(bytes));
  });

  it('refuses a stored value that is not a packet', () => {
    expect(() => decodePacket(null, '[1,2]')).toThrow(/corrupt/);
    expect(() => decodePacket(null, 'null')).toThrow(/corrupt/);
  });

  it('copies a packet the way aedes-packet does when it queues it', () => {
    const wire = { ...publish, length: 14, messageId: 4242, nl: true };
    expect(toAedesPacket(wire)).toStrictEqual({ ...publish, nl: true, messageId: undefined });
    expect(toAedesPacket({ cmd: 'publish', topic: 't', qos: 0 })).toStrictEqual({
      cmd: 'publish',
      topic: 't',
      payload: Buffer.alloc(0),
      qos: 0,
      retain: false,
      dup: false,
      brokerId: undefined,
      brokerCounter: 0,
    });
  });
});
