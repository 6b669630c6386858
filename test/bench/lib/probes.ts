/**
 * Latency probes: the driver publishes tagged readings from a few probe
 * devices on a fixed schedule and timestamps their arrival at a receiver it
 * also runs (a socket.io dashboard client, or an MQTT subscriber for the
 * baseline), so send and receive times come from the same clock.
 */
import type { MqttClient } from 'mqtt';
import { topics } from '../../../shared/topics.ts';
import { type Summary, summarize } from './stats.ts';

export interface ProbeRun {
  sent: number;
  received: number;
  latency: Summary;
}

export class Probes {
  /** `<device id>:<seq>` → send time. */
  private readonly pending = new Map<string, number>();
  private readonly samples: number[] = [];
  private seq = 0;
  private sent = 0;

  constructor(
    private readonly clients: { id: string; client: MqttClient }[],
    private readonly qos: 0 | 1,
  ) {}

  /** Call with every reading the receiver sees; non-probe readings are ignored. */
  arrived(deviceId: string, value: number | undefined, at: number): void {
    const key = `${deviceId}:${value}`;
    const t = this.pending.get(key);
    if (t === undefined) return;
    this.pending.delete(key);
    this.samples.push(at - t);
  }

  /**
   * Publishes one probe every `everyMs / clients` ms, round robin, for
   * `seconds`, then waits `drainMs` for the last arrivals. Each device thus
   * publishes once every `everyMs`.
   */
  async run(everyMs: number, seconds: number, drainMs = 1000): Promise<ProbeRun> {
    const step = everyMs / this.clients.length;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let k = 0;
    await new Promise<void>((resolve) => {
      const fire = (): void => {
        const now = performance.now();
        if (now >= end) return resolve();
        for (; t0 + k * step <= now; k++) this.publish(k % this.clients.length);
        // A self-adjusting timer: each probe is scheduled from t0, so late timers do not drift.
        setTimeout(fire, Math.max(0, t0 + k * step - performance.now()));
      };
      fire();
    });
    const deadline = performance.now() + drainMs;
    while (this.pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { sent: this.sent, received: this.samples.length, latency: summarize(this.samples) };
  }

  private publish(i: number): void {
    const probe = this.clients[i];
    if (!probe) return;
    const seq = ++this.seq;
    this.sent++;
    this.pending.set(`${probe.id}:${seq}`, performance.now());
    probe.client.publish(topics.telemetry(probe.id), `{"temperature":${seq}}`, { qos: this.qos });
  }
}
