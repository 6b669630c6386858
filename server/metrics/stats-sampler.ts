/**
 * What the health page charts (`GET /api/stats`, shared/stats.ts): every
 * `intervalMs` the hub's vital signs are read once and kept in ring buffers
 * holding the last hour (720 samples at 5 s). Totals that only go up (messages,
 * readings, drops) become per-second rates between two samples; the rest are
 * read as they are. Framework-free: the metrics plugin supplies `read`.
 */
import type { StatsDto } from '../../shared/stats.ts';

type Series = StatsDto['series'];
export type Column = Exclude<keyof Series, 'ts'>;

/** Totals since start; the sampler turns them into rates. */
export interface Totals {
  messagesIn: number;
  messagesOut: number;
  readings: number;
  dropped: number;
}

/** Values read as they are at the sample (null: nothing to report, e.g. no command this interval). */
export type Gauges = Omit<Record<Column, number | null>, RateColumn>;

type RateColumn = 'messages_in_per_s' | 'messages_out_per_s' | 'readings_per_s' | 'dropped_per_s';

export interface SampleInput {
  totals: Totals;
  gauges: Gauges;
}

export const COLUMNS: readonly Column[] = [
  'messages_in_per_s',
  'messages_out_per_s',
  'readings_per_s',
  'dropped_per_s',
  'mqtt_clients',
  'devices_online',
  'live_clients',
  'event_loop_lag_ms',
  'db_size_bytes',
  'db_write_ms',
  'probe_rtt_ms_qos0',
  'probe_rtt_ms_qos1',
  'probe_rtt_ms_qos2',
  'command_rtt_ms',
];

const HOUR_MS = 3_600_000;

/** A rate between two totals; null without a previous sample or after a reset. */
function rate(now: number, prev: number, dtS: number): number | null {
  if (dtS <= 0 || now < prev) return null;
  return Math.round(((now - prev) / dtS) * 100) / 100;
}

export class StatsSampler {
  readonly capacity: number;
  private readonly ts: number[] = [];
  private readonly columns = new Map<Column, (number | null)[]>();
  /** Index of the oldest sample once the buffers are full. */
  private head = 0;
  private prev: { at: number; totals: Totals } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly intervalMs: number,
    private readonly read: (sinceMs: number) => SampleInput,
    private readonly clock: () => number = Date.now,
    windowMs = HOUR_MS,
  ) {
    this.capacity = Math.max(1, Math.round(windowMs / intervalMs));
    for (const c of COLUMNS) this.columns.set(c, []);
  }

  /** Takes a baseline now (rates need two readings), then a sample every interval. */
  start(): void {
    if (this.timer) return;
    const now = this.clock();
    this.prev = { at: now, totals: this.read(now).totals };
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the hub once and appends a sample. */
  sample(): void {
    const now = this.clock();
    const since = this.prev?.at ?? now - this.intervalMs;
    const { totals, gauges } = this.read(since);
    const dtS = this.prev ? (now - this.prev.at) / 1000 : 0;
    const p = this.prev?.totals;
    const row: Record<Column, number | null> = {
      ...gauges,
      messages_in_per_s: p ? rate(totals.messagesIn, p.messagesIn, dtS) : null,
      messages_out_per_s: p ? rate(totals.messagesOut, p.messagesOut, dtS) : null,
      readings_per_s: p ? rate(totals.readings, p.readings, dtS) : null,
      dropped_per_s: p ? rate(totals.dropped, p.dropped, dtS) : null,
    };
    this.prev = { at: now, totals };
    this.push(now, row);
  }

  private push(ts: number, row: Record<Column, number | null>): void {
    if (this.ts.length < this.capacity) {
      this.ts.push(ts);
      for (const c of COLUMNS) this.columns.get(c)?.push(row[c]);
      return;
    }
    this.ts[this.head] = ts;
    for (const c of COLUMNS) {
      const col = this.columns.get(c);
      if (col) col[this.head] = row[c];
    }
    this.head = (this.head + 1) % this.capacity;
  }

  /** Unrolls a ring buffer oldest first. */
  private ordered<T>(values: T[]): T[] {
    return this.head === 0 ? [...values] : [...values.slice(this.head), ...values.slice(0, this.head)];
  }

  /** The samples so far, oldest first, columns parallel to `ts`. */
  series(): Series {
    const out = { ts: this.ordered(this.ts) } as Series;
    for (const c of COLUMNS) out[c] = this.ordered(this.columns.get(c) ?? []);
    return out;
  }

  get size(): number {
    return this.ts.length;
  }
}
