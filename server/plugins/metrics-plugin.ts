/**
 * Seeing inside the hub: the traffic meter on the broker, the in-hub MQTT
 * probe, `$SYS/hearth/…` topics, the health page's sampler (GET /api/stats),
 * Prometheus metrics and, when `metricsPort` is set, their separate listener.
 * Registered after the broker and the live feed, which it reads.
 */
import { statSync } from 'node:fs';
import fp from 'fastify-plugin';
import type { StatsDto } from '../../shared/stats.ts';
import { RollingWindow } from '../domain/rolling-window.ts';
import { LagMonitor } from '../metrics/lag-monitor.ts';
import { MetricsListener } from '../metrics/metrics-listener.ts';
import { createPrometheusMetrics, type PrometheusMetrics } from '../metrics/prometheus.ts';
import { StatsSampler } from '../metrics/stats-sampler.ts';
import { PROBE_QOS, type ProbeQos, SelfProbe } from '../mqtt/self-probe.ts';
import { SysTopics } from '../mqtt/sys-topics.ts';
import { TrafficMeter } from '../mqtt/traffic-meter.ts';
import { HUB_VERSION } from '../version.ts';
import './types.ts';

/** A probe not delivered within this is lost, whatever the interval. */
const PROBE_TIMEOUT_MS = 5000;
const HOUR_MS = 3_600_000;

export interface HubMetrics {
  traffic: TrafficMeter;
  /** Null when `probeIntervalMs` is 0. */
  probe: SelfProbe | null;
  prometheus: PrometheusMetrics;
  sampler: StatsSampler;
  /** The separate Prometheus listener, when `metricsPort` is set. */
  listener: MetricsListener | null;
  /** GET /api/stats. */
  stats(): StatsDto;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: HubMetrics;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export const metricsPlugin = fp(
  async (app) => {
    const { config, services, broker, live, storage } = app;
    const traffic = new TrafficMeter();
    traffic.attach(broker.aedes);

    const lagForScrape = new LagMonitor();
    const lagForSamples = new LagMonitor();
    const commandRtt = new RollingWindow(HOUR_MS);
    const db = () => ({ sizeBytes: fileSize(storage.file), walBytes: fileSize(`${storage.file}-wal`) });

    const probe =
      config.probeIntervalMs > 0
        ? new SelfProbe(
            broker.aedes,
            {
              intervalMs: config.probeIntervalMs,
              timeoutMs: PROBE_TIMEOUT_MS,
              // Called only once the probe runs, after `prometheus` exists.
              onResult: (qos, ms) => {
                if (ms !== null) prometheus.observeProbeRtt(qos, ms);
              },
            },
            app.log,
          )
        : null;
    const prometheus = createPrometheusMetrics({
      version: HUB_VERSION,
      uptimeS: () => process.uptime(),
      mqttClients: () => broker.clients,
      traffic: (direction) => traffic.rows(direction),
      counters: () => services.counters.snapshot(),
      writer: () => ({ ...services.writer.stats, pending: services.writer.pending }),
      db,
      devices: () => ({
        registered: services.devices.list().length,
        online: services.devices.connectedIds().length,
      }),
      liveClients: () => live.clients,
      probeTotals: () => (probe ? PROBE_QOS.map((qos) => ({ qos, ...probe.totals(qos) })) : []),
      eventLoopLag: () => lagForScrape.read(),
    });

    const offCommand = services.bus.on('command', (c) => {
      if (c.rtt_ms === null || (c.status !== 'ok' && c.status !== 'error')) return;
      commandRtt.add(Date.now(), c.rtt_ms);
      prometheus.observeCommandRtt(c.rtt_ms);
    });

    /** The newest probe result of a QoS, if it is recent enough to chart. */
    const recentProbe = (qos: ProbeQos, now: number): number | null => {
      const latest = probe?.latest(qos);
      if (!latest) return null;
      return now - latest.ts <= config.probeIntervalMs + config.statsIntervalMs ? latest.rttMs : null;
    };
    let batchesSeen = services.writer.stats.batches;
    const sampler = new StatsSampler(config.statsIntervalMs, (since) => {
      const now = Date.now();
      const w = services.writer.stats;
      const wrote = w.batches !== batchesSeen;
      batchesSeen = w.batches;
      const totals = traffic.totals();
      const commands = commandRtt.valuesSince(since).sort((a, b) => a - b);
      const d = db();
      return {
        totals: {
          messagesIn: totals.received,
          messagesOut: totals.sent,
          readings: w.rows,
          dropped: services.counters.get('mqtt_dropped_total'),
        },
        gauges: {
          mqtt_clients: broker.clients,
          devices_online: services.devices.connectedIds().length,
          live_clients: live.clients,
          event_loop_lag_ms: lagForSamples.read()?.p99Ms ?? null,
          db_size_bytes: d.sizeBytes + d.walBytes,
          db_write_ms: wrote ? Math.round(w.lastBatchMs * 1000) / 1000 : null,
          probe_rtt_ms_qos0: recentProbe(0, now),
          probe_rtt_ms_qos1: recentProbe(1, now),
          probe_rtt_ms_qos2: recentProbe(2, now),
          command_rtt_ms: commands[Math.floor((commands.length - 1) / 2)] ?? null,
        },
      };
    });

    const sys =
      config.sysIntervalMs > 0
        ? new SysTopics(
            (topic, payload) => broker.publish(topic, payload, true, 0),
            {
              clients: () => broker.clients,
              messagesReceived: () => traffic.totals().received,
              messagesSent: () => traffic.totals().sent,
              devicesOnline: () => services.devices.connectedIds().length,
              uptimeS: () => process.uptime(),
              probeRttMs: () => probe?.latest(1)?.rttMs ?? null,
            },
            HUB_VERSION,
            config.sysIntervalMs,
            app.log,
          )
        : null;

    const listener =
      config.metricsPort > 0
        ? new MetricsListener(prometheus.render, prometheus.contentType, (err) =>
            app.log.error({ err }, 'collecting metrics failed'),
          )
        : null;

    lagForScrape.start();
    lagForSamples.start();
    await probe?.start();
    sampler.start();
    sys?.start();

    app.decorate('metrics', {
      traffic,
      probe,
      prometheus,
      sampler,
      listener,
      stats(): StatsDto {
        const now = Date.now();
        const c = commandRtt.summary(now);
        const totals = traffic.totals();
        const w = services.writer.stats;
        return {
          now,
          interval_ms: sampler.intervalMs,
          series: sampler.series(),
          probe: probe?.stats() ?? [],
          commands: { count: c.ok, p50_ms: c.p50, p99_ms: c.p99 },
          counters: {
            ...services.counters.snapshot(),
            mqtt_messages_received: totals.received,
            mqtt_messages_sent: totals.sent,
            db_write_batches: w.batches,
            db_write_failures: w.failures,
            db_readings_written: w.rows,
          },
        };
      },
    } satisfies HubMetrics);

    // Listening belongs to start-up, not to building the app (app.listen runs onReady).
    app.addHook('onReady', async () => {
      if (!listener) return;
      const port = await listener.listen(config.metricsPort, config.metricsHost);
      app.log.info({ port, host: config.metricsHost }, 'Prometheus metrics (no credentials) on /metrics');
    });
    app.addHook('preClose', async () => {
      offCommand();
      sys?.stop();
      sampler.stop();
      await probe?.stop();
      traffic.detach();
      lagForScrape.stop();
      lagForSamples.stop();
      await listener?.close();
    });
  },
  {
    name: 'hearth-metrics',
    dependencies: ['hearth-services', 'hearth-broker', 'hearth-realtime', 'hearth-db'],
  },
);
