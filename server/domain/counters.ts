/**
 * Named counters (messages in, dropped by reason, late replies …) and the
 * rate-limited drop log: a bad device frame is counted every time but logged
 * at most once a minute per device and reason, so a broken device cannot fill
 * the disk with logs.
 */
import type { Clock, Logger } from './logger.ts';

export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Why an MQTT message was dropped (docs/protocol.md §Bad input). */
export type DropReason =
  | 'acl_denied'
  | 'retained_command'
  | 'payload_too_large'
  | 'invalid_json'
  | 'invalid_payload'
  | 'unknown_metric'
  | 'bad_timestamp'
  | 'unknown_reply'
  | 'rate_limited'
  | 'write_failed';

const LOG_INTERVAL_MS = 60_000;

export class DropRecorder {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly counters: Counters,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** Counts a dropped message; logs it unless this client logged this reason within a minute. */
  drop(clientId: string, reason: DropReason, detail: string, topic?: string): void {
    this.counters.inc('mqtt_dropped_total');
    this.counters.inc(`mqtt_dropped_${reason}`);
    if (this.shouldLog(clientId, reason)) {
      this.log.warn(
        { client_id: clientId, reason, detail, topic },
        'dropped an MQTT message (more of these from this client are counted, not logged, for a minute)',
      );
    }
  }

  /** Counts a refused connection or subscription, logged like drops. */
  refused(clientId: string, what: 'connect' | 'subscribe', detail: string): void {
    this.counters.inc(`mqtt_refused_${what}`);
    if (this.shouldLog(clientId, what)) {
      this.log.warn({ client_id: clientId, detail }, `refused an MQTT ${what}`);
    }
  }

  private shouldLog(clientId: string, kind: string): boolean {
    const key = `${clientId}\u0000${kind}`;
    const now = this.clock();
    const last = this.lastLogged.get(key);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) return false;
    // Bounded: a flood of random client ids cannot grow this map without limit.
    if (this.lastLogged.size > 10_000) this.lastLogged.clear();
    this.lastLogged.set(key, now);
    return true;
  }
}
