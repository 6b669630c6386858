-- Hearth schema v1: the device registry, readings, commands and presence history.
-- Timestamps are integer milliseconds since the Unix epoch.

CREATE TABLE devices (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  room            TEXT,
  secret_hash     TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  description     TEXT,                      -- JSON, as last published (retained)
  state           TEXT NOT NULL DEFAULT '{}', -- JSON, reported state (retained)
  state_ts        INTEGER,
  presence_status TEXT NOT NULL DEFAULT 'unknown',
  presence_reason TEXT NOT NULL DEFAULT 'never_connected',
  presence_detail TEXT,
  presence_since  INTEGER,
  last_seen       INTEGER
) STRICT;

-- One series per (device, metric). Readings reference it by integer id so the
-- readings table stays narrow.
CREATE TABLE series (
  id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: orphaned readings must not reattach
  device_id  TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  metric     TEXT NOT NULL,
  last_value REAL,
  last_ts    INTEGER,
  UNIQUE (device_id, metric)
) STRICT;

-- Raw readings keyed by (series, timestamp): a clustered index, no rowid.
CREATE TABLE readings (
  series_id INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  value     REAL NOT NULL,
  PRIMARY KEY (series_id, ts)
) STRICT, WITHOUT ROWID;

-- Series whose device was removed; their readings are deleted in small chunks
-- in the background so a removal never stalls ingest.
CREATE TABLE series_orphans (
  series_id INTEGER PRIMARY KEY
) STRICT;

CREATE TABLE commands (
  id            TEXT PRIMARY KEY,
  device_id     TEXT NOT NULL,
  method        TEXT NOT NULL,
  params        TEXT NOT NULL,
  actor         TEXT NOT NULL,
  status        TEXT NOT NULL,
  result        TEXT,
  error_code    TEXT,
  error_message TEXT,
  created_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  rtt_ms        REAL
) STRICT;
CREATE INDEX commands_by_device ON commands (device_id, created_at);

CREATE TABLE presence_events (
  device_id TEXT NOT NULL,
  ts        INTEGER NOT NULL,
  status    TEXT NOT NULL,
  reason    TEXT NOT NULL,
  detail    TEXT
) STRICT;
CREATE INDEX presence_events_by_device ON presence_events (device_id, ts);
