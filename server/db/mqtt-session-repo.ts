/**
 * Prepared statements over the MQTT session tables (migrations/005-broker-persistence.sql): what the
 * aedes persistence (server/mqtt/sqlite-persistence.ts) reads and writes.
 * Calls that write several rows run in one transaction, so a crash leaves all
 * of them or none.
 */
import type { Db } from './database.ts';

/** A payload column value: BLOB for bytes, TEXT for a string payload, NULL when there is none. */
export type PayloadColumn = Buffer | string | null;
/** A packet column value: JSON TEXT for a flat packet, a v8-serialized BLOB otherwise. */
export type PacketColumn = string | Buffer;

/** Rows per query when streaming, so a big result neither sits in memory nor blocks the loop. */
const PAGE = 128;

export interface PacketRow {
  payload: PayloadColumn;
  packet: PacketColumn;
}
export interface RetainedRow extends PacketRow {
  topic: string;
}
export interface OutgoingRow extends PacketRow {
  client_id: string;
  message_id: number | null;
}
/** The lookup columns of a queued packet, for the in-memory index. */
export interface OutgoingRefRow {
  seq: number;
  client_id: string;
  message_id: number | null;
  broker_id: string | null;
  broker_counter: number | null;
}
export interface WillRow extends PacketRow {
  client_id: string;
  broker_id: string | null;
}
export interface SubscriptionRow {
  client_id: string;
  topic: string;
  qos: 0 | 1 | 2;
  rh: number | null;
  rap: 0 | 1 | null;
  nl: 0 | 1 | null;
  subscription_identifier: number | null;
}
type Flag = 0 | 1 | null;

/** A subscription as stored: the SUBSCRIBE entry's options (mqtt-packet's ISubscription). */
export interface SubscriptionInput {
  topic: string;
  qos: 0 | 1 | 2;
  rh?: number | undefined;
  rap?: boolean | undefined;
  nl?: boolean | undefined;
  subscriptionIdentifier?: number | undefined;
}

/** The columns of a queued packet besides its client and seq. */
export interface OutgoingInput {
  messageId: number | null;
  brokerId: string | null;
  brokerCounter: number | null;
  payload: PayloadColumn;
  packet: PacketColumn;
}

function prepareStatements(db: Db) {
  const retainedCols = 'SELECT topic, payload, packet FROM mqtt_retained';
  const willCols = 'SELECT client_id, broker_id, payload, packet FROM mqtt_wills';
  return {
    retainedPut: db.prepare<[string, PayloadColumn, PacketColumn]>(
      'INSERT OR REPLACE INTO mqtt_retained (topic, payload, packet) VALUES (?, ?, ?)',
    ),
    retainedDelete: db.prepare<[string]>('DELETE FROM mqtt_retained WHERE topic = ?'),
    retainedGet: db.prepare<[string], RetainedRow>(`${retainedCols} WHERE topic = ?`),
    retainedRangeFirst: db.prepare<[string, string, number], RetainedRow>(
      `${retainedCols} WHERE topic >= ? AND topic < ? ORDER BY topic LIMIT ?`,
    ),
    retainedRangeNext: db.prepare<[string, string, number], RetainedRow>(
      `${retainedCols} WHERE topic > ? AND topic < ? ORDER BY topic LIMIT ?`,
    ),
    retainedAllFirst: db.prepare<[number], RetainedRow>(`${retainedCols} ORDER BY topic LIMIT ?`),
    retainedAllNext: db.prepare<[string, number], RetainedRow>(
      `${retainedCols} WHERE topic > ? ORDER BY topic LIMIT ?`,
    ),
    subPut: db.prepare<[string, string, number, number | null, Flag, Flag, number | null]>(
      `INSERT OR REPLACE INTO mqtt_subscriptions (client_id, topic, qos, rh, rap, nl, subscription_identifier)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    subDelete: db.prepare<[string, string]>(
      'DELETE FROM mqtt_subscriptions WHERE client_id = ? AND topic = ?',
    ),
    subDeleteClient: db.prepare<[string]>('DELETE FROM mqtt_subscriptions WHERE client_id = ?'),
    subAll: db.prepare<[], SubscriptionRow>('SELECT * FROM mqtt_subscriptions ORDER BY client_id, topic'),
    outInsert: db.prepare<
      [number, string, number | null, string | null, number | null, PayloadColumn, PacketColumn]
    >(
      `INSERT INTO mqtt_outgoing (seq, client_id, message_id, broker_id, broker_counter, payload, packet)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    outRefs: db.prepare<[], OutgoingRefRow>(
      'SELECT seq, client_id, message_id, broker_id, broker_counter FROM mqtt_outgoing ORDER BY seq',
    ),
    outGet: db.prepare<[number], OutgoingRow>(
      'SELECT client_id, message_id, payload, packet FROM mqtt_outgoing WHERE seq = ?',
    ),
    outSetMessageId: db.prepare<[number | null, number]>(
      'UPDATE mqtt_outgoing SET message_id = ? WHERE seq = ?',
    ),
    outReplace: db.prepare<
      [number | null, string | null, number | null, PayloadColumn, PacketColumn, number]
    >(
      `UPDATE mqtt_outgoing SET message_id = ?, broker_id = ?, broker_counter = ?, payload = ?, packet = ?
       WHERE seq = ?`,
    ),
    outDelete: db.prepare<[number], OutgoingRow>(
      'DELETE FROM mqtt_outgoing WHERE seq = ? RETURNING client_id, message_id, payload, packet',
    ),
    inPut: db.prepare<[string, number, PayloadColumn, PacketColumn]>(
      'INSERT OR REPLACE INTO mqtt_incoming (client_id, message_id, payload, packet) VALUES (?, ?, ?, ?)',
    ),
    inGet: db.prepare<[string, number], PacketRow>(
      'SELECT payload, packet FROM mqtt_incoming WHERE client_id = ? AND message_id = ?',
    ),
    inDelete: db.prepare<[string, number]>(
      'DELETE FROM mqtt_incoming WHERE client_id = ? AND message_id = ?',
    ),
    inDeleteClient: db.prepare<[string]>('DELETE FROM mqtt_incoming WHERE client_id = ?'),
    willPut: db.prepare<[string, string | null, PayloadColumn, PacketColumn]>(
      'INSERT OR REPLACE INTO mqtt_wills (client_id, broker_id, payload, packet) VALUES (?, ?, ?, ?)',
    ),
    willGet: db.prepare<[string], WillRow>(`${willCols} WHERE client_id = ?`),
    willDelete: db.prepare<[string], WillRow>(
      'DELETE FROM mqtt_wills WHERE client_id = ? RETURNING client_id, broker_id, payload, packet',
    ),
    willFirst: db.prepare<[number], WillRow>(`${willCols} ORDER BY client_id LIMIT ?`),
    willNext: db.prepare<[string, number], WillRow>(
      `${willCols} WHERE client_id > ? ORDER BY client_id LIMIT ?`,
    ),
  };
}

/** Reads a table page by page in key order; `next` continues after the last key seen. */
function* keyset<R, K>(first: () => R[], next: (after: K) => R[], key: (row: R) => K): Generator<R> {
  let rows = first();
  for (;;) {
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) return;
    rows = next(key(last));
  }
}

