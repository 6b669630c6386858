/**
 * The rule editor's drafts: what the form fields hold (strings while being
 * typed), to and from the rule bodies of shared/rules.ts. `toBody` never
 * validates: ruleProblems() does, on what it returns.
 */
import type { AlertSeverity } from '../../../shared/alerts.ts';
import type { RuleDto, RuleKind } from '../../../shared/rules.ts';

export interface CommonDraft {
  name: string;
  description: string;
  enabled: boolean;
}

export interface ScheduleRow {
  /** Stable key for React while rows are added and removed. */
  key: number;
  at: string;
  target: string;
}

export interface ThermostatDraft {
  kind: 'thermostat';
  room: string;
  heater_id: string;
  /** '' → the heater's own temperature. */
  sensor_device_id: string;
  sensor_metric: string;
  schedule: ScheduleRow[];
  hysteresis: string;
  setpoint: string;
  max_age: string;
}

export interface RangeDraft {
  kind: 'range_alert';
  device_id: string;
  metric: string;
  min: string;
  max: string;
  hysteresis: string;
  for_s: string;
  severity: AlertSeverity;
}

export interface OfflineDraft {
  kind: 'offline_alert';
  /** Empty: every device. */
  device_ids: string[];
  after_min: string;
  severity: AlertSeverity;
}

export interface AutomationDraft {
  kind: 'automation';
  /** trigger, conditions, actions and clear_actions, as JSON text. */
  json: string;
}

export type KindDraft = ThermostatDraft | RangeDraft | OfflineDraft | AutomationDraft;
export interface RuleDraft {
  common: CommonDraft;
  kind: KindDraft;
}

/** The keys the automation JSON holds; the rest of the rule comes from the form. */
export const AUTOMATION_JSON_KEYS = ['trigger', 'conditions', 'actions', 'clear_actions'] as const;

let nextKey = 1;
export const scheduleRow = (at: string, target: string): ScheduleRow => ({ key: nextKey++, at, target });

const AUTOMATION_TEMPLATE = {
  trigger: { type: 'threshold', device_id: 'hall-thermo', metric: 'temperature', op: 'above', value: 25 },
  conditions: [{ type: 'time_window', from: '18:00', to: '23:00' }],
  actions: [{ type: 'raise_alert', severity: 'warning', message: '{device} is at {value} °C' }],
  clear_actions: [{ type: 'clear_alert' }],
};

/** A fresh draft of a kind, with the first device filled in where one is needed. */
export function newDraft(kind: RuleKind, firstDevice = ''): RuleDraft {
  const common = { name: '', description: '', enabled: true };
  switch (kind) {
    case 'thermostat':
      return {
        common,
        kind: {
          kind,
          room: '',
          heater_id: firstDevice,
          sensor_device_id: '',
          sensor_metric: 'temperature',
          schedule: [scheduleRow('07:00', '21'), scheduleRow('22:00', '17')],
          hysteresis: '',
          setpoint: '',
          max_age: '',
        },
      };
    case 'range_alert':
      return {
        common,
        kind: {
          kind,
          device_id: firstDevice,
          metric: 'temperature',
          min: '',
          max: '',
          hysteresis: '',
          for_s: '',
          severity: 'warning',
        },
      };
    case 'offline_alert':
      return { common, kind: { kind, device_ids: [], after_min: '10', severity: 'warning' } };
    case 'automation':
      return { common, kind: { kind, json: JSON.stringify(AUTOMATION_TEMPLATE, null, 2) } };
  }
}

