/**
 * Rules as data: create, replace, enable, disable, delete, each validated
 * with the schema the dashboard editor uses (shared/rules.ts), stored in
 * SQLite and cached in memory for the runner, which listens for changes.
 */
import { parseRule, ruleDeviceIds, ruleProblems } from '../../../shared/rule-validation.ts';
import type { RuleBody, RuleDto, RuleRunDto } from '../../../shared/rules.ts';
import type { RuleRepo, RuleRow } from '../../db/rule-repo.ts';
import type { AlertService } from '../alert-service.ts';
import type { DeviceService } from '../device-service.ts';
import { HearthError, notFound } from '../errors.ts';
import type { Clock, Logger } from '../logger.ts';
import { randomId } from '../secrets.ts';
import type { RuleMemory } from './rule-types.ts';

export interface RuleServiceDeps {
  repo: RuleRepo;
  devices: DeviceService;
  alerts: AlertService;
  clock: Clock;
  log: Logger;
}

/** What the runner hears: a rule was added, replaced, switched, or removed (`null`). */
export type RuleChange = (id: string, rule: RuleDto | null) => void;

function definitionOf(body: RuleBody): Omit<RuleBody, 'enabled'> {
  const { enabled: _enabled, ...definition } = body;
  return definition;
}

/** Builds the rule store; start() loads the stored rules. */
export function createRuleService({ repo, devices, alerts, clock, log }: RuleServiceDeps) {
  const rules = new Map<string, RuleDto>();
  const listeners: RuleChange[] = [];

  function fromRow(row: RuleRow): RuleDto | null {
    let definition: unknown;
    try {
      definition = JSON.parse(row.definition);
    } catch {
      definition = null;
    }
    const parsed = parseRule(definition);
    if (!parsed.ok) {
      // A rule this version cannot read is left in the database untouched, not run.
      log.warn({ rule_id: row.id, problems: parsed.errors }, 'stored rule is invalid; it will not run');
      return null;
    }
    return {
      id: row.id,
      ...parsed.value,
      enabled: row.enabled === 1,
      created_at: row.created_at,
      updated_at: row.updated_at,
    } as RuleDto;
  }

  function require(id: string): RuleDto {
    const r = rules.get(id);
    if (!r) throw notFound(`rule "${id}"`);
    return r;
  }

  function validate(body: unknown): RuleBody {
    const problems = ruleProblems(body);
    if (problems.length > 0) throw new HearthError('invalid_input', problems.slice(0, 5).join('; '));
    const rule = body as RuleBody;
    const unknown = ruleDeviceIds(rule).filter((id) => !devices.exists(id));
    if (unknown.length > 0) {
      throw new HearthError(
        'invalid_input',
        `unknown device${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      );
    }
    return rule;
  }

  function changed(id: string, rule: RuleDto | null): void {
    for (const l of listeners) l(id, rule);
  }

  function reload(id: string): RuleDto {
    const row = repo.get(id);
    const rule = row ? fromRow(row) : null;
    if (!rule) throw new HearthError('unavailable', `rule "${id}" could not be read back`);
    rules.set(id, rule);
    return rule;
  }

  return {
    /** Loads every stored rule. */
    start(): void {
      rules.clear();
      for (const row of repo.all()) {
        const rule = fromRow(row);
        if (rule) rules.set(rule.id, rule);
      }
    },

    onChange(listener: RuleChange): () => void {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },

    list: (): RuleDto[] => [...rules.values()],
    get: (id: string): RuleDto => require(id),

    /** Memory stored with the rule at the last run (or {}). */
    storedMemory(id: string): RuleMemory {
      const json = repo.get(id)?.memory;
      if (!json) return {};
      try {
        const m: unknown = JSON.parse(json);
        return typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as RuleMemory) : {};
      } catch {
        return {};
      }
    },

    saveMemory(id: string, memory: RuleMemory): void {
      if (rules.has(id)) repo.setMemory(id, JSON.stringify(memory));
    },

    create(body: unknown): RuleDto {
      const rule = validate(body);
      const now = clock();
      const id = randomId('r', 10);
      repo.insert({
        id,
        kind: rule.kind,
        name: rule.name,
        enabled: rule.enabled === false ? 0 : 1,
        definition: JSON.stringify(definitionOf(rule)),
        memory: null,
        created_at: now,
        updated_at: now,
      });
      const created = reload(id);
      changed(id, created);
      return created;
    },

    /** Replaces a rule's definition (its memory starts afresh; its alerts stay until it clears them). */
    update(id: string, body: unknown): RuleDto {
      const before = require(id);
      const rule = validate(body);
      const enabled = rule.enabled ?? before.enabled;
      repo.update({
        id,
        kind: rule.kind,
        name: rule.name,
        enabled: enabled ? 1 : 0,
        definition: JSON.stringify(definitionOf(rule)),
        updated_at: clock(),
      });
      if (!enabled) alerts.clearRule(id, 'the rule was disabled');
      const updated = reload(id);
      changed(id, updated);
      return updated;
    },

    /** Enables or disables; a disabled rule's alerts clear. */
    setEnabled(id: string, enabled: boolean): RuleDto {
      const before = require(id);
      if (before.enabled === enabled) return before;
      repo.setEnabled(id, enabled, clock());
      if (!enabled) alerts.clearRule(id, 'the rule was disabled');
      const updated = reload(id);
      changed(id, updated);
      return updated;
    },

    /** Deletes a rule and its run log; its active alerts clear (and stay in the history). */
    remove(id: string): void {
      require(id);
      alerts.clearRule(id, 'the rule was deleted');
      repo.remove(id);
      rules.delete(id);
      changed(id, null);
    },

    runs(id: string, limit: number): RuleRunDto[] {
      require(id);
      return repo.runs(id, limit);
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
