/**
 * Alerts: raised and cleared by rules (at most one active per rule and key,
 * so raising twice never duplicates), acknowledged by people, kept in SQLite
 * across restarts, announced on the bus for the live feed.
 */
import type { AlertDto, AlertListQuery, AlertSeverity } from '../../shared/alerts.ts';
import type { AlertRepo } from '../db/alert-repo.ts';
import { notFound } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock } from './logger.ts';

export interface RaiseAlert {
  ruleId: string;
  key: string;
  severity: AlertSeverity;
  message: string;
  deviceId: string | null;
  value: number | null;
}

export interface AlertServiceDeps {
  repo: AlertRepo;
  bus: EventBus;
  clock: Clock;
}

/** Builds the alert service; start() loads the active alerts. */
export function createAlertService({ repo, bus, clock }: AlertServiceDeps) {
  /** Active alerts by rule, then key → alert id: the evaluator's view, kept in memory. */
  const active = new Map<string, Map<string, number>>();
  const none: ReadonlySet<string> = new Set();

  function activeOf(ruleId: string): Map<string, number> {
    let m = active.get(ruleId);
    if (!m) {
      m = new Map();
      active.set(ruleId, m);
    }
    return m;
  }

  function clearById(ruleId: string, key: string, id: number, reason: string): AlertDto | null {
    active.get(ruleId)?.delete(key);
    if (!repo.clear(id, clock(), reason)) return null;
    const alert = repo.get(id);
    if (alert) bus.emit('alert', alert);
    return alert ?? null;
  }

  return {
    /** Loads the active alerts (they survive restarts). */
    start(): void {
      active.clear();
      for (const a of repo.active()) activeOf(a.rule_id).set(a.key, a.id);
    },

    /** Raises an alert; null when one is already active for this rule and key. */
    raise(a: RaiseAlert): AlertDto | null {
      const keys = activeOf(a.ruleId);
      if (keys.has(a.key)) return null;
      const alert = repo.insert({
        rule_id: a.ruleId,
        key: a.key,
        device_id: a.deviceId,
        severity: a.severity,
        message: a.message,
        value: a.value,
        raised_at: clock(),
      });
      keys.set(a.key, alert.id);
      bus.emit('alert', alert);
      return alert;
    },

    /** Clears the active alert of this rule and key; null when none was active. */
    clear(ruleId: string, key: string, reason: string): AlertDto | null {
      const id = active.get(ruleId)?.get(key);
      return id === undefined ? null : clearById(ruleId, key, id, reason);
    },

    /** Clears every active alert of a rule (it was deleted or disabled). */
    clearRule(ruleId: string, reason: string): void {
      for (const [key, id] of [...(active.get(ruleId) ?? [])]) clearById(ruleId, key, id, reason);
      active.delete(ruleId);
    },

    /** Keys of a rule's active alerts. */
    activeKeys(ruleId: string): ReadonlySet<string> {
      const m = active.get(ruleId);
      return m ? new Set(m.keys()) : none;
    },

    /** Acknowledges an alert (active or not); acknowledging again changes nothing. */
    ack(id: number, by: string | null): AlertDto {
      if (!repo.get(id)) throw notFound(`alert ${id}`);
      if (repo.ack(id, clock(), by)) {
        const alert = repo.get(id) as AlertDto;
        bus.emit('alert', alert);
        return alert;
      }
      return repo.get(id) as AlertDto;
    },

    get(id: number): AlertDto {
      const a = repo.get(id);
      if (!a) throw notFound(`alert ${id}`);
      return a;
    },

    /** Newest first. */
    list: (q: AlertListQuery): AlertDto[] => repo.list(q.status ?? 'all', q.limit ?? 100),
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
