/**
 * Group commit for readings. Ingest only appends to an in-memory batch; the
 * batch is written in one transaction when it is full or a few milliseconds
 * old, so the broker's hot path never waits on SQLite per message. Whoever
 * needs durability (a QoS 1 PUBACK) passes a callback that runs after the
 * commit.
 */
import type { Logger } from '../domain/logger.ts';
import type { Db } from './database.ts';
import { ROLLUP_TIERS } from './tiers.ts';

/** One telemetry message, already validated and mapped to series ids. */
export interface PendingMessage {
  deviceId: string;
  ts: number;
  /** Metric name → value, as received. */
  values: Record<string, number>;
  /** Series ids, parallel to `Object.keys(values)`. */
  series: number[];
  done: ((err?: Error) => void) | undefined;
}

interface Agg {
  series: number;
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
}

function newAgg(series: number, bucket: number, value: number, ts: number): Agg {
  return { series, bucket, min: value, max: value, sum: value, count: 1, last: value, lastTs: ts };
}

function addTo(a: Agg, value: number, ts: number): void {
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
  a.sum += value;
  a.count++;
  if (ts >= a.lastTs) {
    a.last = value;
    a.lastTs = ts;
  }
}

/** Folds minute aggregates into wider buckets. */
function regroup(minutes: Map<string, Agg>, ms: number): Map<string, Agg> {
  const out = new Map<string, Agg>();
  for (const m of minutes.values()) {
    const bucket = m.bucket - (m.bucket % ms);
    const key = `${m.series}:${bucket}`;
    const a = out.get(key);
    if (!a) {
      out.set(key, { ...m, bucket });
      continue;
    }
    a.min = Math.min(a.min, m.min);
    a.max = Math.max(a.max, m.max);
    a.sum += m.sum;
    a.count += m.count;
    if (m.lastTs >= a.lastTs) {
      a.last = m.last;
      a.lastTs = m.lastTs;
    }
  }
  return out;
}

export interface WriterOptions {
  flushMs: number;
  batchMax: number;
}

export interface WriterStats {
  batches: number;
  rows: number;
  messages: number;
  failures: number;
  lastBatchRows: number;
  lastBatchMs: number;
  maxBatchMs: number;
}

export class ReadingWriter {
  private batch: PendingMessage[] = [];
  private rowsQueued = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private stopped = false;
  readonly stats: WriterStats = {
    batches: 0,
    rows: 0,
    messages: 0,
    failures: 0,
    lastBatchRows: 0,
    lastBatchMs: 0,
    maxBatchMs: 0,
  };

  private readonly writeBatch: (batch: PendingMessage[]) => void;

  constructor(
    db: Db,
    private readonly options: WriterOptions,
    private readonly log: Logger,
    private readonly onCommitted: (batch: PendingMessage[]) => void,
  ) {
    // A reading is keyed by (series, ts): a QoS 1 redelivery of the same
    // reading is ignored, so it is neither stored nor counted in rollups twice.
    const insert = db.prepare<[number, number, number]>(
      // ON CONFLICT, not OR IGNORE: only the duplicate key is ignored, never a constraint error.
      'INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?) ON CONFLICT (series_id, ts) DO NOTHING',
    );
    const upsert = (table: string) =>
      db.prepare<[number, number, number, number, number, number, number, number]>(
        `INSERT INTO ${table} (series_id, bucket, min, max, sum, count, last, last_ts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series_id, bucket) DO UPDATE SET
           min = min(min, excluded.min),
           max = max(max, excluded.max),
           sum = sum + excluded.sum,
           count = count + excluded.count,
           last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
           last_ts = max(last_ts, excluded.last_ts)`,
      );
    const tiers = ROLLUP_TIERS.map((t) => ({ ...t, upsert: upsert(t.table) }));
    const lastValue = db.prepare<[number, number, number, number]>(
      'UPDATE series SET last_value = ?, last_ts = ? WHERE id = ? AND (last_ts IS NULL OR last_ts <= ?)',
    );
    const lastSeen = db.prepare<[number, string, number]>(
      'UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)',
    );
    this.writeBatch = db.transaction((batch: PendingMessage[]) => {
      const latest = new Map<number, { ts: number; value: number }>();
      const seen = new Map<string, number>();
      // Pre-aggregated per (series, minute): one upsert per group, not per reading.
      const minutes = new Map<string, Agg>();
      for (const m of batch) {
        const keys = Object.keys(m.values);
        const minute = m.ts - (m.ts % 60_000);
        for (let i = 0; i < keys.length; i++) {
          const series = m.series[i] as number;
          const value = m.values[keys[i] as string] as number;
          if (insert.run(series, m.ts, value).changes === 0) continue;
          const prev = latest.get(series);
          if (!prev || prev.ts <= m.ts) latest.set(series, { ts: m.ts, value });
          const key = `${series}:${minute}`;
          const agg = minutes.get(key);
          if (agg) addTo(agg, value, m.ts);
          else minutes.set(key, newAgg(series, minute, value, m.ts));
        }
        if ((seen.get(m.deviceId) ?? 0) < m.ts) seen.set(m.deviceId, m.ts);
      }
      for (const tier of tiers) {
        const groups = tier.ms === 60_000 ? minutes : regroup(minutes, tier.ms);
        for (const a of groups.values()) {
          tier.upsert.run(a.series, a.bucket, a.min, a.max, a.sum, a.count, a.last, a.lastTs);
        }
      }
      for (const [series, { ts, value }] of latest) lastValue.run(value, ts, series, ts);
      for (const [device, ts] of seen) lastSeen.run(ts, device, ts);
    });
  }

  /** Readings waiting for their batch. */
  get pending(): number {
    return this.rowsQueued;
  }

  /** Queues one message; `done` runs once it is committed (or failed). */
  enqueue(message: PendingMessage): void {
    if (this.stopped) {
      message.done?.(new Error('hub is shutting down'));
      return;
    }
    this.batch.push(message);
    this.rowsQueued += message.series.length;
    if (this.rowsQueued >= this.options.batchMax) {
      if (!this.immediate) this.immediate = setImmediate(() => this.flush());
    } else if (!this.timer && !this.immediate) {
      if (this.options.flushMs === 0) this.immediate = setImmediate(() => this.flush());
      else this.timer = setTimeout(() => this.flush(), this.options.flushMs);
    }
  }

  /** Writes everything queued now, in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const rows = this.rowsQueued;
    this.batch = [];
    this.rowsQueued = 0;
    const started = performance.now();
    try {
      this.writeBatch(batch);
    } catch (err) {
      this.stats.failures++;
      this.log.error({ err, rows }, 'writing a batch of readings failed; it was not acknowledged');
      for (const m of batch) m.done?.(err as Error);
      return;
    }
    const ms = performance.now() - started;
    const st = this.stats;
    st.batches++;
    st.rows += rows;
    st.messages += batch.length;
    st.lastBatchRows = rows;
    st.lastBatchMs = ms;
    if (ms > st.maxBatchMs) st.maxBatchMs = ms;
    for (const m of batch) m.done?.();
    this.onCommitted(batch);
  }

  /** Writes what is queued and refuses further readings. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }
}
