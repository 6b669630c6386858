/** Retention overrides per device (metric `*`) or per device and metric. */
import type { Db } from './database.ts';

export interface RetentionDays {
  /** Days to keep; 0 keeps forever; null falls back to the next level (device, then the hub default). */
  raw_days: number | null;
  minute_days: number | null;
  hour_days: number | null;
}

export interface RetentionRow extends RetentionDays {
  device_id: string;
  metric: string;
}

export function createRetentionRepo(db: Db) {
  const all = db.prepare<[], RetentionRow>('SELECT * FROM retention');
  const ofDevice = db.prepare<[string], RetentionRow>(
    'SELECT * FROM retention WHERE device_id = ? ORDER BY metric',
  );
  const put = db.prepare(
    `INSERT INTO retention (device_id, metric, raw_days, minute_days, hour_days)
     VALUES (@device_id, @metric, @raw_days, @minute_days, @hour_days)
     ON CONFLICT (device_id, metric) DO UPDATE SET raw_days = excluded.raw_days,
       minute_days = excluded.minute_days, hour_days = excluded.hour_days`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM retention WHERE device_id = ? AND metric = ?');
  return {
    all: (): RetentionRow[] => all.all(),
    ofDevice: (deviceId: string): RetentionRow[] => ofDevice.all(deviceId),
    put: (row: RetentionRow): void => {
      put.run(row);
    },
    remove: (deviceId: string, metric: string): boolean => remove.run(deviceId, metric).changes > 0,
  };
}

export type RetentionRepo = ReturnType<typeof createRetentionRepo>;
