import { describe, expect, it } from 'vitest';
import { seededRng } from '../../devices/simulators/heater-model.ts';
import { utcLocalTime } from '../../server/domain/rules/local-time.ts';
import { evaluate } from '../../server/domain/rules/rule-evaluator.ts';
import type {
  DeviceView,
  EvalContext,
  PlannedAction,
  RuleMemory,
} from '../../server/domain/rules/rule-types.ts';
import type { Presence } from '../../shared/api.ts';
import type { OfflineAlertRule, RangeAlertRule } from '../../shared/rules.ts';

const T0 = Date.UTC(2025, 0, 6);
const MIN = 60_000;

/** A tiny alert store that applies the planned alert actions, as the runner would. */
class Alerts {
  readonly active = new Set<string>();
  raised = 0;
  cleared = 0;
  apply(actions: PlannedAction[]): void {
    for (const a of actions) {
      if (a.type === 'raise_alert' && !this.active.has(a.key)) {
        this.active.add(a.key);
        this.raised++;
      }
      if (a.type === 'clear_alert' && this.active.delete(a.key)) this.cleared++;
    }
  }
}

function ctx(now: number, devices: DeviceView[], alerts: Alerts): EvalContext {
  const byId = new Map(devices.map((d) => [d.id, d]));
  return {
    now,
    local: utcLocalTime,
    device: (id) => byId.get(id),
    presence: (id) => byId.get(id)?.presence,
    deviceIds: () => [...byId.keys()],
    activeAlerts: new Set(alerts.active),
  };
}

const stored = { id: 'r1', enabled: true, created_at: T0, updated_at: T0 };

describe('range alert', () => {
  const rule: RangeAlertRule = {
    ...stored,
    name: 'Living room comfort',
    kind: 'range_alert',
    device_id: 'thermo',
    metric: 'temperature',
    min: 18,
    max: 26,
    hysteresis: 0.5,
    for_s: 120,
  };

  /** Alerts raised and cleared by `r` over a noisy rise to 27 °C, an hour there, and a fall. */
  function hover(r: RangeAlertRule) {
    const rng = seededRng(7);
    const alerts = new Alerts();
    let memory: RuleMemory = {};
    const log: string[] = [];
    for (let s = 0; s <= 3 * 3600; s += 30) {
      const base = s < 3600 ? 20 + (7 * s) / 3600 : s < 7200 ? 27 : 27 - (7 * (s - 7200)) / 3600;
      const value = Math.round((base + (rng() - 0.5) * 0.6) * 100) / 100;
      const ts = T0 + s * 1000;
      const thermo = {
        id: 'thermo',
        name: 'Thermo',
        state: {},
        presence: online,
        latest: { temperature: { value, ts } },
      };
      const event = { type: 'telemetry', device_id: 'thermo', ts, values: { temperature: value } } as const;
      const result = evaluate(r, event, ctx(ts, [thermo], alerts), memory);
      memory = result.memory;
      alerts.apply(result.actions);
      log.push(...result.log);
    }
    return { alerts, log };
  }

  it('would flap without hysteresis and duration (the control case)', () => {
    const { alerts } = hover({ ...rule, hysteresis: 0, for_s: 0 });
    expect(alerts.raised).toBeGreaterThan(3);
  });

  it('is raised once and cleared once while a noisy reading hovers around the limit (hysteresis + duration)', () => {
    const { alerts, log } = hover(rule);
    expect(alerts.raised).toBe(1);
    expect(alerts.cleared).toBe(1);
    expect(log[0]).toMatch(
      /^range 18–26 \(hysteresis 0.5\): Thermo temperature 2\d\.\d+ above 26 for 2 min$/,
    );
    expect(log[1]).toMatch(/back within 18.5–25.5 for 2 min$/);
  });

  it('does not raise again after a restart while the alert is still active', () => {
    const alerts = new Alerts();
    alerts.active.add('thermo/temperature'); // persisted from before the restart
    const ts = T0;
    const thermo = { id: 'thermo', name: 'Thermo', state: {}, presence: online, latest: {} };
    let memory: RuleMemory = {};
    for (let i = 0; i < 10; i++) {
      const t = ts + i * MIN;
      const r = evaluate(
        rule,
        { type: 'telemetry', device_id: 'thermo', ts: t, values: { temperature: 30 } },
        ctx(t, [thermo], alerts),
        memory,
      );
      memory = r.memory;
      expect(r.actions).toEqual([]);
    }
  });

  it('clears its alert when the device is removed', () => {
    const alerts = new Alerts();
    alerts.active.add('thermo/temperature');
    const r = evaluate(rule, { type: 'tick', ts: T0 }, ctx(T0, [], alerts), {});
    expect(r.actions).toEqual([
      { type: 'clear_alert', key: 'thermo/temperature', reason: 'thermo was removed' },
    ]);
  });
});

