-- Hearth schema v3: rules with their run logs, alerts, and desired state.
-- Timestamps are integer milliseconds since the Unix epoch; JSON columns hold
-- snake_case JSON as in shared/rules.ts, shared/alerts.ts, shared/desired-state.ts.

CREATE TABLE rules (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  definition  TEXT NOT NULL,  -- JSON: the rule body as validated (without id, enabled, timestamps)
  memory      TEXT,           -- JSON: the evaluator's per-rule memory (hysteresis, pending durations)
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- Each rule's run log: evaluations that acted, were held back, or failed.
-- Bounded per rule by the repository (the newest few hundred are kept).
CREATE TABLE rule_runs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id  TEXT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
  ts       INTEGER NOT NULL,
  trigger  TEXT NOT NULL,
  log      TEXT NOT NULL,   -- JSON array of strings
  actions  TEXT NOT NULL,   -- JSON array of action results
  error    TEXT
) STRICT;
CREATE INDEX rule_runs_by_rule ON rule_runs (rule_id, id);

-- Alerts outlive the rule that raised them (no foreign key): history stays.
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id         TEXT NOT NULL,
  key             TEXT NOT NULL,
  device_id       TEXT,
  severity        TEXT NOT NULL,
  message         TEXT NOT NULL,
  value           REAL,
  status          TEXT NOT NULL,  -- active | cleared
  raised_at       INTEGER NOT NULL,
  cleared_at      INTEGER,
  clear_reason    TEXT,
  acknowledged_at INTEGER,
  acknowledged_by TEXT
) STRICT;
-- At most one active alert per (rule, key): raising twice is a no-op, never a duplicate.
CREATE UNIQUE INDEX alerts_one_active ON alerts (rule_id, key) WHERE status = 'active';
CREATE INDEX alerts_by_status ON alerts (status, id);

-- Desired state per controllable property; what the device reports is its `state`.
CREATE TABLE desired_state (
  device_id  TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  property   TEXT NOT NULL,
  value      TEXT NOT NULL,  -- JSON scalar
  version    INTEGER NOT NULL,
  status     TEXT NOT NULL,  -- pending | applied | expired | failed
  policy     TEXT NOT NULL,  -- wait | drop_if_offline
  expires_at INTEGER,
  actor      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  applied_at INTEGER,
  error      TEXT,
  command_id TEXT,
  PRIMARY KEY (device_id, property)
) STRICT;
CREATE INDEX desired_state_pending ON desired_state (status, expires_at);
