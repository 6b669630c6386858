/**
 * The MQTT round-trip probe against any broker (Hearth, Mosquitto, …): a
 * real mqtt.js client subscribes to a topic of its own, publishes numbered
 * messages to it at each QoS, and measures publish → delivery. What does not
 * come back before the timeout is lost. The in-hub probe
 * (server/mqtt/self-probe.ts) measures the broker from the inside; this one
 * includes the network and the client's side, as a device sees it.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { summarize } from '../domain/rolling-window.ts';

export type Qos = 0 | 1 | 2;

export interface ProbeOptions {
  /** `mqtt://host:1883`, `mqtts://…`, `ws://host:8080/mqtt`, `wss://…`. */
  url: string;
  /** Probes go to `<topic>/<client id>/<qos>`: a topic nobody else uses. */
  topic: string;
  qos: Qos[];
  /** Messages per QoS. */
  count: number;
  intervalMs: number;
  /** How long to wait for the last message(s) after the last publish. */
  timeoutMs: number;
  username?: string;
  password?: string;
  /** CA certificate(s) to trust for mqtts:// and wss:// (PEM). */
  ca?: Buffer;
  /** Accept any server certificate (self-signed without the CA at hand). */
  insecure?: boolean;
  clientId?: string;
}

export interface QosResult {
  qos: Qos;
  sent: number;
  received: number;
  lost: number;
  loss_pct: number;
  /** Deliveries of a message already received (QoS 1 may deliver twice). */
  duplicates: number;
  min_ms: number | null;
  median_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  mean_ms: number | null;
}

export interface ProbeReport {
  url: string;
  client_id: string;
  topic: string;
  count: number;
  interval_ms: number;
  results: QosResult[];
}

/** Could not connect or subscribe: nothing was measured. */
export class ProbeConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeConnectError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function connect(o: ProbeOptions, clientId: string): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: Math.max(1000, o.timeoutMs),
    keepalive: 30,
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.insecure ? { rejectUnauthorized: false } : {}),
  };
  try {
    return await mqtt.connectAsync(o.url, options, false);
  } catch (err) {
    throw new ProbeConnectError(`could not connect to ${o.url}: ${(err as Error).message}`);
  }
}

/** Runs one QoS: subscribe, publish `count` messages, wait for them, unsubscribe. */
async function probeQos(
  client: MqttClient,
  o: ProbeOptions,
  base: string,
  run: string,
  qos: Qos,
): Promise<QosResult> {
  const topic = `${base}/${qos}`;
  try {
    const granted = await client.subscribeAsync(topic, { qos });
    if (granted.some((g) => g.qos === 128)) throw new Error('refused (0x80)');
  } catch (err) {
    throw new ProbeConnectError(`subscription to ${topic} refused: ${(err as Error).message}`);
  }
  const started = new Map<number, number>();
  const rtts = new Map<number, number>();
  let duplicates = 0;
  let allIn: (() => void) | null = null;
  const onMessage = (t: string, payload: Buffer) => {
    const at = performance.now();
    if (t !== topic) return;
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString());
    } catch {
      return; // someone else's message on our topic: not ours to count
    }
    if (typeof msg !== 'object' || msg === null || !('run' in msg) || !('seq' in msg)) return;
    if (msg.run !== run || typeof msg.seq !== 'number') return;
    const sentAt = started.get(msg.seq);
    if (sentAt === undefined) return;
    if (rtts.has(msg.seq)) {
      duplicates++;
      return;
    }
    rtts.set(msg.seq, at - sentAt);
    if (rtts.size === o.count) allIn?.();
  };
  client.on('message', onMessage);
  try {
    for (let seq = 1; seq <= o.count; seq++) {
      if (seq > 1) await sleep(o.intervalMs);
      started.set(seq, performance.now());
      // Not awaited: a QoS 1/2 handshake must not hold the next probe back.
      client.publish(topic, JSON.stringify({ run, seq, sent: Date.now() }), { qos }, () => {});
    }
    if (rtts.size < o.count) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.timeoutMs);
        allIn = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    client.off('message', onMessage);
    await client.unsubscribeAsync(topic).catch(() => {});
  }
  const s = summarize([...rtts.values()]);
  const lost = o.count - rtts.size;
  return {
    qos,
    sent: o.count,
    received: rtts.size,
    lost,
    loss_pct: Math.round((lost / o.count) * 10_000) / 100,
    duplicates,
    min_ms: s.min,
    median_ms: s.p50,
    p95_ms: s.p95,
    p99_ms: s.p99,
    max_ms: s.max,
    mean_ms: s.mean,
  };
}

/** Probes the broker at each QoS in turn; throws ProbeConnectError when nothing could be measured. */
export async function probeBroker(o: ProbeOptions): Promise<ProbeReport> {
  const clientId = o.clientId ?? `hearth-probe-${randomBytes(4).toString('hex')}`;
  const run = randomBytes(6).toString('hex');
  const base = `${o.topic}/${clientId}`;
  const client = await connect(o, clientId);
  // Errors after the connection are reported through the results (losses), not thrown.
  client.on('error', () => {});
  // Nagle's algorithm would hold the small PUBREL of QoS 2 back until the
  // peer's delayed ACK (tens of ms): that measures TCP, not the broker.
  const socket = client.stream as { setNoDelay?: (on: boolean) => void };
  socket.setNoDelay?.(true);
  try {
    const results: QosResult[] = [];
    for (const qos of o.qos) results.push(await probeQos(client, o, base, run, qos));
    return {
      url: o.url,
      client_id: clientId,
      topic: base,
      count: o.count,
      interval_ms: o.intervalMs,
      results,
    };
  } finally {
    await client.endAsync().catch(() => client.end(true));
  }
}
