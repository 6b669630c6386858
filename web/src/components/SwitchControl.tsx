import { useId } from 'react';
import { setControl } from '../actions/controls.ts';
import { humanize } from '../lib/format.ts';
import { controlKey } from '../store/controls-slice.ts';
import { desiredKey } from '../store/desired-slice.ts';
import { useStore } from '../store/store.ts';
import { ControlStatus } from './ControlStatus.tsx';

interface Props {
  deviceId: string;
  name: string;
  label?: string | undefined;
  /** The reported value; the switch shows only what the device reported. */
  reported: boolean | undefined;
  reachable: boolean;
}

/** An on/off control (e.g. the heater) that shows the reported state and the pending operation. */
export function SwitchControl({ deviceId, name, label, reported, reachable }: Props) {
  const op = useStore((s) => s.controlOps[controlKey(deviceId, name)]);
  const desired = useStore((s) => s.desired[desiredKey(deviceId, name)]);
  const stateTs = useStore((s) => s.devices[deviceId]?.state_ts ?? null);
  const pending = op?.phase === 'pending';
  const unavailable = !reachable || pending;
  const labelId = useId();
  const statusId = useId();
  const text = reported === undefined ? 'Unknown' : reported ? 'On' : 'Off';

  const toggle = () => {
    if (unavailable) return;
    void setControl(deviceId, name, reported !== true);
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
          {label ?? humanize(name)}
        </span>
        <button
          type="button"
          role="switch"
          className="switch"
          aria-checked={reported === true}
          aria-labelledby={labelId}
          aria-describedby={statusId}
          aria-disabled={unavailable}
          aria-busy={pending}
          onClick={toggle}
        >
          <span className="switch-track" aria-hidden="true">
            <span className="switch-thumb" />
          </span>
          <span className="switch-text">{text}</span>
        </button>
      </div>
      <ControlStatus id={statusId} op={op} reachable={reachable} desired={desired} stateTs={stateTs} />
    </div>
  );
}
