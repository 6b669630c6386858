/** Reading queries: history in buckets, and the background sweep of removed series. */
import type { Db } from './database.ts';
import { ROLLUP_TIERS } from './tiers.ts';

/** Below this bucket width, history comes from raw readings. */
const MIN_TIER_MS = ROLLUP_TIERS[0]?.ms ?? 60_000;
/** The most rollup rows a history query reads per point it returns. */
const ROWS_PER_POINT = 3;
/** Raw readings per point past which SQLite groups them (10 s data at 1-minute points is 6). */
const RAW_ROWS_PER_POINT = 8;

export interface Bucket {
  ts: number;
  value: number;
  min: number;
  max: number;
  count: number;
}

export interface BucketedSeries {
  /** Where the points come from: `raw` readings or a rollup tier (`1m`, `1h`). */
  source: string;
  /** Width of the buckets when any holds more than one reading, else null (raw points). */
  bucketMs: number | null;
  ts: number[];
  value: number[];
  min: number[];
  max: number[];
  count: number[];
}

/** time, count, sum, min, max: a rollup row, or a raw reading as a row of one. */
type TierRow = [number, number, number, number, number];

interface BucketRow {
  b: number;
  n: number;
  avg: number;
  lo: number;
  hi: number;
  t0: number;
}

/**
 * Appends `rows` (in time order) to `out`, merged into buckets of width `w`
 * counted from `from`. With `ownTime`, a bucket of one reading keeps that
 * reading's timestamp; otherwise a bucket is stamped with its start.
 */
function merge(out: BucketedSeries, rows: TierRow[], from: number, w: number, ownTime: boolean): void {
  let b = -1;
  let t0 = 0;
  let n = 0;
  let sum = 0;
  let lo = 0;
  let hi = 0;
  const emit = () => {
    if (n === 0) return;
    out.ts.push(ownTime && n === 1 ? t0 : from + b * w);
    out.value.push(sum / n);
    out.min.push(lo);
    out.max.push(hi);
    out.count.push(n);
  };
  for (const [ts, count, s, min, max] of rows) {
    const at = Math.max(0, Math.floor((ts - from) / w));
    if (at !== b) {
      emit();
      b = at;
      t0 = ts;
      n = 0;
      sum = 0;
      lo = min;
      hi = max;
    }
    n += count;
    sum += s;
    if (min < lo) lo = min;
    if (max > hi) hi = max;
  }
  emit();
}

export function createReadingRepo(db: Db) {
  // For dense raw series. better-sqlite3 binds JS numbers as REAL, so the
  // bucket index is CAST to keep it integral.
  const bucketed = db.prepare<{ s: number; from: number; to: number; w: number }, BucketRow>(
    `SELECT CAST((ts - @from) / @w AS INTEGER) AS b, count(*) AS n, avg(value) AS avg,
            min(value) AS lo, max(value) AS hi, min(ts) AS t0
       FROM readings
      WHERE series_id = @s AND ts >= @from AND ts < @to
      GROUP BY b ORDER BY b`,
  );
  const rawRows = db
    .prepare<[number, number, number, number], TierRow>(
      `SELECT ts, 1, value, value, value FROM readings
        WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?`,
    )
    .raw();
  // Rollup rows come out in key order and are merged into buckets in JS: the
  // tier choice below bounds them to 3 per point, and a plain range scan is
  // several times cheaper than a GROUP BY on a computed bucket (a sorter).
  const fromTier = ROLLUP_TIERS.map((tier) => ({
    ...tier,
    rows: db
      .prepare<[number, number, number], TierRow>(
        `SELECT bucket, count, sum, min, max FROM ${tier.table}
          WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      )
      .raw(),
  }));
  const nextOrphan = db.prepare<[], { series_id: number }>('SELECT series_id FROM series_orphans LIMIT 1');
  // Readings first, then the rollups: all keyed (series_id, time), deleted a chunk at a time.
  const deleteChunk = [['readings', 'ts'], ...ROLLUP_TIERS.map((t) => [t.table, 'bucket'])].map(
    ([table, col]) =>
      db.prepare<[number, number, number]>(
        `DELETE FROM ${table} WHERE series_id = ? AND ${col} IN
         (SELECT ${col} FROM ${table} WHERE series_id = ? ORDER BY ${col} LIMIT ?)`,
      ),
  );
  const forgetOrphan = db.prepare<[number]>('DELETE FROM series_orphans WHERE series_id = ?');

  return {
    /**
     * Readings of one series in [from, to), in at most `points` buckets of
     * equal width. Short ranges read raw readings; longer ones the finest
     * rollup tier that needs at most three rows per point, so a year costs
     * about 1,500 rows instead of 3 million. A bucket holding a
     * single raw reading keeps that reading's own timestamp; an aggregated
     * bucket is stamped with its start and carries the mean, min and max, so
     * spikes survive.
     */
    bucketed(seriesId: number, from: number, to: number, points: number): BucketedSeries {
      const want = Math.max(1, Math.ceil((to - from) / points));
      // Raw readings while a bucket is under a minute; past that, the finest
      // tier that answers in at most 3 rows per point (so any range reads at
      // most ~3,000 rows for a chart), else the coarsest.
      const tier =
        want < MIN_TIER_MS
          ? undefined
          : (fromTier.find((t) => (to - from) / t.ms <= ROWS_PER_POINT * points) ?? fromTier.at(-1));
      const out: BucketedSeries = {
        source: tier ? tier.name : 'raw',
        bucketMs: null,
        ts: [],
        value: [],
        min: [],
        max: [],
        count: [],
      };
      if (!tier) {
        // Sparse raw readings merge in JS like rollup rows; a dense series
        // (more than a few readings per point) is grouped by SQLite instead.
        const limit = RAW_ROWS_PER_POINT * points;
        const rows = rawRows.all(seriesId, from, to, limit + 1);
        if (rows.length <= limit) {
          merge(out, rows, from, want, true);
        } else {
          for (const r of bucketed.all({ s: seriesId, from, to, w: want })) {
            out.ts.push(r.n === 1 ? r.t0 : from + r.b * want);
            out.value.push(r.avg);
            out.min.push(r.lo);
            out.max.push(r.hi);
            out.count.push(r.n);
          }
        }
        if (out.count.some((n) => n > 1)) out.bucketMs = want;
        return out;
      }
      // Whole tier buckets per output bucket, so none is split between two.
      const w = Math.ceil(want / tier.ms) * tier.ms;
      out.bucketMs = w;
      // The first tier bucket may start before `from`: it counts into bucket 0.
      merge(out, tier.rows.all(seriesId, from - (from % tier.ms), to), from, w, false);
      return out;
    },

    /** Deletes up to `limit` rows of removed devices' series; returns how many went. */
    sweepOrphans(limit: number): number {
      const orphan = nextOrphan.get();
      if (!orphan) return 0;
      const id = orphan.series_id;
      for (const del of deleteChunk) {
        const n = del.run(id, id, limit).changes;
        if (n > 0) return n;
      }
      forgetOrphan.run(id);
      return 1;
    },
  };
}

export type ReadingRepo = ReturnType<typeof createReadingRepo>;
