/**
 * A device that publishes QoS 1 telemetry as fast as the hub acknowledges it
 * and remembers exactly which readings were acknowledged: each has its own
 * timestamp and value, and goes into `acked` only once its PUBACK arrived
 * (`publishAsync` resolves on PUBACK).
 */
import type { MqttClient } from 'mqtt';
import { topics } from '../../shared/topics.ts';

export interface PublishedReading {
  ts: number;
  value: number;
}

export class TelemetryPublisher {
  readonly acked: PublishedReading[] = [];
  private stopped = false;
  private next = 0;
  private readonly loops: Promise<void>[] = [];

  /** Starts `window` publishes in flight at once, with timestamps from `fromTs` one millisecond apart. */
  constructor(
    private readonly client: MqttClient,
    private readonly deviceId: string,
    private readonly fromTs: number,
    window = 1,
  ) {
    for (let i = 0; i < window; i++) this.loops.push(this.loop());
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const n = this.next++;
      // Exact in binary, unique per reading: a stored value proves which reading it is.
      const reading = { ts: this.fromTs + n, value: n * 0.25 };
      try {
        await this.client.publishAsync(
          topics.telemetry(this.deviceId),
          JSON.stringify({ ts: reading.ts, temperature: reading.value }),
          { qos: 1 },
        );
      } catch {
        // The connection is gone: this reading was not acknowledged.
        return;
      }
      this.acked.push(reading);
    }
  }

  /**
   * Stops publishing and waits for what is in flight. When the hub is gone,
   * end the client first (`endAsync(true)` fails the unacknowledged publishes).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}
