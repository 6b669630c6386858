/**
 * A durable aedes persistence (aedes-persistence 11 contract) on the hub's own
 * SQLite database: retained messages, persistent sessions (clean-session=false
 * subscriptions [MQTT-3.1.2-4]), their queued QoS 1/2 messages, inbound QoS 2
 * packets and wills survive a hub restart. Schema: db/migrations/005-broker-persistence.sql.
 *
 * better-sqlite3 is synchronous, so every write has committed (or thrown)
 * before its promise settles; a call that writes several rows does so in one
 * transaction. What aedes looks up per message is mirrored in memory:
 * subscriptions in a trie (`subscriptionsByTopic` runs on every QoS>0 PUBLISH)
 * and the outgoing queues' lookup fields (outgoing-index.ts). A mirror changes
 * only after its rows are committed, and is rebuilt from the tables in `setup`.
 */
import { Readable } from 'node:stream';
import type { Db } from '../db/database.ts';
import {
  createMqttSessionRepo,
  type MqttSessionRepo,
  type OutgoingRow,
  type RetainedRow,
  subscriptionFromRow,
} from '../db/mqtt-session-repo.ts';
import { OutgoingIndex, type QueuedRef } from './outgoing-index.ts';
import {
  decodePacket,
  type EncodedPacket,
  encodePacket,
  payloadLength,
  toAedesPacket,
} from './packet-codec.ts';
import type {
  AedesPersistence,
  Brokers,
  PersistenceBroker,
  PersistenceClient,
  StoredPacket,
  Subscription,
  TopicSubscription,
} from './persistence-types.ts';
import { compileFilter, type FilterScope, filterScope, SubscriptionTrie } from './topic-trie.ts';

function decodeOutgoing(row: OutgoingRow): StoredPacket {
  const packet = decodePacket(row.payload, row.packet);
  // The column holds the identifier assigned at delivery; the blob keeps the key's presence.
  if (row.message_id !== null) packet.messageId = row.message_id;
  return packet;
}

function noSuchPacket(): Error {
  return new Error('no such packet');
}

/** aedes persistence on an open, migrated Hearth database; the hub owns and closes the database. */
export class SqlitePersistence implements AedesPersistence {
  private readonly s: MqttSessionRepo;
  /** Every stored subscription, QoS 0 included: client id → filter → subscription. */
  private readonly sessions = new Map<string, Map<string, Subscription>>();
  /** The QoS>0 subscriptions, for `subscriptionsByTopic`. */
  private readonly trie = new SubscriptionTrie();
  private readonly queues = new OutgoingIndex();
  /** Row id of the next queued packet: increasing, so a queue snapshot never sees a reused one. */
  private nextSeq = 1;
  private currentBroker: PersistenceBroker | null = null;
  private destroyed = false;

  /** Retained writes waiting for this turn's commit: topic → message, or null to remove. */
  private retainedQueue = new Map<string, EncodedPacket | null>();
  private retainedWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private retainedTurn: NodeJS.Immediate | null = null;
  private readonly writeRetained: (batch: Map<string, EncodedPacket | null>) => void;

  constructor(db: Db) {
    this.s = createMqttSessionRepo(db);
    this.writeRetained = db.transaction((batch: Map<string, EncodedPacket | null>) => {
      for (const [topic, message] of batch) {
        if (message) this.s.retainedPut.run(topic, message.payload, message.packet);
        else this.s.retainedDelete.run(topic);
      }
    });
  }

  /** The broker given to `setup` (the conformance suite reads its id through this). */
  get broker(): PersistenceBroker | null {
    return this.currentBroker;
  }

  async setup(broker: PersistenceBroker): Promise<void> {
    this.assertOpen();
    this.currentBroker = broker;
    this.sessions.clear();
    this.trie.clear();
    for (const row of this.s.subAll.all()) this.remember(row.client_id, subscriptionFromRow(row));
    this.queues.clear();
    this.nextSeq = 1;
    let counter = 0;
    for (const row of this.s.outRefs.iterate()) {
      const { seq, client_id, message_id, broker_id, broker_counter } = row;
      this.queues.add(client_id, {
        seq,
        messageId: message_id,
        brokerId: broker_id,
        brokerCounter: broker_counter,
      });
      this.nextSeq = seq + 1;
      if (broker_id === broker.id && broker_counter !== null) counter = Math.max(counter, broker_counter);
    }
    // aedes matches a queued packet to its delivery by (brokerId, brokerCounter),
    // and its counter restarts at 0 with the process: continue after the stored
    // ones so a new packet can never be taken for an old one still queued.
    if (typeof broker.counter === 'number' && broker.counter < counter) broker.counter = counter;
  }

