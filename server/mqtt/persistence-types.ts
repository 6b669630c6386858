/**
 * The aedes-persistence 11 contract, typed for Hearth. The package's own types
 * describe the legacy callback API and lean on `any`; aedes 1.x calls the
 * promise-based one (`persistence.xxx(...).then(...)`), which is what these
 * interfaces spell out, method by method, as aedes uses them.
 */
import type { Readable } from 'node:stream';

export type QoS = 0 | 1 | 2;

/** Aedes passes its Client, or just `{ id }`; only the id is read. */
export interface PersistenceClient {
  readonly id: string;
}

/** The part of the Aedes instance a persistence sees in `setup`. */
export interface PersistenceBroker {
  /** Read on every `putWill`: it may change between calls (the conformance suite does). */
  readonly id: string;
  /** Source of `brokerCounter` for new packets (aedes-packet does `++broker.counter`). */
  counter?: number;
}

/**
 * A packet as aedes hands it over: a PUBLISH (aedes-packet fields plus MQTT 5
 * `properties` and the internal `messageExpiry`), a PUBREL, or a will (the
 * CONNECT's will fields, no `cmd`). Stored whole, so any other field round-trips too.
 */
export interface StoredPacket {
  cmd?: string;
  topic?: string;
  payload?: Buffer | Uint8Array | string;
  qos?: QoS;
  retain?: boolean;
  dup?: boolean;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
  clientId?: string;
  properties?: Record<string, unknown>;
  messageExpiry?: number;
  [field: string]: unknown;
}

/** One entry of a SUBSCRIBE (mqtt-packet's ISubscription), as stored for a client. */
export interface Subscription {
  topic: string;
  qos: QoS;
  rh?: number | undefined;
  rap?: boolean | undefined;
  nl?: boolean | undefined;
  /** MQTT 5 Subscription Identifier: round-trips, never matched on. */
  subscriptionIdentifier?: number;
}

/** A stored subscription matched by topic: what `outgoingEnqueueCombi` receives back. */
export interface TopicSubscription {
  clientId: string;
  topic: string;
  qos: QoS;
  rh?: number | undefined;
  rap?: boolean | undefined;
  nl?: boolean | undefined;
}

/** Broker id → time of its last heartbeat (aedes `broker.brokers`). */
export type Brokers = Readonly<Record<string, number>>;

/** aedes-persistence 11, promise flavour (see its README and abstract.js). */
export interface AedesPersistence {
  /** Must be a native async function: aedes checks `setup.constructor.name`. */
  setup(broker: PersistenceBroker): Promise<void>;
  storeRetained(packet: StoredPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  addSubscriptions(client: PersistenceClient, subs: Subscription[]): Promise<void>;
  removeSubscriptions(client: PersistenceClient, topics: string[]): Promise<void>;
  subscriptionsByClient(client: PersistenceClient): Promise<Subscription[]>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  subscriptionsByTopic(topic: string): Promise<TopicSubscription[]>;
  cleanSubscriptions(client: PersistenceClient): Promise<void>;
  outgoingEnqueue(sub: { clientId: string }, packet: StoredPacket): Promise<void>;
  outgoingEnqueueCombi(subs: readonly { clientId: string }[], packet: StoredPacket): Promise<void>;
  outgoingUpdate(client: PersistenceClient, packet: StoredPacket): Promise<void>;
  outgoingClearMessageId(client: PersistenceClient, packet: StoredPacket): Promise<StoredPacket | undefined>;
  outgoingStream(client: PersistenceClient): Readable;
  incomingStorePacket(client: PersistenceClient, packet: StoredPacket): Promise<void>;
  /** Rejects when nothing is stored: aedes reads the rejection as "new packet". */
  incomingGetPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<StoredPacket>;
  incomingDelPacket(client: PersistenceClient, packet: { messageId?: number }): Promise<void>;
  cleanIncoming(client: PersistenceClient): Promise<void>;
  putWill(client: PersistenceClient, packet: StoredPacket): Promise<void>;
  getWill(client: PersistenceClient): Promise<StoredPacket | undefined>;
  delWill(client: PersistenceClient): Promise<StoredPacket | undefined>;
  streamWill(brokers?: Brokers): Readable;
  getClientList(topic: string): Readable;
  destroy(): Promise<void>;
}