function flag(value: boolean | null | undefined): Flag {
  return value === undefined || value === null ? null : value ? 1 : 0;
}

function unflag(value: Flag): boolean | undefined {
  return value === null ? undefined : value === 1;
}

/** A subscriptions row as the SUBSCRIBE entry it was stored from (unset options read back undefined). */
export function subscriptionFromRow(row: SubscriptionRow): SubscriptionInput {
  const sub: SubscriptionInput = {
    topic: row.topic,
    qos: row.qos,
    rh: row.rh ?? undefined,
    rap: unflag(row.rap),
    nl: unflag(row.nl),
  };
  if (row.subscription_identifier !== null) sub.subscriptionIdentifier = row.subscription_identifier;
  return sub;
}

/** The session tables' statements, plus the multi-row writes as transactions. */
export function createMqttSessionRepo(db: Db) {
  const s = prepareStatements(db);
  const insertOutgoing = (firstSeq: number, clientIds: readonly string[], row: OutgoingInput) => {
    let seq = firstSeq;
    for (const clientId of clientIds) {
      s.outInsert.run(
        seq++,
        clientId,
        row.messageId,
        row.brokerId,
        row.brokerCounter,
        row.payload,
        row.packet,
      );
    }
  };
  const insertOutgoingTx = db.transaction(insertOutgoing);
  return {
    ...s,
    /** Upserts a client's subscriptions, in order (a later entry for a filter wins). */
    putSubscriptions: db.transaction((clientId: string, subs: readonly SubscriptionInput[]) => {
      for (const sub of subs) {
        s.subPut.run(
          clientId,
          sub.topic,
          sub.qos,
          sub.rh ?? null,
          flag(sub.rap),
          flag(sub.nl),
          sub.subscriptionIdentifier ?? null,
        );
      }
    }),
    deleteSubscriptions: db.transaction((clientId: string, topics: readonly string[]) => {
      for (const topic of topics) s.subDelete.run(clientId, topic);
    }),
    /** Retained messages with topics in [from, to), in topic order, page by page. */
    retainedRange: (from: string, to: string) =>
      keyset(
        () => s.retainedRangeFirst.all(from, to, PAGE),
        (after: string) => s.retainedRangeNext.all(after, to, PAGE),
        (r) => r.topic,
      ),
    retainedAll: () =>
      keyset(
        () => s.retainedAllFirst.all(PAGE),
        (after: string) => s.retainedAllNext.all(after, PAGE),
        (r) => r.topic,
      ),
    wills: () =>
      keyset(
        () => s.willFirst.all(PAGE),
        (after: string) => s.willNext.all(after, PAGE),
        (r) => r.client_id,
      ),
    /** Queues the same packet for each client, with consecutive seqs from `firstSeq`. */
    enqueue(firstSeq: number, clientIds: readonly string[], row: OutgoingInput): void {
      // One INSERT is atomic by itself: the usual single subscriber skips BEGIN/COMMIT.
      if (clientIds.length === 1) insertOutgoing(firstSeq, clientIds, row);
      else insertOutgoingTx(firstSeq, clientIds, row);
    },
  };
}

export type MqttSessionRepo = ReturnType<typeof createMqttSessionRepo>;
