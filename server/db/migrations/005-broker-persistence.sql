-- Hearth schema v2: the MQTT broker's durable session state (the aedes
-- persistence in server/mqtt/sqlite-persistence.ts), so retained messages,
-- persistent sessions, their queued QoS 1/2 messages, inbound QoS 2 packets and
-- wills survive a hub restart.
--
-- Packets are stored whole: `payload` holds the bytes (a BLOB; ANY so that a
-- hub-side caller that published a string gets a string back) and `packet` every
-- other field: JSON TEXT for a flat MQTT 3.1.1 packet, a v8-serialized BLOB when
-- it has nested values such as MQTT 5 properties (server/mqtt/packet-codec.ts).
-- The other columns are copies used for lookups.
--
-- Client ids and topics are only ever compared whole (`=`), or by ranges bounded
-- on a level separator under the default BINARY collation (UTF-8 byte order), so
-- client `ab` never matches rows of `abc` and non-ASCII topics sort like any other.

CREATE TABLE mqtt_retained (
  topic   TEXT PRIMARY KEY,
  payload ANY NOT NULL,
  packet  ANY NOT NULL
) STRICT;

-- Subscriptions of clean-session=false clients [MQTT-3.1.2-4], QoS 0 ones too:
-- they are restored on reconnect, though nothing is queued for them.
CREATE TABLE mqtt_subscriptions (
  client_id               TEXT NOT NULL,
  topic                   TEXT NOT NULL,
  qos                     INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
  rh                      INTEGER,
  rap                     INTEGER CHECK (rap IN (0, 1)),
  nl                      INTEGER CHECK (nl IN (0, 1)),
  subscription_identifier INTEGER,
  PRIMARY KEY (client_id, topic)
) STRICT, WITHOUT ROWID;

-- Per-client queues of QoS 1/2 messages (and PUBRELs) not yet acknowledged,
-- delivered in `seq` order (MQTT 3.1.1 §4.6). `seq` is assigned by the
-- persistence, increasing, never reused while it runs. No secondary index on
-- purpose: the lookups by client, packet identifier and broker counter are
-- answered from an in-memory index rebuilt from these columns at start-up
-- (server/mqtt/outgoing-index.ts), so each write dirties one b-tree.
CREATE TABLE mqtt_outgoing (
  seq            INTEGER PRIMARY KEY,
  client_id      TEXT NOT NULL,
  message_id     INTEGER,
  broker_id      TEXT,
  broker_counter INTEGER,
  payload        ANY,
  packet         ANY NOT NULL
) STRICT;

-- Inbound QoS 2 PUBLISHes awaiting PUBREL, so a redelivery after a restart is
-- recognised and not published twice [MQTT-4.3.3-2].
CREATE TABLE mqtt_incoming (
  client_id  TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  payload    ANY,
  packet     ANY NOT NULL,
  PRIMARY KEY (client_id, message_id)
) STRICT;

-- Last Will of each connected client, tagged with the broker that holds the
-- connection, so a will orphaned by a crash can still be published.
CREATE TABLE mqtt_wills (
  client_id TEXT PRIMARY KEY,
  broker_id TEXT,
  payload   ANY,
  packet    ANY NOT NULL
) STRICT;
