/**
 * The rules engine's vocabulary: what an evaluation takes (an event, a
 * read-only view of the home, the clock, the rule's memory) and what it
 * gives back (planned actions, the new memory, and why). Evaluations are
 * pure; the runner does the I/O.
 */

import type { AlertSeverity } from '../../../shared/alerts.ts';
import type { Presence, PresenceStatus } from '../../../shared/api.ts';
import type { DesiredPolicy } from '../../../shared/desired-state.ts';
import type { Weekday } from '../../../shared/rules.ts';
import type { DeviceState, StateValue } from '../../../shared/wire.ts';

/** What a rule reacts to. `tick` is the runner's clock: schedules and durations. */
export type RuleEvent =
  | { type: 'telemetry'; device_id: string; ts: number; values: Record<string, number> }
  | { type: 'state'; device_id: string; ts: number; state: DeviceState; previous: DeviceState | null }
  | {
      type: 'presence';
      device_id: string;
      ts: number;
      presence: Presence;
      previous: PresenceStatus | null;
    }
  | { type: 'tick'; ts: number };

/** The hub's local wall-clock time at some instant. */
export interface LocalTime {
  /** Minutes since local midnight, 0–1439. */
  minute: number;
  weekday: Weekday;
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
}

export interface DeviceView {
  id: string;
  name: string;
  state: DeviceState;
  presence: Presence;
  latest: Record<string, { value: number; ts: number }>;
}

/** The read-only world an evaluation sees. */
export interface EvalContext {
  now: number;
  local: (ts: number) => LocalTime;
  device: (id: string) => DeviceView | undefined;
  /** Cheaper than `device` when only presence matters (offline alerts over every device). */
  presence: (id: string) => Presence | undefined;
  deviceIds: () => readonly string[];
  /** Keys of this rule's alerts that are active now. */
  activeAlerts: ReadonlySet<string>;
}

/** An action with everything resolved (templates filled, keys defaulted). */
export type PlannedAction =
  | { type: 'rpc'; device_id: string; method: string; params: Record<string, unknown>; timeout_ms?: number }
  | {
      type: 'set_desired';
      device_id: string;
      property: string;
      value: StateValue;
      ttl_s?: number;
      policy?: DesiredPolicy;
    }
  | {
      type: 'raise_alert';
      key: string;
      severity: AlertSeverity;
      message: string;
      device_id: string | null;
      value: number | null;
    }
  | { type: 'clear_alert'; key: string; reason: string }
  | { type: 'webhook'; url: string; message: string; timeout_ms?: number };

/** Per-rule state carried between evaluations; JSON, so it can be stored. */
export type RuleMemory = Record<string, unknown>;

export interface EvalResult {
  actions: PlannedAction[];
  memory: RuleMemory;
  /** Why: one line per decision, for the run log. */
  log: string[];
  /** What set the rule off, when something did. */
  trigger: string | null;
  /** Worth a run-log entry even without actions (a condition held it back, a target changed). */
  notable: boolean;
}

/** The result of an evaluation that had nothing to say. */
export function quiet(memory: RuleMemory): EvalResult {
  return { actions: [], memory, log: [], trigger: null, notable: false };
}

/** Reads a number field of stored memory, or null. */
export function memNumber(m: RuleMemory, key: string): number | null {
  const v = m[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Reads a boolean field of stored memory, or null. */
export function memBoolean(m: RuleMemory, key: string): boolean | null {
  const v = m[key];
  return typeof v === 'boolean' ? v : null;
}

/** A short rendering of a value for logs and messages. */
export function show(v: StateValue | number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return String(Math.round(v * 100) / 100);
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** How an event reads in a run log. */
export function describeEvent(e: RuleEvent): string {
  switch (e.type) {
    case 'telemetry':
      return `telemetry ${e.device_id} ${Object.entries(e.values)
        .map(([k, v]) => `${k}=${show(v)}`)
        .join(' ')}`;
    case 'state':
      return `state ${e.device_id}`;
    case 'presence':
      return `presence ${e.device_id} ${e.previous ?? 'unknown'} → ${e.presence.status}`;
    case 'tick':
      return 'clock';
  }
}
