-- Accounts and access: people (the owner), their sessions, API tokens for
-- scripts, and MQTT integration accounts (Node-RED, Home Assistant …).
-- Every secret is stored only as a salted scrypt hash.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

-- A session cookie is "<id>.<secret>": the id finds the row, the secret is
-- checked against its hash.
CREATE TABLE sessions (
  id          TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  user_agent  TEXT
) STRICT;

-- API tokens are "hth_<id>_<secret>", shown once.
CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_used   INTEGER
) STRICT;

CREATE TABLE integrations (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  -- JSON array of MQTT topic filters this account may use
  patterns      TEXT NOT NULL,
  access        TEXT NOT NULL CHECK (access IN ('read', 'readwrite')),
  created_at    INTEGER NOT NULL
) STRICT;
