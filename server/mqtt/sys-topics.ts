/**
 * `$SYS/hearth/…` topics for MQTT tools (MQTT Explorer, mosquitto_sub):
 * the broker's vital signs, published retained every `intervalMs` through the
 * broker's in-process publish, in the spirit of Mosquitto's `$SYS/broker/…`.
 * Values are bare numbers (or the version string), as Mosquitto sends them.
 *
 * A `$` topic is not matched by `#` [MQTT-4.7.2-1]: clients see these only by
 * subscribing to `$SYS/…` explicitly, and integration accounts only with a
 * pattern that names `$SYS` (e.g. `$SYS/#`).
 */
import type { Logger } from '../domain/logger.ts';

export const SYS_PREFIX = '$SYS/hearth';

/** What the topics report; read at each publish. */
export interface SysSource {
  clients(): number;
  messagesReceived(): number;
  messagesSent(): number;
  devicesOnline(): number;
  uptimeS(): number;
  /** The newest QoS 1 self-probe round trip, or null (probe off, or the last one lost). */
  probeRttMs(): number | null;
}

export type SysPublish = (topic: string, payload: Buffer) => Promise<void>;

export class SysTopics {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly publish: SysPublish,
    private readonly source: SysSource,
    private readonly version: string,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.publishAll();
    this.timer = setInterval(() => this.publishAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The topic → value pairs published now; a null value is not published (the last one stays). */
  values(): [string, string | null][] {
    const s = this.source;
    const rtt = s.probeRttMs();
    return [
      ['clients/connected', String(s.clients())],
      ['messages/received', String(s.messagesReceived())],
      ['messages/sent', String(s.messagesSent())],
      ['uptime', String(Math.round(s.uptimeS()))],
      ['version', this.version],
      ['devices/online', String(s.devicesOnline())],
      ['probe/rtt_ms', rtt === null ? null : String(rtt)],
    ];
  }

  private publishAll(): void {
    for (const [topic, value] of this.values()) {
      if (value === null) continue;
      this.publish(`${SYS_PREFIX}/${topic}`, Buffer.from(value)).catch((err: Error) => {
        this.log.debug({ err, topic }, 'could not publish a $SYS topic');
      });
    }
  }
}
