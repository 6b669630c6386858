import { useId } from 'react';
import { ALERT_SEVERITIES } from '../../../../shared/alerts.ts';
import type { DeviceOption } from '../../hooks/useDeviceOptions.ts';
import { humanize } from '../../lib/format.ts';
import type { RangeDraft } from '../../lib/rule-drafts.ts';
import type { Problem } from '../../lib/rule-problems.ts';
import { deviceChoices } from './device-choices.ts';
import { InputField, SelectField } from './Field.tsx';

interface Props {
  draft: RangeDraft;
  onChange(patch: Partial<RangeDraft>): void;
  problems: Problem[];
  devices: DeviceOption[];
}

export const SEVERITY_OPTIONS = ALERT_SEVERITIES.map((s) => ({ value: s, label: humanize(s) }));

/** A reading outside [min, max] for a while raises an alert; back inside by the hysteresis clears it. */
export function RangeAlertFields({ draft, onChange, problems, devices }: Props) {
  const metricsId = useId();
  const device = devices.find((d) => d.id === draft.device_id);
  const number = { type: 'number', inputMode: 'decimal', step: 'any' } as const;
  return (
    <>
      <SelectField
        label="Device"
        path="/device_id"
        problems={problems}
        value={draft.device_id}
        onChange={(device_id) => onChange({ device_id })}
        options={deviceChoices(devices, draft.device_id, (d) => d.metrics.length > 0)}
      />
      <datalist id={metricsId}>
        {(device?.metrics ?? []).map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <InputField
        label="Metric"
        path="/metric"
        problems={problems}
        value={draft.metric}
        onChange={(metric) => onChange({ metric })}
        list={metricsId}
        required
      />
      <InputField
        label="Lowest allowed"
        path="/min"
        problems={problems}
        {...number}
        value={draft.min}
        onChange={(min) => onChange({ min })}
        hint="Leave empty for no lower limit (but give at least one limit)."
      />
      <InputField
        label="Highest allowed"
        path="/max"
        problems={problems}
        {...number}
        value={draft.max}
        onChange={(max) => onChange({ max })}
      />
      <InputField
        label="Hysteresis"
        path="/hysteresis"
        problems={problems}
        {...number}
        min={0}
        value={draft.hysteresis}
        onChange={(hysteresis) => onChange({ hysteresis })}
        placeholder="0"
        hint="How far back inside the range the reading must come to clear the alert."
      />
      <InputField
        label="For (seconds)"
        path="/for_s"
        problems={problems}
        type="number"
        inputMode="numeric"
        min={0}
        value={draft.for_s}
        onChange={(for_s) => onChange({ for_s })}
        placeholder="0"
        hint="How long it must be out of range before the alert is raised (and back in before it clears)."
      />
      <SelectField
        label="Severity"
        path="/severity"
        problems={problems}
        value={draft.severity}
        onChange={(v) => onChange({ severity: v as RangeDraft['severity'] })}
        options={SEVERITY_OPTIONS}
      />
    </>
  );
}
