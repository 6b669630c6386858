/** Reading queries: history in buckets, and the background sweep of removed series. */
import type { Db } from './database.ts';
import { ROLLUP_TIERS } from './tiers.ts';

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

interface BucketRow {
  b: number;
  n: number;
  avg: number;
  lo: number;
  hi: number;
  t0: number;
}

export function createReadingRepo(db: Db) {
  // better-sqlite3 binds JS numbers as REAL, so the bucket index is CAST to keep it integral.
  const bucketed = db.prepare<{ s: number; from: number; to: number; w: number }, BucketRow>(
    `SELECT CAST((ts - @from) / @w AS INTEGER) AS b, count(*) AS n, avg(value) AS avg,
            min(value) AS lo, max(value) AS hi, min(ts) AS t0
       FROM readings
      WHERE series_id = @s AND ts >= @from AND ts < @to
      GROUP BY b ORDER BY b`,
  );
  const fromTier = ROLLUP_TIERS.map((tier) => ({
    ...tier,
    query: db.prepare<{ s: number; from: number; lo: number; to: number; w: number }, BucketRow>(
      `SELECT CAST((bucket - @from) / @w AS INTEGER) AS b, sum(count) AS n, sum(sum) / sum(count) AS avg,
              min(min) AS lo, max(max) AS hi, min(bucket) AS t0
         FROM ${tier.table}
        WHERE series_id = @s AND bucket >= @lo AND bucket < @to
        GROUP BY b ORDER BY b`,
    ),
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
     * equal width. Short ranges read raw readings; a range whose buckets are at
     * least a minute (an hour) wide reads the 1-minute (1-hour) rollups, so a
     * year costs about 9,000 rows instead of 3 million. A bucket holding a
     * single raw reading keeps that reading's own timestamp; an aggregated
     * bucket is stamped with its start and carries the mean, min and max, so
     * spikes survive.
     */
    bucketed(seriesId: number, from: number, to: number, points: number): BucketedSeries {
      const want = Math.max(1, Math.ceil((to - from) / points));
      const tier = fromTier.findLast((t) => t.ms <= want);
      const out: BucketedSeries = {
        source: tier ? tier.name : 'raw',
        bucketMs: null,
        ts: [],
        value: [],
        min: [],
        max: [],
        count: [],
      };
      let rows: BucketRow[];
      let w: number;
      if (tier) {
        // Whole tier buckets per output bucket, so none is split between two.
        w = Math.ceil(want / tier.ms) * tier.ms;
        const lo = from - (from % tier.ms);
        rows = tier.query.all({ s: seriesId, from, lo, to, w });
        out.bucketMs = w;
      } else {
        w = want;
        rows = bucketed.all({ s: seriesId, from, to, w });
        if (rows.some((r) => r.n > 1)) out.bucketMs = w;
      }
      for (const r of rows) {
        out.ts.push(!tier && r.n === 1 ? r.t0 : from + r.b * w);
        out.value.push(r.avg);
        out.min.push(r.lo);
        out.max.push(r.hi);
        out.count.push(r.n);
      }
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
