/**
 * Prometheus metrics (`GET /metrics`, text exposition format 0.0.4) with
 * prom-client, one registry per hub (tests run several hubs in a process).
 *
 * Nothing is counted twice on the hot path: counters and gauges read what
 * the hub already counts (Counters, the writer's stats, the traffic meter,
 * the probe) in `collect()`, which runs only when Prometheus scrapes. Only
 * round trips (commands, probes) are observed into histograms as they
 * happen: a few per second at most.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WriterStats } from '../db/reading-writer.ts';
import type { TrafficRow } from '../mqtt/traffic-meter.ts';
import type { LagReading } from './lag-monitor.ts';

/** What the metrics read at scrape time. */
export interface MetricsSource {
  version: string;
  uptimeS(): number;
  mqttClients(): number;
  traffic(direction: 'in' | 'out'): TrafficRow[];
  /** The hub's named counters (GET /api/health `counters`). */
  counters(): Record<string, number>;
  writer(): WriterStats & { pending: number };
  db(): { sizeBytes: number; walBytes: number };
  devices(): { registered: number; online: number };
  liveClients(): number;
  probeTotals(): { qos: number; sent: number; received: number; lost: number }[];
  eventLoopLag(): LagReading | null;
}

/** Round trips from about a millisecond to a timeout, in seconds. */
const RTT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Drop reasons whose message was malformed rather than refused. */
const INVALID_REASONS = [
  'invalid_json',
  'invalid_payload',
  'payload_too_large',
  'unknown_metric',
  'bad_timestamp',
];

/** Counters with a prefix, as label value → count (`mqtt_dropped_acl_denied` → `acl_denied`). */
function withPrefix(
  counters: Record<string, number>,
  prefix: string,
  skip: string[] = [],
): [string, number][] {
  return Object.entries(counters)
    .filter(([name]) => name.startsWith(prefix) && !skip.includes(name))
    .map(([name, value]) => [name.slice(prefix.length), value]);
}

