/**
 * One validated config object, built once at start-up from defaults < a
 * config file < `HEARTH_*` environment variables, then passed down. Nothing
 * else in the hub reads `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Type, { type Static } from 'typebox';
import { checker } from '../shared/validate.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../shared/wire.ts';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const ConfigSchema = Type.Object(
  {
    /** Interface the HTTP and MQTT listeners bind to. */
    host: Type.String({ minLength: 1 }),
    httpPort: Port,
    mqttPort: Port,
    /** Where the SQLite database (and later certificates) live. */
    dataDir: Type.String({ minLength: 1 }),
    /** Host name put into device credentials (`mqtt://<publicHost>:1883`). */
    publicHost: Type.String({ minLength: 1 }),
    logLevel: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** An online device that sent nothing for this long is shown as stale. */
    staleAfterS: Type.Integer({ minimum: 10 }),
    /** Largest MQTT payload accepted on a device topic; larger ones are dropped and counted. */
    maxPayloadBytes: Type.Integer({ minimum: 256, maximum: 1_048_576 }),
    /** Most MQTT connections at once (TCP + TLS); more are refused and counted. */
    mqttMaxConnections: Type.Integer({ minimum: 1 }),
    /** Deepest topic (levels) accepted; aedes caps it at 100. */
    mqttMaxTopicLevels: Type.Integer({ minimum: 4, maximum: 100 }),
    /** Messages per second one client may publish (sustained; bursts of twice that); 0: no limit. */
    mqttRateLimit: Type.Integer({ minimum: 0 }),
    /** Default command timeout when a request does not give one. */
    rpcTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
    /**
     * Group commit: the longest a reading waits before its batch is written.
     * 0 writes on the next event-loop turn: a quiet hub commits at once, a
     * busy one still batches everything that arrived in the same turn.
     */
    ingestFlushMs: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** Group commit: a batch is written at once when it reaches this many readings. */
    ingestBatchMax: Type.Integer({ minimum: 1, maximum: 100_000 }),
    /** Live feed: the shortest gap between two telemetry events of one device per browser. */
    liveCoalesceMs: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /** SQLite `synchronous`: NORMAL survives process crashes, FULL also power loss. */
    dbSynchronous: Type.Enum(['NORMAL', 'FULL']),
    /** Days raw readings are kept (0: forever); per device/metric overrides via the API. */
    retentionRawDays: Type.Integer({ minimum: 0 }),
    /** Days 1-minute rollups are kept (0: forever). */
    retentionMinuteDays: Type.Integer({ minimum: 0 }),
    /** Days 1-hour rollups are kept (0: forever). */
    retentionHourDays: Type.Integer({ minimum: 0 }),
    /** How often expired readings are pruned (in small chunks that never stall ingest). */
    pruneIntervalS: Type.Integer({ minimum: 1 }),
    /** How often the WAL is checkpointed, from a worker thread. */
    checkpointIntervalMs: Type.Integer({ minimum: 100 }),
    /** The built dashboard (vite build output). */
    webDir: Type.String({ minLength: 1 }),
    /** `off`; `self-signed`: a certificate made on first start and kept in the data dir; `files`: tlsCert + tlsKey. */
    tls: Type.Enum(['off', 'self-signed', 'files']),
    tlsCert: Type.Optional(Type.String({ minLength: 1 })),
    tlsKey: Type.Optional(Type.String({ minLength: 1 })),
    /** MQTT over TLS, when TLS is on. */
    mqttTlsPort: Port,
    /** Plain MQTT on mqttPort: `auto` keeps it only while TLS is off. */
    mqttPlaintext: Type.Enum(['auto', 'on', 'off']),
    /** Sets the owner password without the first-start page (automation, Docker). */
    ownerPassword: Type.Optional(Type.String({ minLength: 10 })),
    /** Advertise the hub on the LAN by mDNS (`_hearth._tcp`, `_mqtt._tcp`), for pairing. */
    mdns: Type.Boolean(),
    /** How often the hub probes its own broker at QoS 0, 1 and 2 (0: off). */
    probeIntervalMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    /** How often GET /api/stats takes a sample; it keeps the last hour. */
    statsIntervalMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    /** How often the retained `$SYS/hearth/…` topics are refreshed (0: off). */
    sysIntervalMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    /** A separate, unauthenticated listener for Prometheus' GET /metrics (0: off; /metrics on the HTTP port needs credentials). */
    metricsPort: Port,
    /** Interface of that listener: keep it on loopback unless the network is yours alone. */
    metricsHost: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Built-in defaults: what `npm start` uses with no file and no environment. */
