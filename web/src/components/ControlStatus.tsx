import type { StateValue } from '../../../shared/wire.ts';
import { formatRtt, formatValue } from '../lib/format.ts';
import type { ControlOp } from '../store/controls-slice.ts';

function describeTarget(target: StateValue, unit?: string): string {
  if (typeof target === 'boolean') return target ? 'switching on' : 'switching off';
  if (typeof target === 'number') return `setting ${formatValue(target, unit)}`;
  return `setting ${target}`;
}

/**
 * What a control is doing, in words: pending, confirmed (with the round trip),
 * failed (with the reason), or unavailable while the device is offline. A
 * polite live region, so screen readers hear the outcome.
 */
export function ControlStatus({
  id,
  op,
  reachable,
  unit,
}: {
  id: string;
  op: ControlOp | undefined;
  reachable: boolean;
  unit?: string;
}) {
  let text = '';
  let phase = 'idle';
  if (op?.phase === 'pending') {
    phase = 'pending';
    text = `Pending: ${describeTarget(op.target, unit)}…`;
  } else if (op?.phase === 'confirmed') {
    phase = 'confirmed';
    text =
      op.rttMs === null ? 'Confirmed by the device' : `Confirmed by the device in ${formatRtt(op.rttMs)}`;
  } else if (op?.phase === 'failed') {
    phase = 'failed';
    text = `Failed, not changed. ${op.message ?? ''}`;
  } else if (!reachable) {
    phase = 'unavailable';
    text = 'Unavailable while the device is offline';
  }
  return (
    <p id={id} className="control-status" data-phase={phase} aria-live="polite">
      {text}
    </p>
  );
}
