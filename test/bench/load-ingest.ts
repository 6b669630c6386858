/**
 * Load child: bursts of telemetry. On each "go" every client publishes the
 * round's count of readings on its own `hearth/<id>/telemetry` as fast as the
 * broker accepts them: QoS 0 paced by TCP back-pressure, QoS 1 with a bounded
 * window of unacknowledged publishes per client. For the baselines (bare
 * aedes, Mosquitto) one more client subscribes to `hearth/+/telemetry` and
 * counts. One child serves all rounds, so trials do not pay for new
 * connections (and the hub for new password checks).
 */
import { once } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import type { MqttClient } from 'mqtt';
import { topics } from '../../shared/topics.ts';
import { epochNow } from './lib/ipc.ts';
import { connectClient, endAll, fail, PAYLOADS, receive, report } from './lib/load-common.ts';

/** QoS 0 messages written per client before yielding to the other clients. */
const BURST = 64;
/** A baseline subscriber that received nothing for this long has received all it will. */
const RECEIVE_IDLE_MS = 3000;

const QOS0 = { qos: 0 } as const;
const QOS1 = { qos: 1 } as const;

/** Resolvers of "go"s not yet used, and "go"s that came before anyone waited. */
let waiting: (() => void) | null = null;
let early = 0;
function nextGo(): Promise<void> {
  if (early > 0) {
    early--;
    return Promise.resolve();
  }
  return new Promise((res) => {
    waiting = res;
  });
}
const all: MqttClient[] = [];

function payload(i: number): Buffer {
  return PAYLOADS[i % PAYLOADS.length] as Buffer;
}

async function pumpQos0(client: MqttClient, topic: string, n: number): Promise<number> {
  const stream = client.stream;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + BURST);
    for (; i < end; i++) client.publish(topic, payload(i), QOS0);
    // Back-pressure: wait for the socket to drain rather than buffer a whole run in memory.
    if (stream.writableNeedDrain) await once(stream, 'drain');
    else await tick();
  }
  return n;
}

function pumpQos1(client: MqttClient, topic: string, n: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const onAck = (err?: Error): void => {
      if (err) return reject(err);
      acked++;
      if (acked === n) resolve(acked);
      else fill();
    };
    const fill = (): void => {
      while (sent < n && sent - acked < window) {
        client.publish(topic, payload(sent), QOS1, onAck);
        sent++;
      }
    };
    fill();
  });
}

receive(
  async (job) => {
    if (job.type !== 'ingest') throw new Error(`load-ingest cannot run a "${job.type}" job`);
    const errors: Record<string, number> = {};
    const started = performance.now();
    let received = 0;
    let firstReceiveAt: number | null = null;
    let lastReceiveAt: number | null = null;
    if (job.subscribe) {
      const sub = await connectClient(job.url, { id: 'bench-subscriber', password: 'bench' }, errors);
      all.push(sub);
      sub.on('message', () => {
        const t = epochNow();
        received++;
        firstReceiveAt ??= t;
        lastReceiveAt = t;
      });
      // QoS 1 for the subscription: a QoS 0 publish is still delivered at QoS 0 [MQTT-3.8.4-6].
      await sub.subscribeAsync('hearth/+/telemetry', { qos: 1 });
    }
    const clients = await Promise.all(job.clients.map((c) => connectClient(job.url, c, errors)));
    all.push(...clients);
    report({ type: 'ready', connectMs: performance.now() - started });

    for (const { perClient, qos } of job.rounds) {
      await nextGo();
      const receivedBefore = received;
      lastReceiveAt = null;
      firstReceiveAt = null;
      const firstPublishAt = epochNow();
      const done = await Promise.all(
        clients.map((client, i) => {
          const topic = topics.telemetry(job.clients[i]?.id ?? '');
          return qos === 0
            ? pumpQos0(client, topic, perClient)
            : pumpQos1(client, topic, perClient, job.window);
        }),
      );
      const publishedAt = epochNow();
      const published = clients.length * perClient;
      if (job.subscribe) {
        while (
          received - receivedBefore < published &&
          epochNow() - (lastReceiveAt ?? publishedAt) < RECEIVE_IDLE_MS
        ) {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      report({
        type: 'ingest_done',
        firstPublishAt,
        publishedAt,
        published,
        acked: qos === 1 ? done.reduce((a, b) => a + b, 0) : 0,
        firstReceiveAt,
        lastReceiveAt,
        received: received - receivedBefore,
        errors,
      });
    }
  },
  (control) => {
    if (control.type !== 'go') return void endAll(all).then(() => process.exit(0), fail);
    if (waiting) {
      const w = waiting;
      waiting = null;
      w();
    } else early++;
  },
);
