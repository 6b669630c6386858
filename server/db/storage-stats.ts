/**
 * How big the database is, what it holds per tier, and how big it will be:
 * the growth estimate uses the last 24 hours' ingest and each tier's
 * retention (a tier stops growing once it is as old as its retention).
 */
import { statSync } from 'node:fs';
import type { Db } from './database.ts';
import { ROLLUP_TIERS } from './tiers.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface TierStats {
  name: string;
  rows: number;
  oldest_ts: number | null;
  rows_per_day: number;
  retention_days: number;
}

export interface StorageStats {
  file: string;
  size_bytes: number;
  wal_bytes: number;
  tiers: TierStats[];
  bytes_per_row: number;
  projected_bytes: { days_30: number; days_365: number };
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function createStorageStats(db: Db, file: string) {
  const tiers = [
    { name: 'raw', table: 'readings', col: 'ts', ms: 0, retention: 'raw_days' as const },
    ...ROLLUP_TIERS.map((t) => ({ ...t, col: 'bucket' })),
  ].map((t) => ({
    ...t,
    // count(*) on a WITHOUT ROWID table walks the primary key; fine at the
    // sizes a home has, and this is a status page, not a hot path.
    count: db.prepare<[], { n: number; oldest: number | null }>(
      `SELECT count(*) AS n, min(${t.col}) AS oldest FROM ${t.table}`,
    ),
    // Rows the tier gained in the last day, read from the 1-minute rollups.
    lastDay: db.prepare<[number], { n: number | null }>(
      t.ms === 0
        ? 'SELECT sum(count) AS n FROM rollup_1m WHERE bucket >= ?'
        : `SELECT count(DISTINCT series_id || ':' || (bucket / ${t.ms})) AS n FROM rollup_1m WHERE bucket >= ?`,
    ),
  }));

  return {
    /** `retention` gives each setting's days (0: forever). */
    read(now: number, retention: { raw_days: number; minute_days: number; hour_days: number }): StorageStats {
      const sizeBytes = size(file);
      const walBytes = size(`${file}-wal`);
      const stats: TierStats[] = tiers.map((t) => {
        const c = t.count.get() ?? { n: 0, oldest: null };
        return {
          name: t.name,
          rows: c.n,
          oldest_ts: c.oldest,
          rows_per_day: t.lastDay.get(now - DAY_MS)?.n ?? 0,
          retention_days: retention[t.retention],
        };
      });
      const totalRows = stats.reduce((a, t) => a + t.rows, 0);
      // Page overhead included: measured, not assumed. 40 bytes when empty.
      const bytesPerRow = totalRows > 1000 ? sizeBytes / totalRows : 40;
      const project = (days: number) =>
        Math.round(
          sizeBytes +
            stats.reduce((acc, t) => {
              const future = t.rows + t.rows_per_day * days;
              const cap = t.retention_days > 0 ? t.rows_per_day * t.retention_days : Number.POSITIVE_INFINITY;
              return acc + (Math.max(t.rows, Math.min(future, cap)) - t.rows) * bytesPerRow;
            }, 0),
        );
      return {
        file,
        size_bytes: sizeBytes,
        wal_bytes: walBytes,
        tiers: stats,
        bytes_per_row: Math.round(bytesPerRow * 10) / 10,
        projected_bytes: { days_30: project(30), days_365: project(365) },
      };
    },
  };
}

export type StorageStatsReader = ReturnType<typeof createStorageStats>;