const str = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** The draft of a stored rule, for editing. */
export function draftOf(rule: RuleDto): RuleDraft {
  const common = { name: rule.name, description: rule.description ?? '', enabled: rule.enabled };
  switch (rule.kind) {
    case 'thermostat':
      return {
        common,
        kind: {
          kind: 'thermostat',
          room: rule.room ?? '',
          heater_id: rule.heater_id,
          sensor_device_id: rule.sensor?.device_id ?? '',
          sensor_metric: rule.sensor?.metric ?? 'temperature',
          schedule: rule.schedule.map((e) => scheduleRow(e.at, String(e.target_c))),
          hysteresis: str(rule.hysteresis_c),
          setpoint: str(rule.heater_setpoint_c),
          max_age: str(rule.max_sensor_age_s),
        },
      };
    case 'range_alert':
      return {
        common,
        kind: {
          kind: 'range_alert',
          device_id: rule.device_id,
          metric: rule.metric,
          min: str(rule.min),
          max: str(rule.max),
          hysteresis: str(rule.hysteresis),
          for_s: str(rule.for_s),
          severity: rule.severity ?? 'warning',
        },
      };
    case 'offline_alert':
      return {
        common,
        kind: {
          kind: 'offline_alert',
          device_ids: rule.device_ids ?? [],
          after_min: String(Math.round((rule.after_s / 60) * 100) / 100),
          severity: rule.severity ?? 'warning',
        },
      };
    case 'automation': {
      const json = Object.fromEntries(
        AUTOMATION_JSON_KEYS.filter((k) => rule[k] !== undefined).map((k) => [k, rule[k]]),
      );
      return { common, kind: { kind: 'automation', json: JSON.stringify(json, null, 2) } };
    }
  }
}

/** '' → absent; anything else a number (NaN when it is not one, which validation reports). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** Drops absent fields, so an optional field left empty is not sent. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The body, plus problems of the draft itself (lines like ruleProblems' own), or JSON that does not parse. */
export type BodyResult =
  | { ok: true; body: Record<string, unknown>; problems: string[] }
  | { ok: false; jsonError: string };

/** The rule body a draft stands for (not validated). */
export function toBody({ common, kind: d }: RuleDraft): BodyResult {
  const base = {
    name: common.name.trim(),
    description: common.description.trim() || undefined,
    enabled: common.enabled,
  };
  switch (d.kind) {
    case 'thermostat':
      return {
        ok: true,
        problems: [],
        body: compact({
          kind: d.kind,
          ...base,
          room: d.room.trim() || undefined,
          heater_id: d.heater_id,
          sensor: d.sensor_device_id
            ? compact({ device_id: d.sensor_device_id, metric: d.sensor_metric.trim() || undefined })
            : undefined,
          schedule: d.schedule.map((e) => ({ at: e.at, target_c: num(e.target) })),
          hysteresis_c: num(d.hysteresis),
          heater_setpoint_c: num(d.setpoint),
          max_sensor_age_s: num(d.max_age),
        }),
      };
    case 'range_alert':
      return {
        ok: true,
        problems: [],
        body: compact({
          kind: d.kind,
          ...base,
          device_id: d.device_id,
          metric: d.metric.trim(),
          min: num(d.min),
          max: num(d.max),
          hysteresis: num(d.hysteresis),
          for_s: num(d.for_s),
          severity: d.severity,
        }),
      };
    case 'offline_alert': {
      const minutes = num(d.after_min);
      return {
        ok: true,
        problems: [],
        body: compact({
          kind: d.kind,
          ...base,
          device_ids: d.device_ids.length > 0 ? d.device_ids : undefined,
          after_s: minutes === undefined ? undefined : Math.round(minutes * 60),
          severity: d.severity,
        }),
      };
    }
    case 'automation': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(d.json);
      } catch (err) {
        return { ok: false, jsonError: err instanceof Error ? err.message : String(err) };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, jsonError: 'the JSON must be an object with trigger, conditions and actions' };
      }
      // Name, description and enabled have their own fields: the JSON must not quietly disagree with them.
      const entries = Object.entries(parsed);
      const known = (k: string) => (AUTOMATION_JSON_KEYS as readonly string[]).includes(k);
      const problems = entries
        .filter(([k]) => !known(k))
        .map(([k]) => `/${k}: not part of the automation JSON (name, description and enabled are set above)`);
      const json = Object.fromEntries(entries.filter(([k]) => known(k)));
      return { ok: true, problems, body: compact({ kind: d.kind, ...base, ...json }) };
    }
  }
}
