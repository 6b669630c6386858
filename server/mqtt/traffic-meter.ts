/**
 * Counts MQTT messages in and out of the broker by kind and QoS, as cheaply
 * as the hot path allows: one array increment per message, the kind of a
 * topic cached.
 *
 * - In: aedes' `publish` event, which fires once per PUBLISH a client sent,
 *   after the hooks ran (a dropped message shows up on the sink topic, so it
 *   counts as kind `dropped`). The hub's own publishes (client null) are not
 *   "in".
 * - Out: aedes' `authorizeForward`, which it calls once per delivery to a
 *   client (a message to three subscribers is three out). The meter wraps the
 *   hook the broker has and restores it on detach: counting stays out of the
 *   broker's policy code.
 */
import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import { parseTopic } from '../../shared/topics.ts';
import { SINK_TOPIC } from './hooks.ts';

/** What a message was, for the metrics. */
export const MESSAGE_KINDS = [
  'telemetry',
  'state',
  'description',
  'availability',
  'rpc',
  'rpc_reply',
  'pairing',
  'sys',
  'other',
  'dropped',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

const KIND_INDEX = new Map<MessageKind, number>(MESSAGE_KINDS.map((k, i) => [k, i]));
const QOS_LEVELS = 3;
/** Distinct topics remembered; a home has a few per device. Past this the cache starts over. */
const CACHE_MAX = 20_000;

function classify(topic: string): MessageKind {
  if (topic === SINK_TOPIC) return 'dropped';
  if (topic.startsWith('$SYS/')) return 'sys';
  const t = parseTopic(topic);
  if (t.scope === 'pairing') return 'pairing';
  if (t.scope === 'other') return 'other';
  return t.kind === 'rpc/reply' ? 'rpc_reply' : t.kind;
}

function bump(counts: Float64Array, at: number): void {
  counts[at] = (counts[at] ?? 0) + 1;
}

export interface TrafficRow {
  kind: MessageKind;
  qos: 0 | 1 | 2;
  count: number;
}

type ForwardHook = Aedes['authorizeForward'];

export class TrafficMeter {
  /** Counts by `kind * 3 + qos`. */
  private readonly inCounts = new Float64Array(MESSAGE_KINDS.length * QOS_LEVELS);
  private readonly outCounts = new Float64Array(MESSAGE_KINDS.length * QOS_LEVELS);
  private readonly kinds = new Map<string, number>();
  private aedes: Aedes | null = null;
  private inner: ForwardHook | null = null;

  private readonly onPublish = (packet: AedesPublishPacket, client: Client | null): void => {
    if (client) bump(this.inCounts, this.slot(packet));
  };

  private slot(packet: AedesPublishPacket): number {
    let kind = this.kinds.get(packet.topic);
    if (kind === undefined) {
      if (this.kinds.size >= CACHE_MAX) this.kinds.clear();
      kind = KIND_INDEX.get(classify(packet.topic)) ?? 0;
      this.kinds.set(packet.topic, kind);
    }
    const qos = Math.min(2, Math.max(0, packet.qos));
    return kind * QOS_LEVELS + qos;
  }

  attach(aedes: Aedes): void {
    if (this.aedes) throw new Error('already attached');
    this.aedes = aedes;
    aedes.on('publish', this.onPublish);
    const inner = aedes.authorizeForward;
    this.inner = inner;
    const count = (packet: AedesPublishPacket) => {
      bump(this.outCounts, this.slot(packet));
    };
    aedes.authorizeForward = function countForward(this: Aedes, client, packet) {
      const out = inner.call(this, client, packet);
      if (out) count(out);
      return out;
    };
  }

  detach(): void {
    const aedes = this.aedes;
    if (!aedes) return;
    aedes.off('publish', this.onPublish);
    if (this.inner) aedes.authorizeForward = this.inner;
    this.aedes = null;
    this.inner = null;
  }

  /** Messages in and out since start. */
  totals(): { received: number; sent: number } {
    return {
      received: this.inCounts.reduce((a, b) => a + b, 0),
      sent: this.outCounts.reduce((a, b) => a + b, 0),
    };
  }

  /** Non-zero counts by kind and QoS. */
  rows(direction: 'in' | 'out'): TrafficRow[] {
    const counts = direction === 'in' ? this.inCounts : this.outCounts;
    const rows: TrafficRow[] = [];
    MESSAGE_KINDS.forEach((kind, k) => {
      for (let q = 0; q < QOS_LEVELS; q++) {
        const count = counts[k * QOS_LEVELS + q] as number;
        if (count > 0) rows.push({ kind, qos: q as 0 | 1 | 2, count });
      }
    });
    return rows;
  }
}