  /**
   * Stores (or, with an empty payload, removes) a retained message. Writes are
   * group-committed once per event-loop turn — a reconnect storm publishes one
   * retained availability per device — and resolve only once committed.
   */
  async storeRetained(packet: StoredPacket): Promise<void> {
    this.assertOpen();
    const topic = packet.topic;
    if (typeof topic !== 'string') throw new Error('a retained message needs a topic');
    // A retained PUBLISH with an empty payload removes the retained message [MQTT-3.3.1-10].
    this.retainedQueue.set(topic, payloadLength(packet.payload) === 0 ? null : encodePacket(packet));
    return new Promise((resolve, reject) => {
      this.retainedWaiters.push({ resolve, reject });
      this.retainedTurn ??= setImmediate(() => this.flushRetained());
    });
  }

  /** Commits queued retained writes now; readers call it so they see them. */
  private flushRetained(): void {
    if (this.retainedTurn) clearImmediate(this.retainedTurn);
    this.retainedTurn = null;
    if (this.retainedQueue.size === 0) return;
    const batch = this.retainedQueue;
    const waiters = this.retainedWaiters;
    this.retainedQueue = new Map();
    this.retainedWaiters = [];
    try {
      this.writeRetained(batch);
    } catch (err) {
      for (const w of waiters) w.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const w of waiters) w.resolve();
  }

  createRetainedStream(pattern: string): Readable {
    return this.createRetainedStreamCombi([pattern]);
  }

  /** Retained messages matching any of `patterns`, each message once. */
  createRetainedStreamCombi(patterns: string[]): Readable {
    const self = this;
    function* matching(): Generator<StoredPacket> {
      const seen = new Set<string>();
      for (const pattern of patterns) {
        const matches = compileFilter(pattern);
        // Queued writes this pattern would see are committed first; others
        // (another device's availability in a reconnect storm) stay batched.
        if ([...self.retainedQueue.keys()].some(matches)) self.flushRetained();
        for (const row of self.retainedRows(filterScope(pattern))) {
          if (seen.has(row.topic) || !matches(row.topic)) continue;
          seen.add(row.topic);
          yield decodePacket(row.payload, row.packet);
        }
      }
    }
    return Readable.from(matching());
  }

  private *retainedRows(scope: FilterScope): Generator<RetainedRow> {
    this.assertOpen();
    if (scope.kind === 'all') {
      yield* this.s.retainedAll();
      return;
    }
    // The exact topic, or the parent a trailing `#` also matches.
    const single = scope.kind === 'exact' ? scope.topic : scope.parent;
    const row = single === null ? undefined : this.s.retainedGet.get(single);
    if (row) yield row;
    if (scope.kind === 'range') yield* this.s.retainedRange(scope.from, scope.to);
  }

  async addSubscriptions(client: PersistenceClient, subs: Subscription[]): Promise<void> {
    this.assertOpen();
    if (subs.length === 0) return;
    this.s.putSubscriptions(client.id, subs);
    for (const sub of subs) this.remember(client.id, sub);
  }

  async removeSubscriptions(client: PersistenceClient, topics: string[]): Promise<void> {
    this.assertOpen();
    const stored = this.sessions.get(client.id);
    if (!stored) return;
    this.s.deleteSubscriptions(client.id, topics);
    for (const topic of topics) {
      if (stored.get(topic)?.qos) this.trie.remove(topic, client.id);
      stored.delete(topic);
    }
    if (stored.size === 0) this.sessions.delete(client.id);
  }

  async subscriptionsByClient(client: PersistenceClient): Promise<Subscription[]> {
    this.assertOpen();
    return [...(this.sessions.get(client.id)?.values() ?? [])].map((sub) => ({ ...sub }));
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    this.assertOpen();
    return { subsCount: this.trie.size, clientsCount: this.sessions.size };
  }

  async subscriptionsByTopic(topic: string): Promise<TopicSubscription[]> {
    this.assertOpen();
    return this.trie.match(topic);
  }

  async cleanSubscriptions(client: PersistenceClient): Promise<void> {
    this.assertOpen();
    const stored = this.sessions.get(client.id);
    if (!stored) return;
    this.s.subDeleteClient.run(client.id);
    for (const [topic, sub] of stored) if (sub.qos > 0) this.trie.remove(topic, client.id);
    this.sessions.delete(client.id);
  }