export function createPrometheusMetrics(src: MetricsSource) {
  const registry = new Registry();
  const registers = [registry];

  const gauge = (name: string, help: string, read: () => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const v = read();
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  /** A counter that mirrors a total kept elsewhere. */
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  /** A labelled counter that mirrors totals kept elsewhere. */
  const totals = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    read: () => [Partial<Record<L, string | number>>, number][],
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });

  new Gauge({
    name: 'hearth_info',
    help: 'Hearth hub version (always 1)',
    labelNames: ['version'],
    registers,
    collect() {
      this.set({ version: src.version }, 1);
    },
  });
  gauge('hearth_uptime_seconds', 'Seconds since the hub started', () => Math.round(src.uptimeS()));

  // MQTT
  gauge('hearth_mqtt_clients', 'Connected MQTT clients (devices and integration accounts)', src.mqttClients);
  totals(
    'hearth_mqtt_messages_received_total',
    'PUBLISH packets received from clients, by topic kind and QoS (kind "dropped": refused or invalid)',
    ['kind', 'qos'],
    () => src.traffic('in').map((r) => [{ kind: r.kind, qos: r.qos }, r.count]),
  );
  totals(
    'hearth_mqtt_messages_sent_total',
    'PUBLISH packets delivered to clients, by topic kind and QoS',
    ['kind', 'qos'],
    () => src.traffic('out').map((r) => [{ kind: r.kind, qos: r.qos }, r.count]),
  );
  totals('hearth_mqtt_dropped_total', 'Messages acknowledged and dropped, by reason', ['reason'], () =>
    withPrefix(src.counters(), 'mqtt_dropped_', ['mqtt_dropped_total']).map(([reason, v]) => [{ reason }, v]),
  );
  total('hearth_mqtt_invalid_total', 'Messages dropped because they were malformed', () => {
    const c = src.counters();
    return INVALID_REASONS.reduce((sum, r) => sum + (c[`mqtt_dropped_${r}`] ?? 0), 0);
  });
  totals('hearth_mqtt_refused_total', 'Refused connections and subscriptions', ['what'], () =>
    withPrefix(src.counters(), 'mqtt_refused_').map(([what, v]) => [{ what }, v]),
  );

  // Ingest and storage
  total('hearth_ingest_readings_total', 'Readings committed to the database', () => src.writer().rows);
  total('hearth_ingest_messages_total', 'Telemetry messages committed', () => src.writer().messages);
  gauge('hearth_ingest_pending_readings', 'Readings waiting for their batch', () => src.writer().pending);
  total('hearth_db_write_batches_total', 'Group-commit batches written', () => src.writer().batches);
  total('hearth_db_write_failures_total', 'Batches that failed to write', () => src.writer().failures);
  gauge(
    'hearth_db_write_last_batch_seconds',
    'Duration of the newest batch write',
    () => src.writer().lastBatchMs / 1000,
  );
  gauge(
    'hearth_db_write_max_batch_seconds',
    'Longest batch write since start',
    () => src.writer().maxBatchMs / 1000,
  );
  gauge('hearth_db_write_last_batch_rows', 'Readings in the newest batch', () => src.writer().lastBatchRows);
  gauge('hearth_db_size_bytes', 'Database file plus its WAL', () => {
    const d = src.db();
    return d.sizeBytes + d.walBytes;
  });
  gauge('hearth_db_wal_bytes', 'Size of the write-ahead log', () => src.db().walBytes);

  // Devices, commands, live feed
  gauge('hearth_devices', 'Registered devices', () => src.devices().registered);
  gauge('hearth_devices_online', 'Devices with an open MQTT session', () => src.devices().online);
  total('hearth_commands_sent_total', 'Commands sent to devices', () => src.counters().commands_sent ?? 0);
  totals('hearth_commands_finished_total', 'Commands by outcome', ['status'], () =>
    withPrefix(src.counters(), 'commands_', ['commands_sent']).map(([status, v]) => [{ status }, v]),
  );
  const commandRtt = new Histogram({
    name: 'hearth_command_rtt_seconds',
    help: 'Command round trip: rpc sent to reply received',
    buckets: RTT_BUCKETS,
    registers,
  });
  gauge('hearth_live_clients', 'Browsers connected to the live feed', src.liveClients);

  // The self-probe
  const probeRtt = new Histogram({
    name: 'hearth_probe_rtt_seconds',
    help: 'In-hub MQTT probe: publish to delivery through the broker, by QoS',
    labelNames: ['qos'],
    buckets: RTT_BUCKETS,
    registers,
  });
  totals('hearth_probe_sent_total', 'In-hub MQTT probes sent, by QoS', ['qos'], () =>
    src.probeTotals().map((p) => [{ qos: p.qos }, p.sent]),
  );
  totals('hearth_probe_lost_total', 'In-hub MQTT probes not delivered in time, by QoS', ['qos'], () =>
    src.probeTotals().map((p) => [{ qos: p.qos }, p.lost]),
  );

  // The process
  new Gauge({
    name: 'hearth_event_loop_lag_seconds',
    help: 'Event-loop lag since the previous scrape (quantile 1: the maximum)',
    labelNames: ['quantile'],
    registers,
    collect() {
      this.reset();
      const lag = src.eventLoopLag();
      if (!lag) return;
      this.set({ quantile: '0.5' }, lag.p50Ms / 1000);
      this.set({ quantile: '0.99' }, lag.p99Ms / 1000);
      this.set({ quantile: '1' }, lag.maxMs / 1000);
    },
  });
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes', () => process.memoryUsage.rss());
  gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  total('process_cpu_seconds_total', 'User and system CPU time spent', () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
  const started = Date.now() / 1000 - process.uptime();
  gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch', () =>
    Math.round(started),
  );

  return {
    registry,
    contentType: registry.contentType,
    /** The exposition text. */
    render: (): Promise<string> => registry.metrics(),
    observeCommandRtt(ms: number): void {
      commandRtt.observe(ms / 1000);
    },
    observeProbeRtt(qos: number, ms: number): void {
      probeRtt.observe({ qos }, ms / 1000);
    },
  };
}

export type PrometheusMetrics = ReturnType<typeof createPrometheusMetrics>;
