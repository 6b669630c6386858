/** The command log: every rpc the hub sent, who sent it and how it ended. */
import type { CommandDto, CommandStatus } from '../../shared/api.ts';
import type { Db } from './database.ts';

interface CommandRow {
  id: string;
  device_id: string;
  method: string;
  params: string;
  actor: string;
  status: CommandStatus;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  finished_at: number | null;
  rtt_ms: number | null;
}

function toDto(r: CommandRow): CommandDto {
  const dto: CommandDto = {
    id: r.id,
    device_id: r.device_id,
    method: r.method,
    params: JSON.parse(r.params) as Record<string, unknown>,
    actor: r.actor,
    status: r.status,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    created_at: r.created_at,
    finished_at: r.finished_at,
    rtt_ms: r.rtt_ms,
  };
  if (r.result !== null) dto.result = JSON.parse(r.result);
  return dto;
}

export function createCommandRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO commands (id, device_id, method, params, actor, status, created_at)
     VALUES (@id, @device_id, @method, @params, @actor, @status, @created_at)`,
  );
  const finish = db.prepare(
    `UPDATE commands SET status = @status, result = @result, error_code = @error_code,
       error_message = @error_message, finished_at = @finished_at, rtt_ms = @rtt_ms
     WHERE id = @id`,
  );
  const byDevice = db.prepare<[string, number], CommandRow>(
    'SELECT * FROM commands WHERE device_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
  );
  const get = db.prepare<[string], CommandRow>('SELECT * FROM commands WHERE id = ?');
  const removeDevice = db.prepare<[string]>('DELETE FROM commands WHERE device_id = ?');

  return {
    insert(c: CommandDto): void {
      insert.run({ ...c, params: JSON.stringify(c.params) });
    },
    finish(c: CommandDto): void {
      finish.run({
        id: c.id,
        status: c.status,
        result: c.result === undefined ? null : JSON.stringify(c.result),
        error_code: c.error?.code ?? null,
        error_message: c.error?.message ?? null,
        finished_at: c.finished_at,
        rtt_ms: c.rtt_ms,
      });
    },
    get: (id: string): CommandDto | undefined => {
      const row = get.get(id);
      return row ? toDto(row) : undefined;
    },
    listByDevice: (deviceId: string, limit: number): CommandDto[] => byDevice.all(deviceId, limit).map(toDto),
    removeDevice: (deviceId: string): void => {
      removeDevice.run(deviceId);
    },
  };
}

export type CommandRepo = ReturnType<typeof createCommandRepo>;
