import { useId } from 'react';
import type { DeviceOption } from '../../hooks/useDeviceOptions.ts';
import type { OfflineDraft } from '../../lib/rule-drafts.ts';
import { type Problem, problemsAt } from '../../lib/rule-problems.ts';
import { InputField, SelectField } from './Field.tsx';
import { FieldProblems } from './FieldProblems.tsx';
import { SEVERITY_OPTIONS } from './RangeAlertFields.tsx';

interface Props {
  draft: OfflineDraft;
  onChange(patch: Partial<OfflineDraft>): void;
  problems: Problem[];
  devices: DeviceOption[];
}

/** A device offline for a while raises an alert; its return clears it. */
export function OfflineAlertFields({ draft, onChange, problems, devices }: Props) {
  const errorId = useId();
  const hintId = useId();
  const deviceProblems = problemsAt(problems, '/device_ids');
  const toggle = (id: string, on: boolean) =>
    onChange({ device_ids: on ? [...draft.device_ids, id] : draft.device_ids.filter((d) => d !== id) });
  return (
    <>
      <fieldset
        className="span-all device-checks"
        aria-describedby={[hintId, deviceProblems.length > 0 ? errorId : ''].join(' ').trim()}
      >
        <legend>Devices</legend>
        <p id={hintId} className="hint">
          None ticked: every device is watched (devices that never connected are ignored).
        </p>
        {devices.length === 0 ? (
          <p className="muted">No devices yet.</p>
        ) : (
          <ul className="check-list">
            {devices.map((d) => (
              <li key={d.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={draft.device_ids.includes(d.id)}
                    onChange={(e) => toggle(d.id, e.target.checked)}
                  />{' '}
                  {d.name} <span className="muted">({d.id})</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <FieldProblems id={errorId} problems={deviceProblems} />
      </fieldset>
      <InputField
        label="Offline for (minutes)"
        path="/after_s"
        problems={problems}
        type="number"
        inputMode="decimal"
        min={0.1}
        step="any"
        required
        value={draft.after_min}
        onChange={(after_min) => onChange({ after_min })}
      />
      <SelectField
        label="Severity"
        path="/severity"
        problems={problems}
        value={draft.severity}
        onChange={(v) => onChange({ severity: v as OfflineDraft['severity'] })}
        options={SEVERITY_OPTIONS}
      />
    </>
  );
}
