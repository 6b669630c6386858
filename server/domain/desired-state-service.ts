/**
 * Desired state: per device and controllable property, the value people or
 * rules want, next to the value the device reports, with a version. Set
 * while the device is online, it is sent at once (`<property>.set` through
 * the command service); set while it is away, it waits and is applied when
 * the device is back, unless its TTL ran out (expired) or its policy is
 * `drop_if_offline` (failed). The device's reported `state` confirms it.
 */
import type { Presence } from '../../shared/api.ts';
import {
  type DesiredDto,
  type DesiredPolicy,
  type SetDesiredBody,
  setterFor,
} from '../../shared/desired-state.ts';
import type { Description, DeviceState, StateValue } from '../../shared/wire.ts';
import type { DesiredRow, DesiredStateRepo } from '../db/desired-state-repo.ts';
import type { CommandService } from './command-service.ts';
import type { DeviceService } from './device-service.ts';
import { HearthError } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import type { Clock, Logger } from './logger.ts';
import type { PresenceService } from './presence-service.ts';
import type { Scheduler } from './scheduler.ts';

/** Properties a device that has not described itself may still be asked to set (design brief §4). */
const DEFAULT_CONTROLS: Record<string, 'boolean' | 'number'> = { heater: 'boolean', setpoint: 'number' };

export interface DesiredStateDeps {
  repo: DesiredStateRepo;
  devices: DeviceService;
  presence: PresenceService;
  commands: CommandService;
  bus: EventBus;
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  rpcTimeoutMs: number;
  /**
   * A device that reconnects subscribes to its rpc topic and then publishes
   * its state; waiting for that state (or this long) before applying keeps a
   * command from reaching a device that is not listening yet.
   */
  settleMs?: number;
  /** How often waiting values are checked for expiry. */
  sweepMs?: number;
}

/** Checks that `value` suits the device's control; throws invalid_input otherwise. */
export function checkControl(
  deviceId: string,
  description: Description | null,
  property: string,
  value: StateValue,
): { step: number } {
  const typeOf = typeof value;
  if (!description) {
    const type = DEFAULT_CONTROLS[property];
    if (!type) {
      throw new HearthError(
        'invalid_input',
        `device "${deviceId}" has not described itself: only ${Object.keys(DEFAULT_CONTROLS).join(' and ')} can be set`,
      );
    }
    if (typeOf !== type) throw new HearthError('invalid_input', `${property} must be a ${type}`);
    return { step: 0 };
  }
  const control = description.controls.find((c) => c.name === property);
  if (!control) {
    const names = description.controls.map((c) => c.name).join(', ') || 'none';
    throw new HearthError(
      'invalid_input',
      `device "${deviceId}" has no control "${property}" (controls: ${names})`,
    );
  }
  const { method } = setterFor(property, value as boolean | number | string);
  if (!description.methods.includes(method)) {
    throw new HearthError('invalid_input', `device "${deviceId}" does not support "${method}"`);
  }
  if (control.type === 'boolean') {
    if (typeOf !== 'boolean') throw new HearthError('invalid_input', `${property} must be true or false`);
    return { step: 0 };
  }
  if (typeof value !== 'number' || value < control.min || value > control.max) {
    throw new HearthError(
      'invalid_input',
      `${property} must be a number from ${control.min} to ${control.max}`,
    );
  }
  return { step: control.step ?? 0 };
}

/** Does the reported value confirm the desired one? Numbers within half a step (the device rounds). */
function confirms(reported: StateValue | undefined, desired: StateValue, step: number): boolean {
  if (typeof reported === 'number' && typeof desired === 'number') {
    return Math.abs(reported - desired) <= step / 2 + 1e-9;
  }
  return reported === desired;
}

