/**
 * Runs the rules inside the hub, whether or not a browser is open. It
 * listens to the bus (telemetry, state, presence), ticks a clock for
 * schedules and durations, evaluates the matching rules (pure), carries out
 * their actions and keeps each rule's run log. Evaluation happens after the
 * bus event returns (setImmediate), so a slow or failing rule never holds
 * ingest up, and every error ends in the rule's log instead of a throw.
 */
import type { PresenceStatus } from '../../../shared/api.ts';
import type { ActionResult, RuleDto } from '../../../shared/rules.ts';
import type { DeviceState } from '../../../shared/wire.ts';
import type { RuleRepo } from '../../db/rule-repo.ts';
import type { AlertService } from '../alert-service.ts';
import type { Counters } from '../counters.ts';
import type { DeviceService } from '../device-service.ts';
import type { EventBus } from '../event-bus.ts';
import type { Clock, Logger } from '../logger.ts';
import type { Scheduler } from '../scheduler.ts';
import type { ActionExecutor } from './action-executor.ts';
import { systemLocalTime } from './local-time.ts';
import { evaluate, watchedDevices } from './rule-evaluator.ts';
import type { RuleService } from './rule-service.ts';
import {
  type DeviceView,
  describeEvent,
  type EvalContext,
  type EvalResult,
  type LocalTime,
  type RuleEvent,
  type RuleMemory,
} from './rule-types.ts';

export interface RuleRunnerDeps {
  rules: RuleService;
  repo: RuleRepo;
  devices: DeviceService;
  alerts: AlertService;
  executor: ActionExecutor;
  bus: EventBus;
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  counters: Counters;
  /** The hub's local time (default: the machine's time zone). */
  local?: (ts: number) => LocalTime;
  /** Clock tick for schedules and durations (default 1 s). */
  tickMs?: number;
}

/** Evaluation errors of one rule logged at most this often (the same error, over and over, is counted). */
const ERROR_LOG_INTERVAL_MS = 60_000;
/** Events waiting for evaluation; beyond this they are dropped and counted (a stuck runner must not eat memory). */
const QUEUE_MAX = 10_000;

type Index = Map<string, Set<string>>;

