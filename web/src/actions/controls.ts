/**
 * Sending control commands. The operation stays pending until the device
 * confirms (the rpc answered 200, or the reported state shows the target);
 * a failure says why and the control falls back to the reported state.
 */
import type { StateValue } from '../../../shared/wire.ts';
import { HttpError, http } from '../api/http.ts';
import { useStore } from '../store/store.ts';

/** How long "confirmed" stays on screen. */
const CONFIRMED_VISIBLE_MS = 6000;

/** Why a command failed, for people: offline, timeout, rejected by the device, or the hub's refusal. */
export function commandFailure(err: unknown): string {
  if (!(err instanceof HttpError)) return err instanceof Error ? err.message : String(err);
  switch (err.status) {
    case 409:
      return `Device offline: ${err.message}`;
    case 504:
      return `Timed out: ${err.message}`;
    case 502: {
      const code = err.command?.error?.code;
      return `Rejected by the device${code ? ` (${code})` : ''}: ${err.message}`;
    }
    case 0:
      return `Hub unreachable: ${err.message}`;
    default:
      return `Refused by the hub: ${err.message}`;
  }
}

/** The rpc method and params that set `control` (the heater convention: `<name>.set`). */
export function setCommand(
  control: string,
  value: StateValue,
): { method: string; params: Record<string, unknown> } {
  return { method: `${control}.set`, params: typeof value === 'boolean' ? { on: value } : { value } };
}

/** Sets a control on a device; resolves when the operation has an outcome (never rejects). */
export async function setControl(deviceId: string, control: string, target: StateValue): Promise<void> {
  const store = useStore.getState();
  const op = store.startControl(deviceId, control, target);
  if (!op) return; // one operation per control at a time
  try {
    const command = await http.rpc(deviceId, setCommand(control, target));
    useStore.getState().confirmControl(op.id, command.rtt_ms);
    setTimeout(() => {
      const current = Object.values(useStore.getState().controlOps).find((o) => o.id === op.id);
      if (current?.phase === 'confirmed') useStore.getState().clearControl(op.id);
    }, CONFIRMED_VISIBLE_MS);
  } catch (err) {
    useStore.getState().failControl(op.id, commandFailure(err));
  }
}
