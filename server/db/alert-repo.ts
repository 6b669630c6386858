/** Alerts: raised, cleared, acknowledged; kept across restarts. */
import type { AlertDto, AlertSeverity, AlertStatus } from '../../shared/alerts.ts';
import type { Db } from './database.ts';

/** Cleared alerts kept as history; older ones are deleted as new ones clear. */
export const CLEARED_ALERTS_KEPT = 5000;

export interface NewAlert {
  rule_id: string;
  key: string;
  device_id: string | null;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  raised_at: number;
}

/** Prepared statements over `alerts`. */
export function createAlertRepo(db: Db) {
  const s = {
    insert: db.prepare(
      `INSERT INTO alerts (rule_id, key, device_id, severity, message, value, status, raised_at)
       VALUES (@rule_id, @key, @device_id, @severity, @message, @value, 'active', @raised_at)`,
    ),
    get: db.prepare<[number], AlertDto>('SELECT * FROM alerts WHERE id = ?'),
    active: db.prepare<[], AlertDto>("SELECT * FROM alerts WHERE status = 'active' ORDER BY id"),
    list: db.prepare<[number], AlertDto>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?'),
    listStatus: db.prepare<[AlertStatus, number], AlertDto>(
      'SELECT * FROM alerts WHERE status = ? ORDER BY id DESC LIMIT ?',
    ),
    clear: db.prepare<[number, string, number]>(
      "UPDATE alerts SET status = 'cleared', cleared_at = ?, clear_reason = ? WHERE id = ? AND status = 'active'",
    ),
    ack: db.prepare<[number, string | null, number]>(
      'UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
    ),
    prune: db.prepare<[number]>(
      `DELETE FROM alerts WHERE status = 'cleared' AND id <= (
         SELECT id FROM alerts WHERE status = 'cleared' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
  };

  return {
    /** Inserts an active alert and returns it. */
    insert(a: NewAlert): AlertDto {
      const id = Number(s.insert.run(a).lastInsertRowid);
      return s.get.get(id) as AlertDto;
    },
    get: (id: number): AlertDto | undefined => s.get.get(id),
    active: (): AlertDto[] => s.active.all(),
    list: (status: AlertStatus | 'all', limit: number): AlertDto[] =>
      status === 'all' ? s.list.all(limit) : s.listStatus.all(status, limit),
    /** Clears an active alert; false when it was not active. */
    clear(id: number, at: number, reason: string): boolean {
      const changed = s.clear.run(at, reason, id).changes > 0;
      if (changed) s.prune.run(CLEARED_ALERTS_KEPT);
      return changed;
    },
    /** Acknowledges once; false when it already was. */
    ack: (id: number, at: number, by: string | null): boolean => s.ack.run(at, by, id).changes > 0,
  };
}

export type AlertRepo = ReturnType<typeof createAlertRepo>;
