/**
 * The hub probes its own broker: every `intervalMs` it publishes one message
 * per QoS on `$hearth/probe/<qos>` and measures how long the broker takes to
 * deliver it back, keeping percentiles and losses over the last hour.
 *
 * It uses aedes' in-process API (`aedes.subscribe` + `aedes.publish`), never
 * an MQTT client: the hub does not listen to itself through a client
 * (docs/architecture.md). A `$` topic cannot be reached by a client's `#` or
 * `+` filter [MQTT-4.7.2-1], and integration accounts cannot name
 * `$hearth/…`, so nobody else sees the probes. In process there is no
 * PUBACK/PUBREC exchange: QoS 1 and 2 measure the broker's QoS > 0 path,
 * which asks the persistence (SQLite) for offline subscribers on every
 * message, and QoS 0 the bare fan-out.
 */
import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes';
import type { ProbeQosStats } from '../../shared/stats.ts';
import type { Logger } from '../domain/logger.ts';
import { RollingWindow } from '../domain/rolling-window.ts';

export const PROBE_QOS = [0, 1, 2] as const;
export type ProbeQos = (typeof PROBE_QOS)[number];

/** The probe topic of one QoS. */
export const probeTopic = (qos: ProbeQos): string => `$hearth/probe/${qos}`;

const HOUR_MS = 3_600_000;

export interface SelfProbeOptions {
  intervalMs: number;
  /** A probe not back within this is lost. */
  timeoutMs: number;
  windowMs?: number;
  clock?: () => number;
  /** Called with every outcome (ms, or null when lost), e.g. for a Prometheus histogram. */
  onResult?: (qos: ProbeQos, rttMs: number | null) => void;
}

interface Pending {
  qos: ProbeQos;
  started: number;
  timer: NodeJS.Timeout;
}

interface PerQos {
  window: RollingWindow;
  sent: number;
  received: number;
  lost: number;
  lastError: { message: string; ts: number } | null;
}

type Deliver = (packet: AedesPublishPacket, cb: () => void) => void;

export class SelfProbe {
  private readonly clock: () => number;
  private readonly windowMs: number;
  private readonly perQos: PerQos[];
  private readonly pending = new Map<string, Pending>();
  private readonly deliver: Deliver;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private lastWarned = Number.NEGATIVE_INFINITY;
  private started = false;

  constructor(
    private readonly aedes: Aedes,
    private readonly options: SelfProbeOptions,
    private readonly log: Logger,
  ) {
    this.clock = options.clock ?? Date.now;
    this.windowMs = options.windowMs ?? HOUR_MS;
    // One probe per QoS per interval: an hour at 1 s is 3600.
    this.perQos = PROBE_QOS.map(() => ({
      window: new RollingWindow(this.windowMs, 4096),
      sent: 0,
      received: 0,
      lost: 0,
      lastError: null,
    }));
    this.deliver = (packet, cb) => {
      cb();
      this.arrived(packet.payload.toString());
    };
  }

  /** Subscribes the probe topics, sends a first round at once, then one every interval. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const qos of PROBE_QOS) {
      await new Promise<void>((resolve) => this.aedes.subscribe(probeTopic(qos), this.deliver, resolve));
    }
    this.round();
    this.timer = setInterval(() => this.round(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    if (this.aedes.closed) return;
    for (const qos of PROBE_QOS) {
      await new Promise<void>((resolve) => this.aedes.unsubscribe(probeTopic(qos), this.deliver, resolve));
    }
  }

  /** Sends one probe per QoS now. */
  round(): void {
    for (const qos of PROBE_QOS) this.send(qos);
  }

  private send(qos: ProbeQos): void {
    if (!this.started || this.aedes.closed) return;
    const id = `${qos}:${++this.seq}`;
    const s = this.perQos[qos] as PerQos;
    s.sent++;
    const timer = setTimeout(
      () => this.lose(id, `not delivered within ${this.options.timeoutMs} ms`),
      this.options.timeoutMs,
    );
    timer.unref();
    this.pending.set(id, { qos, started: performance.now(), timer });
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: probeTopic(qos),
      payload: Buffer.from(id),
      qos,
      retain: false,
      dup: false,
    };
    this.aedes.publish(packet, (err) => {
      if (err) this.lose(id, `publish failed: ${err.message}`);
    });
  }

  private arrived(id: string): void {
    const p = this.pending.get(id);
    if (!p) return; // late (already counted lost) or a duplicate
    clearTimeout(p.timer);
    this.pending.delete(id);
    const rtt = performance.now() - p.started;
    const s = this.perQos[p.qos] as PerQos;
    s.received++;
    s.window.add(this.clock(), rtt);
    this.options.onResult?.(p.qos, rtt);
  }

  private lose(id: string, why: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    const s = this.perQos[p.qos] as PerQos;
    const now = this.clock();
    s.lost++;
    s.window.add(now, null);
    s.lastError = { message: why, ts: now };
    this.options.onResult?.(p.qos, null);
    // A stuck broker loses every probe: say so once a minute, not three times an interval.
    if (now - this.lastWarned >= 60_000) {
      this.lastWarned = now;
      this.log.warn({ qos: p.qos, reason: why }, 'MQTT self-probe lost a message');
    }
  }

  /** Totals since start, per QoS (for counters that only go up). */
  totals(qos: ProbeQos): { sent: number; received: number; lost: number } {
    const { sent, received, lost } = this.perQos[qos] as PerQos;
    return { sent, received, lost };
  }

  /** The newest outcome of a QoS: its round trip (null when lost) and when; null before any. */
  latest(qos: ProbeQos): { rttMs: number | null; ts: number } | null {
    const s = (this.perQos[qos] as PerQos).window.summary(this.clock());
    return s.lastTs === null ? null : { rttMs: s.last, ts: s.lastTs };
  }

  /** The last hour per QoS, as GET /api/stats reports it. */
  stats(): ProbeQosStats[] {
    const now = this.clock();
    return PROBE_QOS.map((qos) => {
      const s = this.perQos[qos] as PerQos;
      const w = s.window.summary(now);
      const inFlight = [...this.pending.values()].filter((p) => p.qos === qos).length;
      const error = s.lastError && now - s.lastError.ts <= this.windowMs ? s.lastError.message : null;
      return {
        qos,
        sent: w.count + inFlight,
        received: w.ok,
        lost: w.failed,
        min_ms: w.min,
        p50_ms: w.p50,
        p95_ms: w.p95,
        p99_ms: w.p99,
        last_error: error,
      };
    });
  }
}
