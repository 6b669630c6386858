import { useId } from 'react';
import { setControl } from '../actions/controls.ts';
import { formatValue, humanize } from '../lib/format.ts';
import { controlKey } from '../store/controls-slice.ts';
import { desiredKey } from '../store/desired-slice.ts';
import { useStore } from '../store/store.ts';
import { ControlStatus } from './ControlStatus.tsx';

interface Props {
  deviceId: string;
  name: string;
  label?: string | undefined;
  min: number;
  max: number;
  step?: number | undefined;
  unit?: string | undefined;
  reported: number | undefined;
  reachable: boolean;
}

/** Rounds to the step grid and trims float noise (20.1 + 0.1 → 20.2, not 20.200000000000003). */
function snap(value: number, step: number, min: number, max: number): number {
  const snapped = Math.round((value - min) / step) * step + min;
  return Number(Math.min(max, Math.max(min, snapped)).toFixed(6));
}

/** A number control (e.g. the setpoint) stepped with − / +, each step a confirmed command. */
export function NumberControl({
  deviceId,
  name,
  label,
  min,
  max,
  step = 0.5,
  unit,
  reported,
  reachable,
}: Props) {
  const op = useStore((s) => s.controlOps[controlKey(deviceId, name)]);
  const desired = useStore((s) => s.desired[desiredKey(deviceId, name)]);
  const stateTs = useStore((s) => s.devices[deviceId]?.state_ts ?? null);
  const pending = op?.phase === 'pending';
  const labelId = useId();
  const statusId = useId();
  const title = label ?? humanize(name);
  const known = reported !== undefined;
  const canLower = reachable && !pending && known && reported > min;
  const canRaise = reachable && !pending && known && reported < max;

  const change = (direction: -1 | 1) => {
    if (!known || !(direction < 0 ? canLower : canRaise)) return;
    void setControl(deviceId, name, snap(reported + direction * step, step, min, max));
  };

  return (
    <div
      className="control"
      data-control={name}
      data-phase={op?.phase ?? 'idle'}
      data-desired={desired?.status}
    >
      <div className="control-row">
        <span id={labelId} className="control-label">
          {title}
        </span>
        <fieldset className="stepper" aria-labelledby={labelId} aria-describedby={statusId}>
          <button
            type="button"
            className="step"
            aria-label={`Lower ${title.toLowerCase()}`}
            aria-disabled={!canLower}
            onClick={() => change(-1)}
          >
            −
          </button>
          <output className="stepper-value" aria-live="off">
            {formatValue(reported, unit)}
          </output>
          <button
            type="button"
            className="step"
            aria-label={`Raise ${title.toLowerCase()}`}
            aria-disabled={!canRaise}
            onClick={() => change(1)}
          >
            +
          </button>
        </fieldset>
      </div>
      <ControlStatus
        id={statusId}
        op={op}
        reachable={reachable}
        desired={desired}
        stateTs={stateTs}
        {...(unit ? { unit } : {})}
      />
    </div>
  );
}