export function defaultConfig(cwd: string, hostname: string): Config {
  return {
    host: '0.0.0.0',
    httpPort: 8080,
    mqttPort: 1883,
    dataDir: resolve(cwd, 'data'),
    publicHost: hostname,
    logLevel: 'info',
    staleAfterS: 600,
    maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
    rpcTimeoutMs: 5000,
    mqttMaxConnections: 10_000,
    mqttMaxTopicLevels: 16,
    mqttRateLimit: 500,
    ingestFlushMs: 0,
    ingestBatchMax: 2000,
    liveCoalesceMs: 250,
    dbSynchronous: 'NORMAL',
    retentionRawDays: 30,
    retentionMinuteDays: 366,
    retentionHourDays: 0,
    pruneIntervalS: 600,
    checkpointIntervalMs: 2000,
    tls: 'off',
    mqttTlsPort: 8883,
    mqttPlaintext: 'auto',
    mdns: true,
    probeIntervalMs: 10_000,
    statsIntervalMs: 5000,
    sysIntervalMs: 10_000,
    metricsPort: 0,
    metricsHost: '127.0.0.1',
    webDir: resolve(projectRoot, 'web', 'dist'),
  };
}

/** `httpPort` → `HEARTH_HTTP_PORT`. */
export function envName(key: string): string {
  return `HEARTH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** How a boolean setting may be written in the environment. */
const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  on: true,
  1: true,
  false: false,
  off: false,
  0: false,
};

/** Environment variables that are not settings but are ours. */
const OTHER_HEARTH_VARS = new Set(['HEARTH_CONFIG']);

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface ConfigSources {
  env: Record<string, string | undefined>;
  cwd: string;
  hostname: string;
  /** Explicit overrides (tests, the demo), applied last. */
  overrides?: Partial<Config>;
}

const configChecker = checker(ConfigSchema);

/**
 * Builds the config. Throws a ConfigError listing every problem at once
 * (unknown keys, bad types, out-of-range values, an unreadable file).
 */
export function loadConfig(sources: ConfigSources): Config {
  const { env, cwd, hostname } = sources;
  const problems: string[] = [];
  const defaults: Record<string, unknown> = defaultConfig(cwd, hostname);
  const merged: Record<string, unknown> = { ...defaults };

  const explicitFile = env.HEARTH_CONFIG;
  const file = explicitFile ? resolve(cwd, explicitFile) : resolve(cwd, 'hearth.config.json');
  if (explicitFile || existsSync(file)) {
    try {
      const fromFile: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
        problems.push(`${file}: must hold a JSON object`);
      } else {
        for (const [key, value] of Object.entries(fromFile)) {
          if (!(key in ConfigSchema.properties)) problems.push(`${file}: unknown setting "${key}"`);
          else merged[key] = value;
        }
      }
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }

  const known = new Map(Object.keys(ConfigSchema.properties).map((k) => [envName(k), k]));
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('HEARTH_') || raw === undefined || OTHER_HEARTH_VARS.has(name)) continue;
    const key = known.get(name);
    if (key === undefined) {
      problems.push(`${name}: unknown setting (known: ${[...known.keys()].join(', ')})`);
      continue;
    }
    if (typeof defaults[key] === 'boolean') {
      const b = BOOLEAN_WORDS[raw.trim().toLowerCase()];
      if (b === undefined) problems.push(`${name}: "${raw}" is not true or false`);
      else merged[key] = b;
    } else if (typeof defaults[key] === 'number') {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (Number.isNaN(n)) problems.push(`${name}: "${raw}" is not a number`);
      else merged[key] = n;
    } else {
      merged[key] = raw;
    }
  }

  Object.assign(merged, sources.overrides ?? {});
  for (const error of configChecker.errors(merged)) {
    const match = /^\/(\w+)/.exec(error);
    const key = match?.[1];
    problems.push(key ? `${key} (${envName(key)}): ${error.replace(/^\/\w+: /, '')}` : error);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = merged as Config;
  return { ...config, dataDir: resolve(cwd, config.dataDir), webDir: resolve(cwd, config.webDir) };
}
