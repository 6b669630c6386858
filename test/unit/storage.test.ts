import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseTooNewError,
  type Db,
  loadMigrations,
  migrate,
  openDatabase,
} from '../../server/db/database.ts';
import { createDeviceRepo } from '../../server/db/device-repo.ts';
import { createReadingRepo } from '../../server/db/reading-repo.ts';
import { type PendingMessage, ReadingWriter } from '../../server/db/reading-writer.ts';
import { silentLogger } from '../../server/domain/logger.ts';
import { tempDir } from '../helpers/hub.ts';

describe('storage', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir, 'hearth.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function seed(): number {
    const repo = createDeviceRepo(db);
    repo.insert({ id: 'dev', name: 'Dev', room: null, secretHash: 'x', createdAt: 1 });
    return repo.ensureSeries('dev', 'temperature');
  }

  it('runs in WAL mode at the latest schema version, and migrating again changes nothing', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const latest = loadMigrations().at(-1)?.version;
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    expect(migrate(db)).toBe(latest);
  });

  it('refuses a database from a newer Hearth instead of touching it', () => {
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(DatabaseTooNewError);
  });

  it('writes a batch in one transaction and acknowledges after the commit', () => {
    const series = seed();
    const committed: PendingMessage[][] = [];
    const writer = new ReadingWriter(db, { flushMs: 1000, batchMax: 10_000 }, silentLogger, (b) =>
      committed.push(b),
    );
    const acks: (Error | undefined)[] = [];
    for (let i = 0; i < 100; i++) {
      writer.enqueue({
        deviceId: 'dev',
        ts: 1000 + i,
        values: { temperature: i },
        series: [series],
        done: (e) => acks.push(e),
      });
    }
    expect(acks).toHaveLength(0);
    expect(writer.pending).toBe(100);
    writer.flush();
    expect(acks).toHaveLength(100);
    expect(acks.every((a) => a === undefined)).toBe(true);
    expect(committed).toHaveLength(1);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 100 });
    expect(db.prepare('SELECT last_value, last_ts FROM series').get()).toEqual({
      last_value: 99,
      last_ts: 1099,
    });
    expect(writer.stats).toMatchObject({ batches: 1, rows: 100, messages: 100 });
    writer.stop();
  });

  it('fails every reading of a batch that cannot be written, and stores none of it', () => {
    const series = seed();
    const writer = new ReadingWriter(db, { flushMs: 1000, batchMax: 10_000 }, silentLogger, () => {});
    const acks: (Error | undefined)[] = [];
    writer.enqueue({
      deviceId: 'dev',
      ts: 1,
      values: { temperature: 1 },
      series: [series],
      done: (e) => acks.push(e),
    });
    // NOT NULL violation inside the transaction: the whole batch rolls back.
    writer.enqueue({
      deviceId: 'dev',
      ts: 2,
      values: { temperature: null as unknown as number },
      series: [series],
      done: (e) => acks.push(e),
    });
    writer.flush();
    expect(acks).toHaveLength(2);
    expect(acks.every((a) => a instanceof Error)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 0 });
    expect(writer.stats.failures).toBe(1);
  });

  it('flushes by itself when the batch is full or old enough', async () => {
    const series = seed();
    const writer = new ReadingWriter(db, { flushMs: 5, batchMax: 3 }, silentLogger, () => {});
    const done = new Promise<void>((resolve) => {
      writer.enqueue({
        deviceId: 'dev',
        ts: 1,
        values: { temperature: 1 },
        series: [series],
        done: () => resolve(),
      });
    });
    await done;
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 1 });
    writer.stop();
    const refused = await new Promise<Error | undefined>((resolve) =>
      writer.enqueue({ deviceId: 'dev', ts: 2, values: { temperature: 2 }, series: [series], done: resolve }),
    );
    expect(refused).toBeInstanceOf(Error);
  });

  it('buckets history and never returns more points than asked, keeping spikes', () => {
    const series = seed();
    const writer = new ReadingWriter(db, { flushMs: 1000, batchMax: 100_000 }, silentLogger, () => {});
    for (let i = 0; i < 10_000; i++) {
      const value = i === 5000 ? 99 : 20;
      writer.enqueue({
        deviceId: 'dev',
        ts: i * 10,
        values: { temperature: value },
        series: [series],
        done: undefined,
      });
    }
    writer.stop();
    const readings = createReadingRepo(db);
    const raw = readings.bucketed(series, 0, 1000, 500);
    expect(raw.bucketMs).toBeNull();
    expect(raw.ts).toHaveLength(100);
    expect(raw.ts[1]).toBe(10);

    // Few points group in SQLite (dense), many merge in JS (sparse): both agree with SQL.
    const reference = db.prepare(
      `SELECT count(*) AS n, min(value) AS lo, max(value) AS hi, min(ts) AS t0
         FROM readings WHERE series_id = ? GROUP BY CAST(ts / ? AS INTEGER) ORDER BY min(ts)`,
    );
    for (const points of [2, 7, 100, 999, 1250, 2000, 5000]) {
      const b = readings.bucketed(series, 0, 100_000, points);
      expect(b.source).toBe('raw');
      const w = Math.ceil(100_000 / points);
      const ref = reference.all(series, w) as { n: number; lo: number; hi: number; t0: number }[];
      expect(b.count).toEqual(ref.map((r) => r.n));
      expect(b.min).toEqual(ref.map((r) => r.lo));
      expect(b.max).toEqual(ref.map((r) => r.hi));
      expect(b.ts).toEqual(ref.map((r, i) => (r.n === 1 ? r.t0 : i * w)));
      expect(b.bucketMs).toBe(ref.some((r) => r.n > 1) ? w : null);
      expect(b.ts.length).toBeLessThanOrEqual(points);
      expect(b.count.reduce((a, c) => a + c, 0)).toBe(10_000);
      expect(Math.max(...b.max)).toBe(99);
      expect(Math.min(...b.min)).toBe(20);
    }
    // One point of 100 s is past a minute: the 1-minute rollups answer.
    const one = readings.bucketed(series, 0, 100_000, 1);
    expect(one.source).toBe('1m');
    expect(one.count).toEqual([10_000]);
    expect(one.max).toEqual([99]);
    const empty = readings.bucketed(series, 200_000, 300_000, 10);
    expect(empty.ts).toHaveLength(0);
  });

  it('maintains 1-minute and 1-hour rollups as readings commit, counting a redelivered reading once', () => {
    const series = seed();
    const writer = new ReadingWriter(db, { flushMs: 1000, batchMax: 100_000 }, silentLogger, () => {});
    const hour = 3_600_000;
    // Two hours of 10-second readings, 0..719, split over several batches.
    for (let i = 0; i < 720; i++) {
      writer.enqueue({
        deviceId: 'dev',
        ts: hour * 10 + i * 10_000,
        values: { temperature: i },
        series: [series],
        done: undefined,
      });
      if (i % 100 === 0) writer.flush();
    }
    // A QoS 1 redelivery of reading 5 with the same ts.
    writer.enqueue({
      deviceId: 'dev',
      ts: hour * 10 + 50_000,
      values: { temperature: 5 },
      series: [series],
      done: undefined,
    });
    writer.flush();
    const minute = db.prepare('SELECT * FROM rollup_1m WHERE bucket = ?').get(hour * 10) as Record<
      string,
      number
    >;
    expect(minute).toMatchObject({ min: 0, max: 5, sum: 15, count: 6, last: 5, last_ts: hour * 10 + 50_000 });
    const hours = db.prepare('SELECT bucket, min, max, count, last FROM rollup_1h ORDER BY bucket').all();
    expect(hours).toEqual([
      { bucket: hour * 10, min: 0, max: 359, count: 360, last: 359 },
      { bucket: hour * 11, min: 360, max: 719, count: 360, last: 719 },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 720 });
    expect(db.prepare('SELECT count(*) AS n, sum(count) AS c, max(max) AS hi FROM rollup_10m').get()).toEqual(
      {
        n: 12,
        c: 720,
        hi: 719,
      },
    );
    expect(db.prepare('SELECT bucket, count, min, last FROM rollup_6h').all()).toEqual([
      { bucket: 6 * hour, count: 720, min: 0, last: 719 },
    ]);

    const readings = createReadingRepo(db);
    const raw = readings.bucketed(series, hour * 10, hour * 10 + 600_000, 500);
    expect(raw.source).toBe('raw');
    const byMinute = readings.bucketed(series, hour * 10, hour * 12, 100);
    expect(byMinute.source).toBe('1m');
    expect(byMinute.bucketMs).toBe(120_000);
    expect(byMinute.ts).toHaveLength(60);
    expect(byMinute.count.reduce((a, c) => a + c, 0)).toBe(720);
    expect(byMinute.min[0]).toBe(0);
    expect(byMinute.max.at(-1)).toBe(719);
    const byHour = readings.bucketed(series, 0, hour * 24, 24);
    expect(byHour.source).toBe('1h');
    expect(byHour.ts).toEqual([hour * 10, hour * 11]);
    expect(byHour.value[0]).toBeCloseTo(179.5);
    // Several tier rows merge into each point exactly as the raw readings would.
    const from = hour * 10 + 1_800_000;
    const merged = readings.bucketed(series, from, hour * 12, 30);
    expect(merged.source).toBe('1m');
    expect(merged.bucketMs).toBe(180_000);
    const reference = db
      .prepare(
        `SELECT CAST((ts - ?) / 180000 AS INTEGER) AS k, count(*) AS n, avg(value) AS avg, min(value) AS lo, max(value) AS hi
           FROM readings WHERE ts >= ? AND ts < ? GROUP BY k ORDER BY k`,
      )
      .all(from, from, hour * 12) as { k: number; n: number; avg: number; lo: number; hi: number }[];
    expect(reference).toHaveLength(30);
    expect(merged.ts).toEqual(reference.map((r) => from + r.k * 180_000));
    expect(merged.count).toEqual(reference.map((r) => r.n));
    expect(merged.min).toEqual(reference.map((r) => r.lo));
    expect(merged.max).toEqual(reference.map((r) => r.hi));
    for (const [i, v] of merged.value.entries()) expect(v).toBeCloseTo(reference[i]?.avg ?? Number.NaN);
    writer.stop();
  });

  it('deletes the readings of a removed device in the background, chunk by chunk', () => {
    const series = seed();
    const insert = db.prepare('INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 2500; i++) insert.run(series, i, 1);
    })();
    const repo = createDeviceRepo(db);
    expect(repo.remove('dev')).toBe(true);
    const readings = createReadingRepo(db);
    const chunks: number[] = [];
    for (let n = readings.sweepOrphans(1000); n > 0; n = readings.sweepOrphans(1000)) chunks.push(n);
    expect(chunks.slice(0, 3)).toEqual([1000, 1000, 500]);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(1000);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM series_orphans').get()).toEqual({ n: 0 });
    // A device added again under the same id starts with a fresh series.
    repo.insert({ id: 'dev', name: 'Dev', room: null, secretHash: 'x', createdAt: 2 });
    expect(repo.ensureSeries('dev', 'temperature')).not.toBe(series);
  });
});

describe('migrations', () => {
  it('are numbered 1..N without gaps or repeats', () => {
    const all = loadMigrations();
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
  });

  it('refuse a directory with a gap', () => {
    const dir = tempDir('hearth-migrations-');
    writeFileSync(join(dir, '001-a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '003-c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/expected version 2/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leave a database another connection migrated as it is', () => {
    const dir = tempDir('hearth-migrations-');
    const file = join(dir, 'hearth.sqlite');
    const a = new Database(file);
    const b = new Database(file);
    a.pragma('journal_mode = WAL');
    migrate(a);
    expect(() => migrate(b)).not.toThrow();
    expect(b.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
