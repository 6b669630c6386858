import { useId } from 'react';
import { RULE_DEFAULTS } from '../../../../shared/rules.ts';
import type { DeviceOption } from '../../hooks/useDeviceOptions.ts';
import type { ThermostatDraft } from '../../lib/rule-drafts.ts';
import type { Problem } from '../../lib/rule-problems.ts';
import { deviceChoices } from './device-choices.ts';
import { InputField, SelectField } from './Field.tsx';
import { ScheduleEditor } from './ScheduleEditor.tsx';

interface Props {
  draft: ThermostatDraft;
  onChange(patch: Partial<ThermostatDraft>): void;
  problems: Problem[];
  devices: DeviceOption[];
}

/** Room, heater, temperature source, schedule and dead band of a thermostat. */
export function ThermostatFields({ draft, onChange, problems, devices }: Props) {
  const roomsId = useId();
  const metricsId = useId();
  const rooms = [...new Set(devices.flatMap((d) => (d.room ? [d.room] : [])))].sort();
  const sensor = devices.find((d) => d.id === draft.sensor_device_id);
  return (
    <>
      <datalist id={roomsId}>
        {rooms.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <InputField
        label="Room (optional)"
        path="/room"
        problems={problems}
        value={draft.room}
        onChange={(room) => {
          // Choosing a room suggests its heater when none is chosen yet.
          const heater = devices.find((d) => d.room === room && d.controls.includes('heater'));
          onChange({ room, ...(!draft.heater_id && heater ? { heater_id: heater.id } : {}) });
        }}
        list={roomsId}
        maxLength={64}
      />
      <SelectField
        label="Heater"
        path="/heater_id"
        problems={problems}
        value={draft.heater_id}
        onChange={(heater_id) => onChange({ heater_id })}
        options={deviceChoices(devices, draft.heater_id, (d) => d.controls.includes('heater'))}
        hint="Switched on and off through its desired state: a heater that is away gets the latest decision when it is back."
      />
      <SelectField
        label="Temperature from"
        path="/sensor/device_id"
        problems={problems}
        value={draft.sensor_device_id}
        onChange={(sensor_device_id) => onChange({ sensor_device_id })}
        options={[
          { value: '', label: "The heater's own temperature" },
          ...devices.map((d) => ({ value: d.id, label: `${d.name} (${d.id})` })),
        ]}
      />
      {draft.sensor_device_id && (
        <>
          <datalist id={metricsId}>
            {(sensor?.metrics ?? []).map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          <InputField
            label="Sensor metric"
            path="/sensor/metric"
            problems={problems}
            value={draft.sensor_metric}
            onChange={(sensor_metric) => onChange({ sensor_metric })}
            list={metricsId}
          />
        </>
      )}
      <div className="span-all">
        <ScheduleEditor
          rows={draft.schedule}
          onChange={(schedule) => onChange({ schedule })}
          problems={problems}
        />
      </div>
      <InputField
        label="Dead band (°C)"
        path="/hysteresis_c"
        problems={problems}
        type="number"
        inputMode="decimal"
        step={0.1}
        min={0}
        max={5}
        value={draft.hysteresis}
        onChange={(hysteresis) => onChange({ hysteresis })}
        placeholder={String(RULE_DEFAULTS.thermostat_hysteresis_c)}
        hint={`On below target − half of it, off above target + half. Default ${RULE_DEFAULTS.thermostat_hysteresis_c} °C.`}
      />
      <InputField
        label="Heater setpoint (°C, optional)"
        path="/heater_setpoint_c"
        problems={problems}
        type="number"
        inputMode="decimal"
        step={0.5}
        min={5}
        max={30}
        value={draft.setpoint}
        onChange={(setpoint) => onChange({ setpoint })}
        hint="Held there for a heater with a thermostat of its own, so it never cuts in first. Empty: left alone."
      />
      <InputField
        label="Sensor silent after (s)"
        path="/max_sensor_age_s"
        problems={problems}
        type="number"
        inputMode="numeric"
        min={30}
        max={86400}
        value={draft.max_age}
        onChange={(max_age) => onChange({ max_age })}
        placeholder={String(RULE_DEFAULTS.thermostat_max_sensor_age_s)}
        hint={`With no reading for this long the heater is switched off (fails safe). Default ${RULE_DEFAULTS.thermostat_max_sensor_age_s} s.`}
      />
    </>
  );
}