const online: Presence = { status: 'online', reason: 'connected', detail: null, since: T0 };

describe('offline alert', () => {
  const rule: OfflineAlertRule = {
    ...stored,
    name: 'Offline',
    kind: 'offline_alert',
    after_s: 600,
    severity: 'critical',
  };

  it('fires after N minutes offline, once, and clears when the device returns', () => {
    const alerts = new Alerts();
    const heater: DeviceView = { id: 'heater', name: 'Hall heater', state: {}, presence: online, latest: {} };
    const thermo: DeviceView = { id: 'thermo', name: 'Thermo', state: {}, presence: online, latest: {} };
    const offlineAt = T0 + 5 * MIN;
    let firedAt: number | null = null;
    let clearedAt: number | null = null;
    let message = '';
    for (let m = 0; m <= 30; m++) {
      const now = T0 + m * MIN;
      if (m === 5)
        heater.presence = { status: 'offline', reason: 'keepalive_timeout', detail: null, since: offlineAt };
      if (m === 25) heater.presence = { ...online, since: now };
      const r = evaluate(rule, { type: 'tick', ts: now }, ctx(now, [heater, thermo], alerts), {});
      alerts.apply(r.actions);
      for (const a of r.actions) {
        if (a.type === 'raise_alert') {
          firedAt = m;
          message = a.message;
          expect(a.severity).toBe('critical');
        }
        if (a.type === 'clear_alert') clearedAt = m;
      }
    }
    expect(firedAt).toBe(15);
    expect(clearedAt).toBe(25);
    expect(alerts.raised).toBe(1);
    expect(message).toBe('Hall heater has been offline for 10 min (keepalive_timeout)');
  });

  it('watches only the listed devices, and clears alerts of devices no longer listed', () => {
    const alerts = new Alerts();
    const gone: Presence = { status: 'offline', reason: 'connection_closed', detail: null, since: T0 };
    const a: DeviceView = { id: 'aaa', name: 'A', state: {}, presence: gone, latest: {} };
    const b: DeviceView = { id: 'bbb', name: 'B', state: {}, presence: gone, latest: {} };
    const only = { ...rule, device_ids: ['aaa'] };
    alerts.apply(
      evaluate(only, { type: 'tick', ts: T0 + 11 * MIN }, ctx(T0 + 11 * MIN, [a, b], alerts), {}).actions,
    );
    expect([...alerts.active]).toEqual(['aaa']);
    const other = { ...rule, device_ids: ['bbb'] };
    alerts.apply(
      evaluate(other, { type: 'tick', ts: T0 + 12 * MIN }, ctx(T0 + 12 * MIN, [a, b], alerts), {}).actions,
    );
    expect([...alerts.active]).toEqual(['bbb']);
  });

  it('ignores devices that never connected', () => {
    const alerts = new Alerts();
    const never: DeviceView = {
      id: 'new',
      name: 'New',
      state: {},
      presence: { status: 'unknown', reason: 'never_connected', detail: null, since: null },
      latest: {},
    };
    const r = evaluate(rule, { type: 'tick', ts: T0 + 60 * MIN }, ctx(T0 + 60 * MIN, [never], alerts), {});
    expect(r.actions).toEqual([]);
  });
});
