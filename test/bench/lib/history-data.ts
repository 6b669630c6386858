/**
 * A year of 10-second readings for one series (3.15 M rows), written straight
 * into a hub database: opened with the hub's own openDatabase (so the schema
 * and migrations are the real ones), raw readings in large transactions, and
 * the 1-minute and 1-hour rollups aggregated in the same pass (the data are
 * generated in time order, so one running aggregate per tier suffices).
 *
 * The file is cached under test/bench/results/cache, keyed by the schema version
 * and the generator's own version: a rerun skips the ~20 s of generation, and
 * a new migration makes a fresh one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMigrations, openDatabase } from '../../../server/db/database.ts';
import { ROLLUP_TIERS } from '../../../server/db/tiers.ts';
import { hashSecret, newSecret } from '../../../server/domain/secrets.ts';

/** Bump when the generated data change shape, so stale caches are not reused. */
const GENERATOR_VERSION = 1;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface HistoryMeta {
  generator: number;
  schema: number;
  days: number;
  stepMs: number;
  start: number;
  end: number;
  deviceId: string;
  metric: string;
  seriesId: number;
  readings: number;
  generateMs: number;
}

function isMeta(v: unknown): v is HistoryMeta {
  const m = v as Partial<HistoryMeta> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.start === 'number' &&
    typeof m.end === 'number' &&
    typeof m.seriesId === 'number' &&
    typeof m.deviceId === 'string' &&
    typeof m.readings === 'number'
  );
}

/** A deterministic indoor temperature: daily swing, seasonal drift, a little noise. */
function valueAt(ts: number, noise: () => number): number {
  const day = Math.sin((2 * Math.PI * (ts % DAY_MS)) / DAY_MS);
  const season = Math.sin((2 * Math.PI * ts) / (365 * DAY_MS));
  return Math.round((20 + 2.5 * day + 1.5 * season + noise()) * 100) / 100;
}

interface Agg {
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
}

async function generate(
  file: string,
  days: number,
  stepMs: number,
): Promise<Omit<HistoryMeta, 'generateMs'>> {
  const db = openDatabase(file);
  // A scratch file being built: durability would only cost time.
  db.pragma('synchronous = OFF');
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const start = end - days * DAY_MS;
  const deviceId = 'bench-history';
  const metric = 'temperature';
  db.prepare('INSERT INTO devices (id, name, room, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
    deviceId,
    'History bench thermometer',
    'Bench',
    await hashSecret(newSecret()),
    start,
  );
  const seriesId = Number(
    db.prepare('INSERT INTO series (device_id, metric) VALUES (?, ?)').run(deviceId, metric).lastInsertRowid,
  );
  const insert = db.prepare<[number, number, number]>(
    'INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)',
  );
  const rollup = (table: string) =>
    db.prepare<[number, number, number, number, number, number, number, number]>(
      `INSERT INTO ${table} (series_id, bucket, min, max, sum, count, last, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  const tiers = ROLLUP_TIERS.map((t) => ({ ms: t.ms, insert: rollup(t.table), agg: null as Agg | null }));
  let seed = 0x9e3779b9;
  const noise = (): number => {
    // xorshift32: reproducible, so every generated year is the same year.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 2 ** 32 - 0.5) * 0.2;
  };
  let readings = 0;
  let last = { ts: start, value: 0 };
  const writeDay = db.transaction((from: number, to: number) => {
    for (let ts = from; ts < to; ts += stepMs) {
      const value = valueAt(ts, noise);
      insert.run(seriesId, ts, value);
      readings++;
      last = { ts, value };
      for (const tier of tiers) {
        const bucket = ts - (ts % tier.ms);
        const a = tier.agg;
        if (a && a.bucket === bucket) {
          if (value < a.min) a.min = value;
          if (value > a.max) a.max = value;
          a.sum += value;
          a.count++;
          a.last = value;
          a.lastTs = ts;
          continue;
        }
        if (a) tier.insert.run(seriesId, a.bucket, a.min, a.max, a.sum, a.count, a.last, a.lastTs);
        tier.agg = { bucket, min: value, max: value, sum: value, count: 1, last: value, lastTs: ts };
      }
    }
  });
  for (let day = start; day < end; day += DAY_MS) writeDay(day, Math.min(end, day + DAY_MS));
  db.transaction(() => {
    for (const { insert: ins, agg: a } of tiers) {
      if (a) ins.run(seriesId, a.bucket, a.min, a.max, a.sum, a.count, a.last, a.lastTs);
    }
    db.prepare('UPDATE series SET last_value = ?, last_ts = ? WHERE id = ?').run(
      last.value,
      last.ts,
      seriesId,
    );
    db.prepare('UPDATE devices SET last_seen = ? WHERE id = ?').run(last.ts, deviceId);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const schema = loadMigrations().at(-1)?.version ?? 0;
  return {
    generator: GENERATOR_VERSION,
    schema,
    days,
    stepMs,
    start,
    end,
    deviceId,
    metric,
    seriesId,
    readings,
  };
}

/**
 * The generated database for `days` of `stepS`-second readings: from the
 * cache when `cacheDir` is given and holds it, otherwise generated (into the
 * cache, or into `scratchDir`).
 */
export async function historyDatabase(
  days: number,
  stepS: number,
  cacheDir: string | null,
  scratchDir: string,
): Promise<{ file: string; meta: HistoryMeta; cached: boolean }> {
  const schema = loadMigrations().at(-1)?.version ?? 0;
  const key = `history-schema${schema}-gen${GENERATOR_VERSION}-${days}d-${stepS}s`;
  const dir = cacheDir ?? scratchDir;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${key}.sqlite`);
  const metaFile = join(dir, `${key}.json`);
  if (cacheDir && existsSync(file) && existsSync(metaFile)) {
    const meta: unknown = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (isMeta(meta)) return { file, meta, cached: true };
  }
  // Built under a temporary name and renamed: an interrupted run never leaves a half cache.
  const tmp = join(dir, `${key}.partial-${process.pid}.sqlite`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const t0 = performance.now();
  try {
    const meta = {
      ...(await generate(tmp, days, stepS * 1000)),
      generateMs: Math.round(performance.now() - t0),
    };
    renameSync(tmp, file);
    writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
    return { file, meta, cached: false };
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}