/** Builds the service; start() subscribes to presence and state and starts the expiry sweep. */
export function createDesiredStateService(deps: DesiredStateDeps) {
  const { repo, devices, presence, commands, bus, clock, scheduler, log } = deps;
  const settleMs = deps.settleMs ?? 2000;
  /** `${device}\0${property}` → version being sent. */
  const inflight = new Map<string, number>();
  /** Devices that came back and have not announced themselves yet → cancel their fallback timer. */
  const returning = new Map<string, () => void>();
  const lastStatus = new Map<string, Presence['status']>();
  const off: (() => void)[] = [];
  let running = false;

  const keyOf = (r: { device_id: string; property: string }) => `${r.device_id}\u0000${r.property}`;
  const desiredOf = (r: DesiredRow): StateValue => JSON.parse(r.value) as StateValue;
  const stateOf = (id: string): DeviceState => (devices.exists(id) ? devices.get(id).state : {});
  const stepOf = (r: DesiredRow): number => {
    const c = devices.description(r.device_id)?.controls.find((x) => x.name === r.property);
    return c?.type === 'number' ? (c.step ?? 0) : 0;
  };

  function toDto(r: DesiredRow, state = stateOf(r.device_id)): DesiredDto {
    return {
      device_id: r.device_id,
      property: r.property,
      desired: desiredOf(r),
      reported: state[r.property] ?? null,
      version: r.version,
      status: r.status,
      policy: r.policy,
      expires_at: r.expires_at,
      waiting_for_device: r.status === 'pending' && !presence.isOnline(r.device_id),
      actor: r.actor,
      updated_at: r.updated_at,
      applied_at: r.applied_at,
      error: r.error,
      command_id: r.command_id,
    };
  }

  function save(r: DesiredRow): void {
    repo.save(r);
    bus.emit('desired', toDto(r));
  }

  function finish(r: DesiredRow, status: DesiredRow['status'], error: string | null): void {
    const now = clock();
    save({ ...r, status, error, updated_at: now, applied_at: status === 'applied' ? now : r.applied_at });
  }

  function apply(r: DesiredRow): void {
    const key = keyOf(r);
    inflight.set(key, r.version);
    const value = desiredOf(r) as boolean | number | string;
    const { method, params } = setterFor(r.property, value);
    const settle = (command: { id: string | null; status: string; error: string | null }) => {
      if (inflight.get(key) === r.version) inflight.delete(key);
      if (!running) return;
      const cur = repo.get(r.device_id, r.property);
      if (!cur || cur.version !== r.version) return; // replaced meanwhile
      const row = { ...cur, command_id: command.id ?? cur.command_id };
      if (cur.status !== 'pending') return repo.save(row);
      if (command.status === 'ok') {
        if (confirms(stateOf(r.device_id)[r.property], value, stepOf(r))) return finish(row, 'applied', null);
        return save({ ...row, error: null }); // the device's state report will confirm it
      }
      if (command.status === 'offline') {
        if (row.policy === 'drop_if_offline') return finish(row, 'failed', 'the device went offline');
        return save(row); // waits for the device's return
      }
      finish(row, 'failed', command.error ?? command.status);
    };
    commands
      .send({ deviceId: r.device_id, method, params, timeoutMs: deps.rpcTimeoutMs, actor: r.actor })
      .then(
        (c) =>
          settle({
            id: c.id,
            status: c.status,
            error: c.error ? `${c.error.code}: ${c.error.message}` : null,
          }),
        (err: Error) => settle({ id: null, status: 'error', error: err.message }),
      )
      .catch((err: Error) => log.error({ err, device_id: r.device_id }, 'desired state: settling failed'));
  }

  /** Applies what waited for a device that is back: expired values are not sent. */
  function flush(deviceId: string): void {
    returning.get(deviceId)?.();
    returning.delete(deviceId);
    if (!presence.isOnline(deviceId)) return;
    const state = stateOf(deviceId);
    const now = clock();
    for (const r of repo.byDevice(deviceId)) {
      if (r.status !== 'pending' || inflight.has(keyOf(r))) continue;
      if (r.expires_at !== null && r.expires_at <= now)
        finish(r, 'expired', 'expired before the device was back');
      else if (confirms(state[r.property], desiredOf(r), stepOf(r))) finish(r, 'applied', null);
      else apply(r);
    }
  }

  function onPresence(deviceId: string, p: Presence): void {
    const before = lastStatus.get(deviceId);
    lastStatus.set(deviceId, p.status);
    const wasOnline = before === 'online' || before === 'stale';
    const isOnline = p.status === 'online' || p.status === 'stale';
    if (isOnline === wasOnline && before !== undefined) return;
    const pending = repo.byDevice(deviceId).filter((r) => r.status === 'pending');
    // `waiting_for_device` flips with presence: tell the dashboard.
    for (const r of pending) bus.emit('desired', toDto(r));
    if (!isOnline) {
      returning.get(deviceId)?.();
      returning.delete(deviceId);
      return;
    }
    if (pending.length > 0 && !returning.has(deviceId)) {
      returning.set(
        deviceId,
        scheduler.after(settleMs, () => flush(deviceId)),
      );
    }
  }

  function onState(deviceId: string, state: DeviceState): void {
    for (const r of repo.byDevice(deviceId)) {
      if (r.status === 'pending' && confirms(state[r.property], desiredOf(r), stepOf(r))) {
        finish(r, 'applied', null);
      }
    }
    // A returning device publishes its state once it listens for commands.
    if (returning.has(deviceId)) flush(deviceId);
  }

  /** Marks waiting values whose TTL ran out as expired. */
  function sweep(): void {
    for (const r of repo.pendingDue(clock())) {
      if (!inflight.has(keyOf(r))) finish(r, 'expired', 'expired before the device was back');
    }
  }

  return {
    start(): void {
      running = true;
      off.push(
        bus.on('presence', (e) => onPresence(e.deviceId, e.presence)),
        bus.on('state', (e) => onState(e.deviceId, e.state)),
        bus.on('device_removed', (e) => {
          returning.get(e.deviceId)?.();
          returning.delete(e.deviceId);
          lastStatus.delete(e.deviceId);
        }),
        scheduler.every(deps.sweepMs ?? 1000, sweep),
      );
    },

    stop(): void {
      running = false;
      for (const f of off.splice(0)) f();
      for (const cancel of returning.values()) cancel();
      returning.clear();
    },

    sweep,

    /**
     * Sets a desired value. Setting what is already pending or in place
     * changes nothing (no new version, no second command).
     */
    set(deviceId: string, body: SetDesiredBody, actor: string): DesiredDto {
      const device = devices.get(deviceId);
      const { property, value } = body;
      const { step } = checkControl(deviceId, device.description, property, value);
      const existing = repo.get(deviceId, property);
      const reported = device.state[property];
      if (
        existing &&
        JSON.stringify(desiredOf(existing)) === JSON.stringify(value) &&
        (existing.status === 'pending' || (existing.status === 'applied' && confirms(reported, value, step)))
      ) {
        return toDto(existing, device.state);
      }
      const now = clock();
      const policy: DesiredPolicy = body.policy ?? 'wait';
      const row: DesiredRow = {
        device_id: deviceId,
        property,
        value: JSON.stringify(value),
        version: (existing?.version ?? 0) + 1,
        status: 'pending',
        policy,
        expires_at: body.ttl_s ? now + body.ttl_s * 1000 : null,
        actor,
        updated_at: now,
        applied_at: null,
        error: null,
        command_id: null,
      };
      const online = presence.isOnline(deviceId);
      if (confirms(reported, value, step)) {
        row.status = 'applied';
        row.applied_at = now;
      } else if (!online && policy === 'drop_if_offline') {
        row.status = 'failed';
        row.error = 'the device is offline and the policy is drop_if_offline';
      }
      save(row);
      if (row.status === 'pending' && online && !returning.has(deviceId)) apply(row);
      return toDto(row, device.state);
    },

    /** Every desired value of a device. */
    list(deviceId: string): DesiredDto[] {
      const device = devices.get(deviceId);
      return repo.byDevice(deviceId).map((r) => toDto(r, device.state));
    },
  };
}

export type DesiredStateService = ReturnType<typeof createDesiredStateService>;