  /** Records a committed subscription in the in-memory mirror; QoS 0 ones get no queue. */
  private remember(clientId: string, sub: Subscription): void {
    let stored = this.sessions.get(clientId);
    if (!stored) {
      stored = new Map();
      this.sessions.set(clientId, stored);
    }
    const record: Subscription = { topic: sub.topic, qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl };
    if (sub.subscriptionIdentifier !== undefined) record.subscriptionIdentifier = sub.subscriptionIdentifier;
    if (sub.qos > 0) {
      this.trie.add({ clientId, topic: sub.topic, qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl });
    } else if (stored.get(sub.topic)?.qos) {
      this.trie.remove(sub.topic, clientId);
    }
    stored.set(sub.topic, record);
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void> {
    await this.outgoingEnqueueCombi([sub], packet);
  }

  /** Queues one copy of `packet` per subscription, all in one transaction. */
  async outgoingEnqueueCombi(subs: readonly { clientId: string }[], packet: StoredPacket): Promise<void> {
    this.assertOpen();
    // aedes calls this for every QoS>0 PUBLISH, matched or not.
    if (subs.length === 0) return;
    const p = toAedesPacket(packet);
    const { payload, packet: blob } = encodePacket(p);
    const fields = {
      messageId: p.messageId ?? null,
      brokerId: p.brokerId ?? null,
      brokerCounter: p.brokerCounter ?? null,
    };
    const clientIds = subs.map((sub) => sub.clientId);
    const first = this.nextSeq;
    this.s.enqueue(first, clientIds, { ...fields, payload, packet: blob });
    this.nextSeq = first + clientIds.length;
    clientIds.forEach((clientId, i) => {
      this.queues.add(clientId, { seq: first + i, ...fields });
    });
  }

  /**
   * Records the packet identifier a queued packet was given at delivery, or
   * replaces the packet (a PUBREL replaces its PUBLISH [MQTT-4.3.3-1]); the same
   * search as aedes-persistence's memory store: the first queued packet, in
   * order, that is this one (same brokerId and brokerCounter) or that holds this
   * identifier for another broker's packet.
   */
  async outgoingUpdate(client: PersistenceClient, packet: StoredPacket): Promise<void> {
    this.assertOpen();
    const messageId = packet.messageId ?? null;
    if (typeof packet.brokerId !== 'string') {
      // A PUBREL carries only the identifier: it replaces whatever holds it.
      const ref = messageId === null ? undefined : this.queues.firstByMessageId(client.id, messageId);
      if (!ref) throw noSuchPacket();
      this.replaceOutgoing(client.id, ref, packet);
      return;
    }
    const same = this.queues.firstByCounter(client.id, packet.brokerId, packet.brokerCounter ?? 0);
    const other =
      messageId === null ? undefined : this.queues.firstByMessageId(client.id, messageId, packet.brokerId);
    if (same && (!other || same.seq < other.seq)) {
      if (messageId !== null) {
        this.s.outSetMessageId.run(messageId, same.seq);
        this.queues.update(client.id, same, { ...same, messageId });
        return;
      }
      const row = this.s.outGet.get(same.seq);
      if (row) this.replaceOutgoing(client.id, same, { ...decodeOutgoing(row), messageId: undefined });
      return;
    }
    if (!other) throw noSuchPacket();
    this.replaceOutgoing(client.id, other, packet);
  }

  private replaceOutgoing(clientId: string, ref: QueuedRef, packet: StoredPacket): void {
    const { payload, packet: blob } = encodePacket(packet);
    const fields = {
      messageId: packet.messageId ?? null,
      brokerId: packet.brokerId ?? null,
      brokerCounter: packet.brokerCounter ?? null,
    };
    this.s.outReplace.run(fields.messageId, fields.brokerId, fields.brokerCounter, payload, blob, ref.seq);
    this.queues.update(clientId, ref, fields);
  }

  /** Removes the first queued packet with this identifier (a PUBACK/PUBCOMP arrived) and returns it. */
  async outgoingClearMessageId(
    client: PersistenceClient,
    packet: StoredPacket,
  ): Promise<StoredPacket | undefined> {
    this.assertOpen();
    const messageId = packet?.messageId;
    if (typeof messageId !== 'number') return undefined;
    const ref = this.queues.firstByMessageId(client.id, messageId);
    if (!ref) return undefined;
    const row = this.s.outDelete.get(ref.seq);
    this.queues.remove(client.id, ref);
    return row ? decodeOutgoing(row) : undefined;
  }

  /** The client's queue as it is now, in order: packets queued after this call are not included. */
  outgoingStream(client: PersistenceClient): Readable {
    this.assertOpen();
    const seqs = this.queues.seqs(client.id);
    const self = this;
    function* queued(): Generator<StoredPacket> {
      for (const seq of seqs) {
        self.assertOpen();
        // Gone when acknowledged meanwhile.
        const row = self.s.outGet.get(seq);
        if (row) yield decodeOutgoing(row);
      }
    }
    return Readable.from(queued());
  }

  async incomingStorePacket(client: PersistenceClient, packet: StoredPacket): Promise<void> {
    this.assertOpen();
    const messageId = requireMessageId(packet);
    const p = toAedesPacket(packet);
    p.messageId = messageId;
    const { payload, packet: blob } = encodePacket(p);
    this.s.inPut.run(client.id, messageId, payload, blob);
  }

  async incomingGetPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<StoredPacket> {
    this.assertOpen();
    const messageId = packet.messageId;
    const row = typeof messageId === 'number' ? this.s.inGet.get(client.id, messageId) : undefined;
    if (!row) throw noSuchPacket();
    return decodePacket(row.payload, row.packet);
  }

  async incomingDelPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<void> {
    this.assertOpen();
    const messageId = packet.messageId;
    const { changes } =
      typeof messageId === 'number' ? this.s.inDelete.run(client.id, messageId) : { changes: 0 };
    if (changes === 0) throw noSuchPacket();
  }

  /** Forgets the client's inbound QoS 2 state when its session ends [MQTT-3.1.2-6]. */
  async cleanIncoming(client: PersistenceClient): Promise<void> {
    this.assertOpen();
    this.s.inDeleteClient.run(client.id);
  }

  /** Stores the client's will, tagging `packet` itself with the broker and client, as aedes expects. */
  async putWill(client: PersistenceClient, packet: StoredPacket): Promise<void> {
    this.assertOpen();
    packet.brokerId = this.currentBroker?.id;
    packet.clientId = client.id;
    const { payload, packet: blob } = encodePacket(packet);
    this.s.willPut.run(client.id, packet.brokerId ?? null, payload, blob);
  }

  async getWill(client: PersistenceClient): Promise<StoredPacket | undefined> {
    this.assertOpen();
    const row = this.s.willGet.get(client.id);
    return row ? decodePacket(row.payload, row.packet) : undefined;
  }

  async delWill(client: PersistenceClient): Promise<StoredPacket | undefined> {
    this.assertOpen();
    const row = this.s.willDelete.get(client.id);
    return row ? decodePacket(row.payload, row.packet) : undefined;
  }

  /** Wills held by brokers not in `brokers` (not alive): aedes publishes them. */
  streamWill(brokers: Brokers = {}): Readable {
    this.assertOpen();
    const rows = this.s.wills();
    function* orphaned(): Generator<StoredPacket> {
      for (const row of rows) {
        if (row.broker_id !== null && Object.hasOwn(brokers, row.broker_id)) continue;
        yield decodePacket(row.payload, row.packet);
      }
    }
    return Readable.from(orphaned());
  }

  /** Ids of the clients with a stored subscription to exactly this filter. */
  getClientList(topic: string): Readable {
    this.assertOpen();
    const ids: string[] = [];
    for (const [clientId, subs] of this.sessions) if (subs.has(topic)) ids.push(clientId);
    return Readable.from(ids);
  }

  /**
   * Stops using the database (the hub closes it). Idempotent. Waits one turn of
   * the event loop first: aedes' close callback fires before the `delWill` and
   * `cleanIncoming` calls of the clients it closed, which would otherwise leave
   * already-published wills stored, to be published again after a restart.
   */
  async destroy(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.flushRetained();
    this.destroyed = true;
    this.sessions.clear();
    this.trie.clear();
    this.queues.clear();
  }

  private assertOpen(): void {
    if (this.destroyed) throw new Error('the broker persistence was destroyed');
  }
}

function requireMessageId(packet: StoredPacket): number {
  if (typeof packet.messageId !== 'number') throw new Error('a QoS 2 packet needs a packet identifier');
  return packet.messageId;
}
