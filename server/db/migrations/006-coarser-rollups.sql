-- 10-minute and 6-hour rollups, so a month reads ~4k rows instead of 43k and
-- a year ~1.5k instead of 8.8k (see server/db/tiers.ts).

CREATE TABLE rollup_10m (
  series_id INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,  -- a multiple of 600 000
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  count     INTEGER NOT NULL,
  last      REAL NOT NULL,
  last_ts   INTEGER NOT NULL,
  PRIMARY KEY (series_id, bucket)
) STRICT, WITHOUT ROWID;

CREATE TABLE rollup_6h (
  series_id INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,  -- a multiple of 21 600 000
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  count     INTEGER NOT NULL,
  last      REAL NOT NULL,
  last_ts   INTEGER NOT NULL,
  PRIMARY KEY (series_id, bucket)
) STRICT, WITHOUT ROWID;

-- Built from the finer tiers already kept.
INSERT INTO rollup_10m (series_id, bucket, min, max, sum, count, last, last_ts)
SELECT series_id, (bucket / 600000) * 600000 AS b, min(min), max(max), sum(sum), sum(count),
       (SELECT m2.last FROM rollup_1m m2 WHERE m2.series_id = m.series_id
          AND m2.bucket >= (m.bucket / 600000) * 600000 AND m2.bucket < (m.bucket / 600000) * 600000 + 600000
        ORDER BY m2.bucket DESC LIMIT 1),
       max(last_ts)
FROM rollup_1m m GROUP BY series_id, b;

INSERT INTO rollup_6h (series_id, bucket, min, max, sum, count, last, last_ts)
SELECT series_id, (bucket / 21600000) * 21600000 AS b, min(min), max(max), sum(sum), sum(count),
       (SELECT h2.last FROM rollup_1h h2 WHERE h2.series_id = h.series_id
          AND h2.bucket >= (h.bucket / 21600000) * 21600000 AND h2.bucket < (h.bucket / 21600000) * 21600000 + 21600000
        ORDER BY h2.bucket DESC LIMIT 1),
       max(last_ts)
FROM rollup_1h h GROUP BY series_id, b;
