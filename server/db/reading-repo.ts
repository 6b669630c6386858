/** Reading queries: history in buckets, and the background sweep of removed series. */
import type { Db } from './database.ts';

export interface Bucket {
  ts: number;
  value: number;
  min: number;
  max: number;
  count: number;
}

export interface BucketedSeries {
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
  const nextOrphan = db.prepare<[], { series_id: number }>('SELECT series_id FROM series_orphans LIMIT 1');
  const deleteChunk = db.prepare<[number, number, number]>(
    `DELETE FROM readings WHERE series_id = ? AND ts IN
       (SELECT ts FROM readings WHERE series_id = ? ORDER BY ts LIMIT ?)`,
  );
  const forgetOrphan = db.prepare<[number]>('DELETE FROM series_orphans WHERE series_id = ?');

  return {
    /**
     * Readings of one series in [from, to), in at most `points` buckets of
     * equal width. A bucket holding a single reading keeps that reading's own
     * timestamp; an aggregated bucket is stamped with its start and carries the
     * mean, min and max, so spikes survive.
     */
    bucketed(seriesId: number, from: number, to: number, points: number): BucketedSeries {
      const w = Math.max(1, Math.ceil((to - from) / points));
      const rows = bucketed.all({ s: seriesId, from, to, w });
      const out: BucketedSeries = { bucketMs: null, ts: [], value: [], min: [], max: [], count: [] };
      for (const r of rows) {
        if (r.n > 1) out.bucketMs = w;
        out.ts.push(r.n === 1 ? r.t0 : from + r.b * w);
        out.value.push(r.avg);
        out.min.push(r.lo);
        out.max.push(r.hi);
        out.count.push(r.n);
      }
      return out;
    },

    /** Deletes up to `limit` readings of removed devices; returns how many went. */
    sweepOrphans(limit: number): number {
      const orphan = nextOrphan.get();
      if (!orphan) return 0;
      const n = deleteChunk.run(orphan.series_id, orphan.series_id, limit).changes;
      if (n < limit) forgetOrphan.run(orphan.series_id);
      return n;
    },
  };
}

export type ReadingRepo = ReturnType<typeof createReadingRepo>;
