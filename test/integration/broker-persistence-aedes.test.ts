/**
 * The SQLite persistence under a real aedes (plain, without Hearth's hooks) on
 * port 0 with real mqtt.js clients: what a persistent session, retained
 * messages and wills look like to clients across a broker restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import type { StoredPacket } from '../../server/mqtt/persistence-types.ts';
import { SqlitePersistence } from '../../server/mqtt/sqlite-persistence.ts';
import { waitFor } from '../helpers/wait.ts';

async function drain(stream: Readable): Promise<StoredPacket[]> {
  const out: StoredPacket[] = [];
  for await (const item of stream) out.push(item as StoredPacket);
  return out;
}

describe('aedes on the SQLite persistence', () => {
  let dir: string;
  let running: Awaited<ReturnType<typeof startBroker>> | undefined;
  const clients: MqttClient[] = [];

  /** Plain aedes (no Hearth hooks) on port 0, over the database file in `dir`. */
  async function startBroker(id = 'hearth', heartbeatInterval = 60_000) {
    const db = openDatabase(join(dir, 'hearth.sqlite'));
    const persistence = new SqlitePersistence(db);
    const aedes = await Aedes.createBroker({ id, persistence, heartbeatInterval });
    const server = createServer((socket) => aedes.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      persistence,
      url: `mqtt://127.0.0.1:${port}`,
      async stop() {
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await persistence.destroy();
        db.close();
      },
    };
  }

  function connect(url: string, options: IClientOptions): MqttClient {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, ...options });
    clients.push(client);
    return client;
  }

  function connected(client: MqttClient): Promise<IConnackPacket> {
    return new Promise((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
  }

  function nextMessage(client: MqttClient): Promise<[string, string, boolean]> {
    return new Promise((resolve) => {
      client.once('message', (topic, payload, packet) => resolve([topic, payload.toString(), packet.retain]));
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-aedes-'));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.endAsync(true);
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers what was queued for an offline persistent session after a restart, retained and wills too', async () => {
    running = await startBroker();
    const session = { clientId: 'sub-1', clean: false };
    const sub = connect(running.url, session);
    await connected(sub);
    await sub.subscribeAsync('hearth/+/rpc', { qos: 1 });
    await sub.endAsync();
    // Still connected at shutdown: aedes publishes their wills then, and they must not stay stored.
    const will = (id: string) => ({
      topic: `hearth/${id}/availability`,
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    });
    const watcher = connect(running.url, { clientId: 'watcher', clean: false });
    await connected(watcher);
    await watcher.subscribeAsync('hearth/+/availability', { qos: 1 });
    const pub = connect(running.url, { clientId: 'pub-1', will: will('pub-1') });
    await connected(pub);
    for (let n = 0; n < 10; n++) {
      await connected(connect(running.url, { clientId: `dev-${n}`, clean: false, will: will(`dev-${n}`) }));
    }
    // aedes sends PUBACK once the packet is queued, i.e. committed.
    for (let n = 1; n <= 3; n++) await pub.publishAsync('hearth/dev-1/rpc', `cmd ${n}`, { qos: 1 });
    await pub.publishAsync('hearth/dev-1/state', '{"on":true}', { qos: 1, retain: true });
    await running.stop();

    running = await startBroker();
    const back = connect(running.url, session);
    const received: string[] = [];
    back.on('message', (topic, payload, packet) => received.push(`${topic} ${payload} qos${packet.qos}`));
    expect((await connected(back)).sessionPresent).toBe(true);
    await waitFor(() => received.length >= 3, { what: 'the queued messages' });
    expect(received).toEqual([
      'hearth/dev-1/rpc cmd 1 qos1',
      'hearth/dev-1/rpc cmd 2 qos1',
      'hearth/dev-1/rpc cmd 3 qos1',
    ]);
    const persistence = running.persistence;
    await waitFor(async () => (await drain(persistence.outgoingStream({ id: 'sub-1' }))).length === 0, {
      what: 'the queue emptied by PUBACKs',
    });

    const late = connect(running.url, { clientId: 'late-1' });
    await connected(late);
    const retained = nextMessage(late);
    await late.subscribeAsync('hearth/+/state', { qos: 1 });
    expect(await retained).toEqual(['hearth/dev-1/state', '{"on":true}', true]);
    for (const id of ['pub-1', 'dev-0', 'dev-9'])
      expect(await persistence.getWill({ id }), id).toBeUndefined();
    const wills = await drain(persistence.createRetainedStream('hearth/+/availability'));
    expect(wills.map((w) => w.payload?.toString())).toEqual(Array(11).fill('offline'));
  });

  it('publishes a will left by a crashed broker once a broker with another id runs', async () => {
    // The previous boot died with dev-9 connected: its will is still stored, tagged with that boot's id.
    const db = openDatabase(join(dir, 'hearth.sqlite'));
    const before = new SqlitePersistence(db);
    await before.setup({ id: 'hearth-boot-1' });
    const will = {
      topic: 'hearth/dev-9/availability',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    await before.putWill({ id: 'dev-9' }, will);
    await before.destroy();
    db.close();

    // aedes publishes wills of brokers it has no heartbeat from every 4 heartbeats.
    running = await startBroker('hearth-boot-2', 25);
    const persistence = running.persistence;
    await waitFor(async () => (await persistence.getWill({ id: 'dev-9' })) === undefined, {
      what: 'the orphaned will published and removed',
    });
    const retained = await drain(persistence.createRetainedStream('hearth/dev-9/availability'));
    expect(retained.map((r) => r.payload?.toString())).toEqual(['offline']);
  });
});
