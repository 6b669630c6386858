-- Rollup tiers: per series, one row per minute and per hour with min, max,
-- sum, count and the last value, maintained as readings are committed. Long
-- history ranges are answered from here instead of scanning raw readings.

CREATE TABLE rollup_1m (
  series_id INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,  -- bucket start, ms since epoch, a multiple of 60 000
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  count     INTEGER NOT NULL,
  last      REAL NOT NULL,
  last_ts   INTEGER NOT NULL,
  PRIMARY KEY (series_id, bucket)
) STRICT, WITHOUT ROWID;

CREATE TABLE rollup_1h (
  series_id INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,  -- a multiple of 3 600 000
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  count     INTEGER NOT NULL,
  last      REAL NOT NULL,
  last_ts   INTEGER NOT NULL,
  PRIMARY KEY (series_id, bucket)
) STRICT, WITHOUT ROWID;

-- Retention overrides, per device (metric = '*') or per device and metric.
-- NULL days: keep forever. Defaults come from the hub's config.
CREATE TABLE retention (
  device_id   TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  metric      TEXT NOT NULL,
  raw_days    INTEGER,
  minute_days INTEGER,
  hour_days   INTEGER,
  PRIMARY KEY (device_id, metric)
) STRICT;

-- Readings stored before this migration get their rollups now.
INSERT INTO rollup_1m (series_id, bucket, min, max, sum, count, last, last_ts)
SELECT series_id, (ts / 60000) * 60000 AS b, min(value), max(value), sum(value), count(*),
       (SELECT r2.value FROM readings r2 WHERE r2.series_id = r.series_id
          AND r2.ts >= (r.ts / 60000) * 60000 AND r2.ts < (r.ts / 60000) * 60000 + 60000
        ORDER BY r2.ts DESC LIMIT 1),
       max(ts)
FROM readings r GROUP BY series_id, b;

INSERT INTO rollup_1h (series_id, bucket, min, max, sum, count, last, last_ts)
SELECT series_id, (bucket / 3600000) * 3600000 AS b, min(min), max(max), sum(sum), sum(count),
       (SELECT m2.last FROM rollup_1m m2 WHERE m2.series_id = m.series_id
          AND m2.bucket >= (m.bucket / 3600000) * 3600000 AND m2.bucket < (m.bucket / 3600000) * 3600000 + 3600000
        ORDER BY m2.bucket DESC LIMIT 1),
       max(last_ts)
FROM rollup_1m m GROUP BY series_id, b;