/** Builds the runner; nothing runs before start(). */
export function createRuleRunner(deps: RuleRunnerDeps) {
  const { rules, repo, devices, alerts, executor, bus, clock, scheduler, log, counters } = deps;
  const local = deps.local ?? systemLocalTime;
  const memories = new Map<string, RuleMemory>();
  const lastError = new Map<string, { message: string; at: number }>();
  const prevState = new Map<string, DeviceState>();
  const prevPresence = new Map<string, PresenceStatus>();
  const index = { telemetry: new Map() as Index, state: new Map() as Index, presence: new Map() as Index };
  const queue: { ids: string[]; event: RuleEvent }[] = [];
  let drainHandle: NodeJS.Immediate | null = null;
  const off: (() => void)[] = [];
  /** Runs whose rpcs or webhooks are still out, by run id: finished by stop() if the hub stops first. */
  const unsettled = new Map<number, ActionResult[]>();
  let running = false;

  function reindex(): void {
    for (const m of Object.values(index)) m.clear();
    for (const rule of rules.list()) {
      if (!rule.enabled) continue;
      const w = watchedDevices(rule);
      for (const kind of ['telemetry', 'state', 'presence'] as const) {
        for (const id of w[kind]) {
          let set = index[kind].get(id);
          if (!set) {
            set = new Set();
            index[kind].set(id, set);
          }
          set.add(rule.id);
        }
      }
    }
  }

  function view(id: string): DeviceView | undefined {
    if (!devices.exists(id)) return undefined;
    const d = devices.get(id);
    return { id: d.id, name: d.name, state: d.state, presence: d.presence, latest: d.latest };
  }

  function context(rule: RuleDto): EvalContext {
    return {
      now: clock(),
      local,
      device: view,
      presence: (id) => devices.presence(id),
      deviceIds: () => devices.ids(),
      activeAlerts: alerts.activeKeys(rule.id),
    };
  }

  function recordError(rule: RuleDto, event: RuleEvent, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    counters.inc('rule_errors');
    const now = clock();
    const last = lastError.get(rule.id);
    if (last && last.message === message && now - last.at < ERROR_LOG_INTERVAL_MS) return;
    lastError.set(rule.id, { message, at: now });
    log.warn({ rule_id: rule.id, err }, 'rule evaluation failed');
    repo.insertRun({
      ruleId: rule.id,
      ts: now,
      trigger: describeEvent(event),
      log: [],
      actions: [],
      error: message,
    });
  }

  function act(rule: RuleDto, event: RuleEvent, result: EvalResult): void {
    const ts = clock();
    const trigger = result.trigger ?? describeEvent(event);
    const execution = executor.execute(rule, result.actions, {
      hub: 'hearth',
      rule: { id: rule.id, name: rule.name, kind: rule.kind },
      ts,
      trigger,
      log: result.log,
    });
    counters.inc('rule_runs');
    rules.saveMemory(rule.id, result.memory);
    const runId = repo.insertRun({
      ruleId: rule.id,
      ts,
      trigger,
      log: result.log,
      actions: execution.results,
      error: null,
    });
    if (!execution.done) return;
    unsettled.set(runId, execution.results);
    execution.done.then(
      (final) => {
        // After stop() the database may already be closed; stop() recorded the run.
        if (unsettled.delete(runId) && running) repo.updateRun(runId, final, null);
      },
      (err: Error) => log.error({ err, rule_id: rule.id }, 'rule actions failed to settle'),
    );
  }

  function runOne(rule: RuleDto, event: RuleEvent): void {
    let result: EvalResult;
    try {
      result = evaluate(rule, event, context(rule), memories.get(rule.id) ?? {});
    } catch (err) {
      recordError(rule, event, err);
      return;
    }
    memories.set(rule.id, result.memory);
    if (result.actions.length === 0 && !result.notable) return;
    try {
      act(rule, event, result);
    } catch (err) {
      recordError(rule, event, err);
    }
  }

  function runIds(ids: Iterable<string>, event: RuleEvent): void {
    for (const id of ids) {
      if (!running) return;
      let rule: RuleDto;
      try {
        rule = rules.get(id);
      } catch {
        continue; // deleted since the event was queued
      }
      runOne(rule, event);
    }
  }

  function drain(): void {
    drainHandle = null;
    for (const item of queue.splice(0)) runIds(item.ids, item.event);
  }

  function enqueue(ids: Iterable<string> | undefined, event: RuleEvent): void {
    if (!ids || !running) return;
    const list = [...ids];
    if (list.length === 0) return;
    if (queue.length >= QUEUE_MAX) {
      counters.inc('rule_events_dropped');
      return;
    }
    queue.push({ ids: list, event });
    drainHandle ??= setImmediate(drain);
  }

  function tick(): void {
    const event: RuleEvent = { type: 'tick', ts: clock() };
    runIds(
      rules
        .list()
        .filter((r) => r.enabled)
        .map((r) => r.id),
      event,
    );
  }

  function saveMemories(): void {
    for (const [id, m] of memories) rules.saveMemory(id, m);
  }

  return {
    start(): void {
      running = true;
      for (const d of devices.list()) {
        prevState.set(d.id, d.state);
        prevPresence.set(d.id, d.presence.status);
      }
      for (const rule of rules.list()) memories.set(rule.id, rules.storedMemory(rule.id));
      reindex();
      off.push(
        rules.onChange((id, rule) => {
          // An edited rule starts afresh; a deleted one is forgotten.
          memories.delete(id);
          lastError.delete(id);
          if (rule) memories.set(id, {});
          reindex();
        }),
        bus.on('telemetry', (e) =>
          enqueue(index.telemetry.get(e.deviceId), {
            type: 'telemetry',
            device_id: e.deviceId,
            ts: e.ts,
            values: e.values,
          }),
        ),
        bus.on('state', (e) => {
          const previous = prevState.get(e.deviceId) ?? null;
          prevState.set(e.deviceId, e.state);
          enqueue(index.state.get(e.deviceId), {
            type: 'state',
            device_id: e.deviceId,
            ts: e.ts,
            state: e.state,
            previous,
          });
        }),
        bus.on('presence', (e) => {
          const previous = prevPresence.get(e.deviceId) ?? null;
          prevPresence.set(e.deviceId, e.presence.status);
          const ids = new Set([
            ...(index.presence.get(e.deviceId) ?? []),
            ...(index.presence.get('*') ?? []),
          ]);
          enqueue(ids, {
            type: 'presence',
            device_id: e.deviceId,
            ts: e.presence.since ?? clock(),
            presence: e.presence,
            previous,
          });
        }),
        bus.on('device_removed', (e) => {
          prevState.delete(e.deviceId);
          prevPresence.delete(e.deviceId);
        }),
        scheduler.every(deps.tickMs ?? 1000, tick),
      );
    },

    /** Evaluates what is queued now (tests; shutdown). */
    drain,

    /** One clock tick now (tests). */
    tick,

    stop(): void {
      for (const f of off.splice(0)) f();
      if (drainHandle) clearImmediate(drainHandle);
      drainHandle = null;
      queue.length = 0;
      if (running) {
        saveMemories();
        for (const [id, results] of unsettled) {
          const stopped = results.map((r) =>
            r.status === 'pending'
              ? { ...r, status: 'error' as const, detail: 'the hub stopped before it finished' }
              : r,
          );
          repo.updateRun(id, stopped, null);
        }
      }
      unsettled.clear();
      running = false;
    },
  };
}

export type RuleRunner = ReturnType<typeof createRuleRunner>;
