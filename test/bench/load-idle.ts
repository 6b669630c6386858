/**
 * Load child: many idle devices. On "go" every client connects at once (the
 * thundering herd a hub meets after a power cut or restart), then sits idle
 * with its keepalive. When the hub goes away the clients reconnect by
 * themselves, each after its own jittered delay, as device firmware would.
 * Progress is reported a few times a second; `at` is the time of the last
 * connect or disconnect, so "all connected" is timed to the last CONNACK.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { epochNow } from './lib/ipc.ts';
import { countError, endAll, fail, receive, report } from './lib/load-common.ts';

const REPORT_MS = 200;

let onGo: () => void = () => {};
const all: MqttClient[] = [];

receive(
  async (job) => {
    if (job.type !== 'idle') throw new Error(`load-idle cannot run a "${job.type}" job`);
    const errors: Record<string, number> = {};
    const total = job.clients.length;
    let connected = 0;
    let connects = 0;
    let lastChangeAt = epochNow();
    const progress = (): void =>
      report({ type: 'idle_progress', at: lastChangeAt, connected, total, connects, errors });
    const delay = (): number => job.reconnectMs + Math.random() * job.jitterMs;

    report({ type: 'ready', connectMs: 0 });
    await new Promise<void>((res) => {
      onGo = res;
    });
    for (const c of job.clients) {
      const client = mqtt.connect(job.url, {
        clientId: c.id,
        username: c.id,
        password: c.password,
        protocolVersion: 4,
        clean: true,
        keepalive: job.keepaliveS,
        reconnectPeriod: delay(),
        // CONNACKs queue behind password checks during a storm: wait rather than retry.
        connectTimeout: 120_000,
      });
      let up = false;
      client.on('connect', () => {
        if (!up) connected++;
        up = true;
        connects++;
        lastChangeAt = epochNow();
        // A fresh delay for the next outage, so the herd does not stay in step.
        client.options.reconnectPeriod = delay();
        if (connected === total) progress();
      });
      client.on('close', () => {
        if (up) {
          connected--;
          lastChangeAt = epochNow();
        }
        up = false;
      });
      client.on('error', (err) => countError(errors, err));
      all.push(client);
    }
    setInterval(progress, REPORT_MS);
  },
  (control) => {
    if (control.type === 'go') onGo();
    else void endAll(all, 10_000).then(() => process.exit(0), fail);
  },
);
