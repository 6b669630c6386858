/** A pure evaluation context for rule tests: devices in memory, UTC as local time. */
import { utcLocalTime } from '../../server/domain/rules/local-time.ts';
import type { DeviceView, EvalContext } from '../../server/domain/rules/rule-types.ts';
import type { Presence } from '../../shared/api.ts';
import type { AutomationRule, Trigger } from '../../shared/rules.ts';

/** Monday 2025-01-06 00:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6);
export const MIN = 60_000;
export const online: Presence = { status: 'online', reason: 'connected', detail: null, since: T0 };

/** A device view with defaults. */
export function device(id: string, extra: Partial<DeviceView> = {}): DeviceView {
  return { id, name: id.toUpperCase(), state: {}, presence: online, latest: {}, ...extra };
}

/** The world as a rule sees it at `now`. */
export function ctx(now: number, devices: DeviceView[] = [], active: string[] = []): EvalContext {
  const byId = new Map(devices.map((d) => [d.id, d]));
  return {
    now,
    local: utcLocalTime,
    device: (id) => byId.get(id),
    presence: (id) => byId.get(id)?.presence,
    deviceIds: () => [...byId.keys()],
    activeAlerts: new Set(active),
  };
}

/** A stored automation rule around `trigger`, raising (and clearing) alert `hot`. */
export function automation(trigger: Trigger, extra: Partial<AutomationRule> = {}): AutomationRule {
  return {
    id: 'r1',
    name: 'test',
    kind: 'automation',
    enabled: true,
    created_at: T0,
    updated_at: T0,
    trigger,
    actions: [{ type: 'raise_alert', key: 'hot', message: '{device} {metric} is {value}' }],
    clear_actions: trigger.type === 'threshold' ? [{ type: 'clear_alert', key: 'hot' }] : undefined,
    ...extra,
  };
}
