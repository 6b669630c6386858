/**
 * Load child: steady background telemetry at `rate` readings/s, spread
 * round-robin over the clients, until the driver says stop. The schedule is
 * computed from elapsed time, so a late timer catches up instead of drifting.
 */
import type { MqttClient } from 'mqtt';
import { topics } from '../../shared/topics.ts';
import { epochNow } from './lib/ipc.ts';
import { connectClient, countError, endAll, fail, PAYLOADS, receive, report } from './lib/load-common.ts';

const TICK_MS = 5;

let onGo: () => void = () => {};
/** Until the run starts, a stop just disconnects and exits. */
let onStop: () => void = () => void endAll(all).then(() => process.exit(0), fail);
const all: MqttClient[] = [];

receive(
  async (job) => {
    if (job.type !== 'rate') throw new Error(`load-rate cannot run a "${job.type}" job`);
    const errors: Record<string, number> = {};
    const started = performance.now();
    const clients = await Promise.all(job.clients.map((c) => connectClient(job.url, c, errors)));
    all.push(...clients);
    const topicOf = job.clients.map((c) => topics.telemetry(c.id));
    report({ type: 'ready', connectMs: performance.now() - started });
    await new Promise<void>((res) => {
      onGo = res;
    });

    let sent = 0;
    let acked = 0;
    const onAck = (err?: Error): void => {
      if (err) countError(errors, err);
      else acked++;
    };
    const startedAt = epochNow();
    const t0 = performance.now();
    const stopped = new Promise<void>((res) => {
      onStop = res;
    });
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) / 1000) * job.rate);
      for (; sent < due; sent++) {
        const i = sent % clients.length;
        clients[i]?.publish(
          topicOf[i] ?? '',
          PAYLOADS[sent % PAYLOADS.length] as Buffer,
          { qos: job.qos },
          onAck,
        );
      }
    }, TICK_MS);
    await stopped;
    clearInterval(timer);
    const endedAt = epochNow();
    // QoS 1: give the last acknowledgements a moment.
    const deadline = performance.now() + 2000;
    while (job.qos === 1 && acked < sent && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    report({ type: 'rate_done', startedAt, endedAt, sent, acked, errors });
    await endAll(all);
    process.exit(0);
  },
  (control) => {
    if (control.type === 'go') onGo();
    else onStop();
  },
);

process.on('uncaughtException', fail);
