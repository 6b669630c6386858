/**
 * Telemetry: accepts validated readings, stamps and maps them to series, hands
 * them to the group-commit writer, and publishes them on the bus once stored.
 * Also answers history queries.
 */
import { type HistoryDto, type HistoryQuery, MAX_HISTORY_POINTS } from '../../shared/api.ts';
import { MAX_FUTURE_SKEW_MS, type Telemetry } from '../../shared/wire.ts';
import type { DeviceRepo } from '../db/device-repo.ts';
import type { ReadingRepo } from '../db/reading-repo.ts';
import type { PendingMessage, ReadingWriter } from '../db/reading-writer.ts';
import type { Counters, DropReason } from './counters.ts';
import type { DeviceService } from './device-service.ts';
import { HearthError } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock } from './logger.ts';
import type { PresenceService } from './presence-service.ts';

/** History ranges longer than this are refused (nonsense input). */
const MAX_RANGE_MS = 20 * 366 * 24 * 3600 * 1000;

export interface TelemetryServiceDeps {
  repo: DeviceRepo;
  readings: ReadingRepo;
  devices: DeviceService;
  presence: PresenceService;
  bus: EventBus;
  clock: Clock;
  counters: Counters;
  /** Built by the composition root around the same `committed` callback. */
  writer: ReadingWriter;
}

export type IngestResult = { ok: true } | { ok: false; reason: DropReason; detail: string };

export function createTelemetryService(deps: TelemetryServiceDeps) {
  const { repo, readings, devices, presence, bus, clock, counters, writer } = deps;
  /** `${deviceId}\0${metric}` → series id. */
  const seriesIds = new Map<string, number>();
  /** Last hub-assigned timestamp per device, so two readings in one ms never collide. */
  const lastStamp = new Map<string, number>();

  function seriesId(deviceId: string, metric: string): number {
    const key = `${deviceId}\u0000${metric}`;
    let id = seriesIds.get(key);
    if (id === undefined) {
      id = repo.ensureSeries(deviceId, metric);
      seriesIds.set(key, id);
    }
    return id;
  }

  return {
    start(): void {
      for (const s of repo.allSeries()) seriesIds.set(`${s.device_id}\u0000${s.metric}`, s.id);
    },

    stop(): void {
      writer.stop();
    },

    /**
     * Accepts one telemetry message from an authenticated device. `done`, when
     * given, runs after the readings are committed (durable QoS 1 ack).
     */
    ingest(deviceId: string, t: Telemetry, done?: (err?: Error) => void): IngestResult {
      if (!devices.exists(deviceId)) {
        return { ok: false, reason: 'acl_denied', detail: 'device is not registered' };
      }
      const now = clock();
      let ts: number;
      if (t.ts !== undefined) {
        if (t.ts > now + MAX_FUTURE_SKEW_MS) {
          return { ok: false, reason: 'bad_timestamp', detail: `ts ${t.ts} is in the future` };
        }
        ts = t.ts;
      } else {
        const last = lastStamp.get(deviceId) ?? 0;
        ts = now > last ? now : last + 1;
        lastStamp.set(deviceId, ts);
      }
      const declared = devices.declaredMetrics(deviceId);
      const values: Record<string, number> = {};
      const series: number[] = [];
      for (const key of Object.keys(t)) {
        if (key === 'ts') continue;
        if (declared && !declared.has(key)) {
          return {
            ok: false,
            reason: 'unknown_metric',
            detail: `metric "${key}" is not in the device's description`,
          };
        }
        values[key] = t[key] as number;
        series.push(seriesId(deviceId, key));
      }
      if (series.length === 0) {
        return { ok: false, reason: 'invalid_payload', detail: 'no metric in telemetry' };
      }
      counters.inc('readings_received', series.length);
      writer.enqueue({ deviceId, ts, values, series, done });
      return { ok: true };
    },

    /** Called by the writer after each commit. */
    committed(batch: PendingMessage[]): void {
      for (const m of batch) {
        devices.noteReadings(m.deviceId, m.ts, m.values);
        presence.activity(m.deviceId);
        bus.emit('telemetry', { deviceId: m.deviceId, ts: m.ts, values: m.values });
      }
    },

    /** Readings of one metric over a range, in at most `points` points. */
    history(deviceId: string, q: HistoryQuery): HistoryDto {
      const device = devices.get(deviceId);
      if (q.to <= q.from) {
        throw new HearthError('invalid_input', '"to" must be later than "from"');
      }
      if (q.to - q.from > MAX_RANGE_MS) {
        throw new HearthError('invalid_input', 'the range may span at most 20 years');
      }
      const points = Math.min(q.points ?? 500, MAX_HISTORY_POINTS);
      const spec = device.description?.metrics.find((m) => m.name === q.metric);
      const id = seriesIds.get(`${deviceId}\u0000${q.metric}`);
      if (id === undefined && !spec) {
        throw new HearthError('not_found', `device "${deviceId}" has no metric "${q.metric}"`);
      }
      // Readings still waiting in the batch are not visible yet; write them first.
      if (writer.pending > 0) writer.flush();
      const b =
        id === undefined
          ? { source: 'raw', bucketMs: null, ts: [], value: [], min: [], max: [], count: [] }
          : readings.bucketed(id, q.from, q.to, points);
      return {
        device_id: deviceId,
        metric: q.metric,
        unit: spec?.unit ?? null,
        from: q.from,
        to: q.to,
        source: b.source,
        bucket_ms: b.bucketMs,
        ts: b.ts,
        value: b.value,
        min: b.min,
        max: b.max,
        count: b.count,
      };
    },

    /** Forgets cached series of a removed device. */
    forgetDevice(deviceId: string): void {
      writer.flush();
      for (const key of seriesIds.keys()) {
        if (key.startsWith(`${deviceId}\u0000`)) seriesIds.delete(key);
      }
      lastStamp.delete(deviceId);
    },
  };
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;
