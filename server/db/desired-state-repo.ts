/** Desired state per (device, property). The reported side is the device's `state`. */
import type { DesiredPolicy, DesiredStatus } from '../../shared/desired-state.ts';
import type { Db } from './database.ts';

export interface DesiredRow {
  device_id: string;
  property: string;
  /** JSON scalar. */
  value: string;
  version: number;
  status: DesiredStatus;
  policy: DesiredPolicy;
  expires_at: number | null;
  actor: string;
  updated_at: number;
  applied_at: number | null;
  error: string | null;
  command_id: string | null;
}

/** Prepared statements over `desired_state`. */
export function createDesiredStateRepo(db: Db) {
  const s = {
    get: db.prepare<[string, string], DesiredRow>(
      'SELECT * FROM desired_state WHERE device_id = ? AND property = ?',
    ),
    byDevice: db.prepare<[string], DesiredRow>(
      'SELECT * FROM desired_state WHERE device_id = ? ORDER BY property',
    ),
    pendingDue: db.prepare<[number], DesiredRow>(
      "SELECT * FROM desired_state WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?",
    ),
    upsert: db.prepare(
      `INSERT INTO desired_state (device_id, property, value, version, status, policy, expires_at,
         actor, updated_at, applied_at, error, command_id)
       VALUES (@device_id, @property, @value, @version, @status, @policy, @expires_at,
         @actor, @updated_at, @applied_at, @error, @command_id)
       ON CONFLICT (device_id, property) DO UPDATE SET value = excluded.value,
         version = excluded.version, status = excluded.status, policy = excluded.policy,
         expires_at = excluded.expires_at, actor = excluded.actor, updated_at = excluded.updated_at,
         applied_at = excluded.applied_at, error = excluded.error, command_id = excluded.command_id`,
    ),
    remove: db.prepare<[string, string]>('DELETE FROM desired_state WHERE device_id = ? AND property = ?'),
  };
  return {
    get: (deviceId: string, property: string): DesiredRow | undefined => s.get.get(deviceId, property),
    byDevice: (deviceId: string): DesiredRow[] => s.byDevice.all(deviceId),
    /** Pending values whose time to wait is up. */
    pendingDue: (now: number): DesiredRow[] => s.pendingDue.all(now),
    save: (row: DesiredRow): void => {
      s.upsert.run(row);
    },
    remove: (deviceId: string, property: string): boolean => s.remove.run(deviceId, property).changes > 0,
  };
}

export type DesiredStateRepo = ReturnType<typeof createDesiredStateRepo>;
