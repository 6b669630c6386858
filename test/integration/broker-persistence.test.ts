/**
 * The SQLite aedes persistence beyond the aedes-persistence conformance suite
 * (test/persistence/): state across a restart, client ids that are prefixes of
 * others, non-ASCII topics, and crash atomicity. A real database file in a temp
 * dir, reopened the way the hub reopens it. Through a real aedes:
 * broker-persistence-aedes.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../server/db/database.ts';
import type { PersistenceBroker, StoredPacket } from '../../server/mqtt/persistence-types.ts';
import { SqlitePersistence } from '../../server/mqtt/sqlite-persistence.ts';

async function drain(stream: Readable): Promise<StoredPacket[]> {
  const out: StoredPacket[] = [];
  for await (const item of stream) out.push(item as StoredPacket);
  return out;
}

function publish(topic: string, payload: string | Buffer, extra: Partial<StoredPacket> = {}): StoredPacket {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return { cmd: 'publish', topic, payload: body, qos: 1, retain: false, dup: false, ...extra };
}

describe('SQLite broker persistence', () => {
  let dir: string;
  let db: Db;
  let p: SqlitePersistence;
  let broker: PersistenceBroker;
  const file = () => join(dir, 'hearth.sqlite');

  async function open(): Promise<void> {
    db = openDatabase(file());
    p = new SqlitePersistence(db);
    broker = { id: 'hearth', counter: 0 };
    await p.setup(broker);
  }

  /** A hub restart: the persistence stops, the database closes, both come back from the file. */
  async function restart(): Promise<void> {
    await p.destroy();
    db.close();
    await open();
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-persistence-'));
    await open();
  });
  afterEach(async () => {
    await p.destroy();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps retained messages, sessions, queued and inbound packets and wills across a restart', async () => {
    const withV5 = publish('hearth/dev-1/state', '{"on":true}', {
      qos: 1,
      retain: true,
      properties: { correlationData: Buffer.from([0, 255]), userProperties: { $b: 'x' } },
      messageExpiry: 1_700_000_000_000,
      brokerId: 'hearth',
      brokerCounter: 12,
    });
    await p.storeRetained(withV5);
    await p.storeRetained(publish('hearth/dev-1/availability', 'online', { retain: true }));
    await p.addSubscriptions({ id: 'dev-1' }, [
      { topic: 'hearth/dev-1/rpc', qos: 1, rh: 0, rap: true, nl: false },
      { topic: 'hearth/+/availability', qos: 0 },
    ]);
    const sub = { clientId: 'dev-1', topic: 'hearth/dev-1/rpc', qos: 1 };
    for (let n = 1; n <= 3; n++) {
      await p.outgoingEnqueueCombi(
        [sub],
        publish('hearth/dev-1/rpc', `cmd ${n}`, { brokerId: 'hearth', brokerCounter: n }),
      );
    }
    // The first was sent (identifier assigned), the second got its PUBREL stage.
    await p.outgoingUpdate(
      { id: 'dev-1' },
      publish('hearth/dev-1/rpc', 'cmd 1', { brokerId: 'hearth', brokerCounter: 1, messageId: 7 }),
    );
    await p.outgoingUpdate(
      { id: 'dev-1' },
      publish('hearth/dev-1/rpc', 'cmd 2', { brokerId: 'hearth', brokerCounter: 2, messageId: 8 }),
    );
    await p.outgoingUpdate({ id: 'dev-1' }, { cmd: 'pubrel', messageId: 8 });
    await p.incomingStorePacket(
      { id: 'dev-1' },
      publish('hearth/dev-1/telemetry', '{"t":1}', { qos: 2, messageId: 9 }),
    );
    await p.putWill(
      { id: 'dev-1' },
      { topic: 'hearth/dev-1/availability', payload: Buffer.from('offline'), qos: 1, retain: true },
    );

    await restart();

    const retained = await drain(p.createRetainedStream('hearth/#'));
    expect(retained.map((r) => r.topic)).toEqual(['hearth/dev-1/availability', 'hearth/dev-1/state']);
    expect(retained[1]).toEqual(withV5);
    expect(Buffer.isBuffer(retained[1]?.properties?.correlationData)).toBe(true);
    expect(await p.subscriptionsByClient({ id: 'dev-1' })).toEqual([
      { topic: 'hearth/+/availability', qos: 0, rh: undefined, rap: undefined, nl: undefined },
      { topic: 'hearth/dev-1/rpc', qos: 1, rh: 0, rap: true, nl: false },
    ]);
    expect(await p.subscriptionsByTopic('hearth/dev-1/rpc')).toEqual([
      { clientId: 'dev-1', topic: 'hearth/dev-1/rpc', qos: 1, rh: 0, rap: true, nl: false },
    ]);
    expect(await p.countOffline()).toEqual({ subsCount: 1, clientsCount: 1 });
    const queued = await drain(p.outgoingStream({ id: 'dev-1' }));
    expect(queued.map((q) => [q.cmd, q.messageId, q.payload?.toString()])).toEqual([
      ['publish', 7, 'cmd 1'],
      ['pubrel', 8, undefined],
      ['publish', undefined, 'cmd 3'],
    ]);
    const incoming = await p.incomingGetPacket({ id: 'dev-1' }, { messageId: 9 });
    expect(incoming.payload?.toString()).toBe('{"t":1}');
    expect(await p.getWill({ id: 'dev-1' })).toMatchObject({ brokerId: 'hearth', clientId: 'dev-1', qos: 1 });
    // aedes' counter restarts at 0: it continues after the queued packets instead.
    expect(broker.counter).toBe(3);
  });

  it('never touches client `abc` when clearing `ab`, and the reverse', async () => {
    const ids = ['a', 'ab', 'abc', 'ab_', 'ab%'];
    for (const id of ids) {
      await p.addSubscriptions({ id }, [{ topic: `t/${id}`, qos: 1 }]);
      await p.outgoingEnqueueCombi(
        [{ clientId: id }],
        publish(`t/${id}`, id, { brokerId: 'hearth', brokerCounter: 1 }),
      );
      await p.outgoingUpdate(
        { id },
        publish(`t/${id}`, id, { brokerId: 'hearth', brokerCounter: 1, messageId: 42 }),
      );
      await p.incomingStorePacket({ id }, publish(`t/${id}`, id, { qos: 2, messageId: 42 }));
      await p.putWill({ id }, { topic: `t/${id}/will`, payload: Buffer.from(id), qos: 0, retain: false });
    }
    expect((await drain(p.outgoingStream({ id: 'ab' }))).map((q) => q.payload?.toString())).toEqual(['ab']);

    await p.cleanSubscriptions({ id: 'ab' });
    await p.removeSubscriptions({ id: 'a' }, ['t/a']);
    expect(
      (await p.outgoingClearMessageId({ id: 'ab' }, { cmd: 'puback', messageId: 42 }))?.payload?.toString(),
    ).toBe('ab');
    await p.cleanIncoming({ id: 'ab' });
    await p.incomingDelPacket({ id: 'abc' }, { messageId: 42 });
    await p.delWill({ id: 'ab' });

    for (const step of ['before', 'after restart']) {
      if (step === 'after restart') await restart();
      const survivors = ['abc', 'ab_', 'ab%'];
      expect(await p.countOffline(), step).toEqual({ subsCount: 3, clientsCount: 3 });
      for (const id of survivors) {
        expect(await p.subscriptionsByClient({ id }), `${step}: subs of ${id}`).toHaveLength(1);
        expect(await drain(p.outgoingStream({ id })), `${step}: queue of ${id}`).toHaveLength(1);
        expect(await p.getWill({ id }), `${step}: will of ${id}`).toBeDefined();
      }
      expect(await p.subscriptionsByClient({ id: 'ab' })).toEqual([]);
      expect(await drain(p.outgoingStream({ id: 'ab' }))).toEqual([]);
      expect(await p.getWill({ id: 'ab' })).toBeUndefined();
      await expect(p.incomingGetPacket({ id: 'ab' }, { messageId: 42 })).rejects.toThrow('no such packet');
      await expect(p.incomingGetPacket({ id: 'abc' }, { messageId: 42 })).rejects.toThrow('no such packet');
      expect((await p.incomingGetPacket({ id: 'a' }, { messageId: 42 })).payload?.toString()).toBe('a');
      expect((await p.incomingGetPacket({ id: 'ab_' }, { messageId: 42 })).payload?.toString()).toBe('ab_');
    }
  });

  it('stores and matches non-ASCII topics by MQTT rules, before and after a restart', async () => {
    const topics = [
      'hearth',
      'hearth/température/😀',
      'hearth/temperature/x',
      'hearth/\u00ff/\uffff',
      'hearth/𝄞',
      'hearth0',
      'hearth.x',
      'hearthé/x',
      'hearth/',
    ];
    for (const topic of topics) await p.storeRetained(publish(topic, topic, { retain: true }));
    await p.addSubscriptions({ id: 'ui' }, [{ topic: 'hearth/+/#', qos: 1 }]);
    await p.addSubscriptions({ id: 'fr' }, [{ topic: 'hearth/température/😀', qos: 2 }]);

    const retainedTopics = async (...patterns: string[]) =>
      (await drain(p.createRetainedStreamCombi(patterns))).map((r) => r.topic).sort();
    for (const step of ['before', 'after restart']) {
      if (step === 'after restart') await restart();
      expect(await retainedTopics('hearth/+/#'), step).toEqual(
        [
          'hearth/',
          'hearth/température/😀',
          'hearth/temperature/x',
          'hearth/\u00ff/\uffff',
          'hearth/𝄞',
        ].sort(),
      );
      expect(await retainedTopics('hearth/#'), step).toEqual(
        [
          'hearth',
          'hearth/',
          'hearth/température/😀',
          'hearth/temperature/x',
          'hearth/\u00ff/\uffff',
          'hearth/𝄞',
        ].sort(),
      );
      expect(await retainedTopics('hearth/température/+')).toEqual(['hearth/température/😀']);
      expect(await retainedTopics('+/température/😀', 'hearth/température/😀')).toEqual([
        'hearth/température/😀',
      ]);
      expect(await retainedTopics('hearthé/#', 'hearth0')).toEqual(['hearth0', 'hearthé/x']);
      const subs = await p.subscriptionsByTopic('hearth/température/😀');
      expect(subs.map((s) => s.clientId).sort()).toEqual(['fr', 'ui']);
    }
  });

  it('writes a multi-row call entirely or not at all when it fails half-way', async () => {
    // A write that fails on its third row, after two were written in the same transaction.
    db.function('fail', () => {
      throw new Error('disk gone');
    });
    db.exec(`CREATE TEMP TRIGGER fail_outgoing AFTER INSERT ON main.mqtt_outgoing WHEN NEW.client_id = 'z'
             BEGIN SELECT fail(); END;
             CREATE TEMP TRIGGER fail_subscription AFTER INSERT ON main.mqtt_subscriptions WHEN NEW.topic = 'c'
             BEGIN SELECT fail(); END;`);
    const subs = ['x', 'y', 'z'].map((clientId) => ({ clientId }));
    await expect(p.outgoingEnqueueCombi(subs, publish('t', 'p'))).rejects.toThrow('disk gone');
    const topics = ['a', 'b', 'c'].map((topic) => ({ topic, qos: 1 as const }));
    await expect(p.addSubscriptions({ id: 'x' }, topics)).rejects.toThrow('disk gone');
    const check = async () => {
      for (const id of ['x', 'y', 'z']) expect(await drain(p.outgoingStream({ id }))).toEqual([]);
      expect(await p.subscriptionsByClient({ id: 'x' })).toEqual([]);
      expect(await p.subscriptionsByTopic('a')).toEqual([]);
    };
    await check();
    await restart();
    await check();
    // Nothing half-done is left in the way either.
    await p.outgoingEnqueueCombi(subs, publish('t', 'p'));
    expect(await drain(p.outgoingStream({ id: 'z' }))).toHaveLength(1);
  });

  it('leaves no partial transaction behind when the process is killed in the middle of one', async () => {
    await p.destroy();
    db.close();
    // A child process queues a packet for three clients and is SIGKILLed by a
    // trigger on the third row, with two rows written in the open transaction.
    const script = `
      import { openDatabase } from ${JSON.stringify(join(process.cwd(), 'server/db/database.ts'))};
      import { SqlitePersistence } from ${JSON.stringify(join(process.cwd(), 'server/mqtt/sqlite-persistence.ts'))};
      const db = openDatabase(process.argv[1]);
      const p = new SqlitePersistence(db);
      await p.setup({ id: 'hearth', counter: 0 });
      const packet = (n) => ({ cmd: 'publish', topic: 't', payload: Buffer.from(String(n)), qos: 1 });
      await p.outgoingEnqueueCombi([{ clientId: 'before' }], packet(1));
      db.function('die', () => process.kill(process.pid, 'SIGKILL'));
      db.exec("CREATE TEMP TRIGGER die AFTER INSERT ON main.mqtt_outgoing WHEN NEW.client_id = 'z' BEGIN SELECT die(); END");
      await p.outgoingEnqueueCombi([{ clientId: 'x' }, { clientId: 'y' }, { clientId: 'z' }], packet(2));
    `;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, file()],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    await open();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await drain(p.outgoingStream({ id: 'before' }))).toHaveLength(1);
    for (const id of ['x', 'y', 'z']) expect(await drain(p.outgoingStream({ id }))).toEqual([]);
  });
});
