/**
 * Group commit for readings. Ingest only appends to an in-memory batch; the
 * batch is written in one transaction when it is full or a few milliseconds
 * old, so the broker's hot path never waits on SQLite per message. Whoever
 * needs durability (a QoS 1 PUBACK) passes a callback that runs after the
 * commit.
 */
import type { Logger } from '../domain/logger.ts';
import type { Db } from './database.ts';

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
    const insert = db.prepare<[number, number, number]>(
      'INSERT OR REPLACE INTO readings (series_id, ts, value) VALUES (?, ?, ?)',
    );
    const lastValue = db.prepare<[number, number, number, number]>(
      'UPDATE series SET last_value = ?, last_ts = ? WHERE id = ? AND (last_ts IS NULL OR last_ts <= ?)',
    );
    const lastSeen = db.prepare<[number, string, number]>(
      'UPDATE devices SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)',
    );
    this.writeBatch = db.transaction((batch: PendingMessage[]) => {
      const latest = new Map<number, { ts: number; value: number }>();
      const seen = new Map<string, number>();
      for (const m of batch) {
        const keys = Object.keys(m.values);
        for (let i = 0; i < keys.length; i++) {
          const series = m.series[i] as number;
          const value = m.values[keys[i] as string] as number;
          insert.run(series, m.ts, value);
          const prev = latest.get(series);
          if (!prev || prev.ts <= m.ts) latest.set(series, { ts: m.ts, value });
        }
        if ((seen.get(m.deviceId) ?? 0) < m.ts) seen.set(m.deviceId, m.ts);
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
