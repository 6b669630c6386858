/** Rules and their bounded run logs. */
import type { ActionResult, RuleRunDto } from '../../shared/rules.ts';
import type { Db } from './database.ts';

export interface RuleRow {
  id: string;
  kind: string;
  name: string;
  enabled: number;
  /** JSON: the validated rule body without id, enabled and timestamps. */
  definition: string;
  memory: string | null;
  created_at: number;
  updated_at: number;
}

interface RunRow {
  id: number;
  rule_id: string;
  ts: number;
  trigger: string;
  log: string;
  actions: string;
  error: string | null;
}

export interface NewRun {
  ruleId: string;
  ts: number;
  trigger: string;
  log: string[];
  actions: ActionResult[];
  error: string | null;
}

/** Runs kept per rule: enough to answer "why did the heater turn on?" for days. */
export const RUNS_PER_RULE = 200;

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toRun(r: RunRow): RuleRunDto {
  return {
    id: r.id,
    rule_id: r.rule_id,
    ts: r.ts,
    trigger: r.trigger,
    log: parseJson<string[]>(r.log, []),
    actions: parseJson<ActionResult[]>(r.actions, []),
    error: r.error,
  };
}

/** Prepared statements over `rules` and `rule_runs`. */
export function createRuleRepo(db: Db, runsPerRule = RUNS_PER_RULE) {
  const s = {
    all: db.prepare<[], RuleRow>('SELECT * FROM rules ORDER BY created_at, id'),
    get: db.prepare<[string], RuleRow>('SELECT * FROM rules WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO rules (id, kind, name, enabled, definition, memory, created_at, updated_at)
       VALUES (@id, @kind, @name, @enabled, @definition, @memory, @created_at, @updated_at)`,
    ),
    update: db.prepare(
      `UPDATE rules SET kind = @kind, name = @name, enabled = @enabled, definition = @definition,
         memory = NULL, updated_at = @updated_at WHERE id = @id`,
    ),
    enable: db.prepare<[number, number, string]>('UPDATE rules SET enabled = ?, updated_at = ? WHERE id = ?'),
    memory: db.prepare<[string | null, string]>('UPDATE rules SET memory = ? WHERE id = ?'),
    remove: db.prepare<[string]>('DELETE FROM rules WHERE id = ?'),
    insertRun: db.prepare(
      `INSERT INTO rule_runs (rule_id, ts, trigger, log, actions, error)
       VALUES (@ruleId, @ts, @trigger, @log, @actions, @error)`,
    ),
    trimRuns: db.prepare<[string, string, number]>(
      `DELETE FROM rule_runs WHERE rule_id = ? AND id <= (
         SELECT id FROM rule_runs WHERE rule_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    runActions: db.prepare<[string, string | null, number]>(
      'UPDATE rule_runs SET actions = ?, error = coalesce(?, error) WHERE id = ?',
    ),
    runs: db.prepare<[string, number], RunRow>(
      'SELECT * FROM rule_runs WHERE rule_id = ? ORDER BY id DESC LIMIT ?',
    ),
  };

  const insertRunTx = db.transaction((run: NewRun): number => {
    const id = Number(
      s.insertRun.run({
        ...run,
        log: JSON.stringify(run.log),
        actions: JSON.stringify(run.actions),
      }).lastInsertRowid,
    );
    s.trimRuns.run(run.ruleId, run.ruleId, runsPerRule);
    return id;
  });

  return {
    all: (): RuleRow[] => s.all.all(),
    get: (id: string): RuleRow | undefined => s.get.get(id),
    insert: (row: RuleRow): void => {
      s.insert.run(row);
    },
    /** Replaces a rule's definition; its memory starts afresh. */
    update: (row: Omit<RuleRow, 'memory' | 'created_at'>): boolean => s.update.run(row).changes > 0,
    setEnabled: (id: string, enabled: boolean, at: number): boolean =>
      s.enable.run(enabled ? 1 : 0, at, id).changes > 0,
    setMemory: (id: string, json: string | null): void => {
      s.memory.run(json, id);
    },
    /** Deletes a rule and its run log. */
    remove: (id: string): boolean => s.remove.run(id).changes > 0,
    /** Appends a run and drops the oldest beyond the bound; returns the run id. */
    insertRun: (run: NewRun): number => insertRunTx(run),
    /** Records the outcome of actions that finished after the run was logged. */
    updateRun: (id: number, actions: ActionResult[], error: string | null): void => {
      s.runActions.run(JSON.stringify(actions), error, id);
    },
    runs: (ruleId: string, limit: number): RuleRunDto[] => s.runs.all(ruleId, limit).map(toRun),
  };
}

export type RuleRepo = ReturnType<typeof createRuleRepo>;
