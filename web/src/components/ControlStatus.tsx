import type { DesiredDto } from '../../../shared/desired-state.ts';
import type { StateValue } from '../../../shared/wire.ts';
import { useNow } from '../hooks/useNow.ts';
import { desiredNews, type StatusNews } from '../lib/desired.ts';
import { formatRtt, formatValue } from '../lib/format.ts';
import type { ControlOp } from '../store/controls-slice.ts';

function describeTarget(target: StateValue, unit?: string): string {
  if (typeof target === 'boolean') return target ? 'switching on' : 'switching off';
  if (typeof target === 'number') return `setting ${formatValue(target, unit)}`;
  return `setting ${target}`;
}

interface Props {
  id: string;
  op: ControlOp | undefined;
  reachable: boolean;
  unit?: string;
  /** The control's desired value, when one was ever set (by a person while it was away, or by a rule). */
  desired?: DesiredDto | undefined;
  /** When the device last reported its state. */
  stateTs?: number | null;
}

function opStatus(op: ControlOp | undefined, unit: string | undefined): StatusNews | null {
  if (op?.phase === 'pending')
    return { phase: 'pending', text: `Pending: ${describeTarget(op.target, unit)}…` };
  if (op?.phase === 'confirmed') {
    const text =
      op.rttMs === null ? 'Confirmed by the device' : `Confirmed by the device in ${formatRtt(op.rttMs)}`;
    return { phase: 'confirmed', text };
  }
  if (op?.phase === 'failed') return { phase: 'failed', text: `Failed, not changed. ${op.message ?? ''}` };
  return null;
}

/**
 * What a control is doing, in words: pending, confirmed (with the round trip),
 * failed (with the reason); else what its desired value is doing (waiting for
 * the device, applied, expired, failed); else unavailable while the device is
 * offline. One polite live region that stays mounted, so screen readers hear
 * every change.
 */
export function ControlStatus({ id, op, reachable, unit, desired, stateTs = null }: Props) {
  const now = useNow();
  const status: StatusNews | null =
    opStatus(op, unit) ??
    desiredNews(desired, stateTs, now, unit) ??
    (reachable ? null : { phase: 'unavailable', text: 'Unavailable while the device is offline' });
  return (
    <p id={id} className="control-status" data-phase={status?.phase ?? 'idle'} aria-live="polite">
      {status?.text ?? ''}
    </p>
  );
}
