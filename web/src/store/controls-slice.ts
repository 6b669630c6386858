/**
 * Control operations (heater on/off, setpoint): pending until the device
 * confirms, confirmed, or failed with the reason. The UI shows the reported
 * state plus the operation, never the wished-for value as if it were true.
 */
import type { StateCreator } from 'zustand';
import type { DeviceState, StateValue } from '../../../shared/wire.ts';
import type { Store } from './store.ts';

export type ControlPhase = 'pending' | 'confirmed' | 'failed';

export interface ControlOp {
  /** Unique per operation, so a late answer cannot finish a newer one. */
  id: number;
  deviceId: string;
  control: string;
  target: StateValue;
  phase: ControlPhase;
  startedAt: number;
  finishedAt: number | null;
  /** Why it failed, for people. */
  message: string | null;
  rttMs: number | null;
}

export interface ControlsSlice {
  /** By `controlKey(deviceId, control)`. */
  controlOps: Record<string, ControlOp>;
  /** Starts an operation; null when one is already pending for that control. */
  startControl(deviceId: string, control: string, target: StateValue): ControlOp | null;
  confirmControl(opId: number, rttMs: number | null): void;
  failControl(opId: number, message: string): void;
  clearControl(opId: number): void;
  /** The device reported its state: a pending operation whose target it shows is confirmed. */
  noteReportedState(deviceId: string, state: DeviceState): void;
}

export const controlKey = (deviceId: string, control: string): string => `${deviceId}\u0000${control}`;

let nextOpId = 1;

export const createControlsSlice: StateCreator<Store, [], [], ControlsSlice> = (set, get) => {
  const finish = (opId: number, patch: Partial<ControlOp>, onlyIfPending = true) => {
    const ops = get().controlOps;
    const entry = Object.entries(ops).find(([, op]) => op.id === opId);
    if (!entry) return;
    const [key, op] = entry;
    if (onlyIfPending && op.phase !== 'pending') return;
    set({ controlOps: { ...ops, [key]: { ...op, finishedAt: Date.now(), ...patch } } });
  };

  return {
    controlOps: {},

    startControl: (deviceId, control, target) => {
      const key = controlKey(deviceId, control);
      if (get().controlOps[key]?.phase === 'pending') return null;
      const op: ControlOp = {
        id: nextOpId++,
        deviceId,
        control,
        target,
        phase: 'pending',
        startedAt: Date.now(),
        finishedAt: null,
        message: null,
        rttMs: null,
      };
      set({ controlOps: { ...get().controlOps, [key]: op } });
      return op;
    },

    confirmControl: (opId, rttMs) => {
      const op = Object.values(get().controlOps).find((o) => o.id === opId);
      if (!op) return;
      if (op.phase === 'pending') finish(opId, { phase: 'confirmed', rttMs });
      // Already confirmed by the reported state: the answer adds the round trip.
      else if (op.phase === 'confirmed') finish(opId, { rttMs }, false);
    },

    // A failure after an early confirmation by state still wins: the device said no.
    failControl: (opId, message) => finish(opId, { phase: 'failed', message }, false),

    clearControl: (opId) => {
      const ops = get().controlOps;
      const entry = Object.entries(ops).find(([, op]) => op.id === opId);
      if (!entry) return;
      const { [entry[0]]: _gone, ...rest } = ops;
      set({ controlOps: rest });
    },

    noteReportedState: (deviceId, state) => {
      for (const op of Object.values(get().controlOps)) {
        if (op.deviceId === deviceId && op.phase === 'pending' && state[op.control] === op.target) {
          finish(op.id, { phase: 'confirmed' });
        }
      }
    },
  };
};
