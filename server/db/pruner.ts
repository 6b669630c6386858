/**
 * Retention: deletes readings and rollups older than their tier's retention,
 * and the readings of removed devices. It works in small chunks and yields to
 * the event loop between them, so a large prune never stalls ingest.
 */
import type { Clock, Logger } from '../domain/logger.ts';
import type { Db } from './database.ts';
import { createReadingRepo } from './reading-repo.ts';
import type { RetentionDays, RetentionRepo } from './retention-repo.ts';
import { ROLLUP_TIERS } from './tiers.ts';

const DAY_MS = 24 * 3600 * 1000;
const CHUNK = 2000;

const TIERS: readonly { key: keyof RetentionDays; table: string; col: string }[] = [
  { key: 'raw_days', table: 'readings', col: 'ts' },
  ...ROLLUP_TIERS.map((t) => ({ key: t.retention, table: t.table, col: 'bucket' })),
];

export type RetentionDefaults = { [K in keyof RetentionDays]: number };

export interface PruneResult {
  deleted: number;
  chunks: number;
  ms: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Pruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneResult> | null = null;
  private stopping = false;
  readonly stats = { runs: 0, deleted: 0, lastRunMs: 0, maxChunkMs: 0 };
  private readonly series;
  private readonly tiers;
  private readonly readings;

  constructor(
    db: Db,
    private readonly retention: RetentionRepo,
    private readonly defaults: RetentionDefaults,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.series = db.prepare<[], { id: number; device_id: string; metric: string }>(
      'SELECT id, device_id, metric FROM series',
    );
    this.tiers = TIERS.map((t) => ({
      ...t,
      nth: db.prepare<[number, number, number], { ts: number }>(
        `SELECT ${t.col} AS ts FROM ${t.table} WHERE series_id = ? AND ${t.col} < ? ORDER BY ${t.col} LIMIT 1 OFFSET ?`,
      ),
      upTo: db.prepare<[number, number]>(`DELETE FROM ${t.table} WHERE series_id = ? AND ${t.col} <= ?`),
      before: db.prepare<[number, number]>(`DELETE FROM ${t.table} WHERE series_id = ? AND ${t.col} < ?`),
    }));
    this.readings = createReadingRepo(db);
  }

  /** Days each tier of (device, metric) keeps: metric override > device override > default. */
  daysFor(deviceId: string, metric: string, overrides = this.retention.all()): RetentionDefaults {
    const exact = overrides.find((o) => o.device_id === deviceId && o.metric === metric);
    const device = overrides.find((o) => o.device_id === deviceId && o.metric === '*');
    const pick = (k: keyof RetentionDays) => exact?.[k] ?? device?.[k] ?? this.defaults[k];
    return { raw_days: pick('raw_days'), minute_days: pick('minute_days'), hour_days: pick('hour_days') };
  }

  start(intervalMs: number): void {
    this.stopping = false;
    // First pass soon after start-up, then at the interval.
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        this.runOnce()
          .catch((err: unknown) => this.log.error({ err }, 'pruning failed'))
          .finally(() => {
            if (!this.stopping) schedule(intervalMs);
          });
      }, ms);
      this.timer.unref();
    };
    schedule(Math.min(intervalMs, 60_000));
  }

  /** One full pass; concurrent calls share it. */
  runOnce(): Promise<PruneResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<PruneResult> {
    const started = performance.now();
    const now = this.clock();
    const overrides = this.retention.all();
    let deleted = 0;
    let chunks = 0;
    const chunk = (fn: () => number) => {
      const t = performance.now();
      const n = fn();
      this.stats.maxChunkMs = Math.max(this.stats.maxChunkMs, performance.now() - t);
      chunks++;
      deleted += n;
      return n;
    };
    for (const s of this.series.all()) {
      const days = this.daysFor(s.device_id, s.metric, overrides);
      for (const tier of this.tiers) {
        const keep = days[tier.key];
        if (keep === 0) continue;
        const cutoff = now - keep * DAY_MS;
        for (;;) {
          if (this.stopping) return this.finish(started, deleted, chunks);
          const nth = tier.nth.get(s.id, cutoff, CHUNK - 1);
          const n = chunk(() =>
            nth ? tier.upTo.run(s.id, nth.ts).changes : tier.before.run(s.id, cutoff).changes,
          );
          await yieldToLoop();
          if (!nth || n === 0) break;
        }
      }
    }
    while (!this.stopping && chunk(() => this.readings.sweepOrphans(CHUNK)) > 0) await yieldToLoop();
    return this.finish(started, deleted, chunks);
  }

  private finish(started: number, deleted: number, chunks: number): PruneResult {
    const ms = performance.now() - started;
    this.stats.runs++;
    this.stats.deleted += deleted;
    this.stats.lastRunMs = ms;
    if (deleted > 0) this.log.info({ deleted, chunks, ms: Math.round(ms) }, 'pruned expired readings');
    return { deleted, chunks, ms };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
