import { type FormEvent, useId, useMemo, useState } from 'react';
import { ruleDeviceIds, ruleProblems } from '../../../../shared/rule-validation.ts';
import type { RuleBody, RuleDto } from '../../../../shared/rules.ts';
import { rulesApi } from '../../api/rules-api.ts';
import { useAction } from '../../hooks/useAction.ts';
import { useDeviceOptions } from '../../hooks/useDeviceOptions.ts';
import { type KindDraft, type RuleDraft, toBody } from '../../lib/rule-drafts.ts';
import { problemLine, problemsAt, toProblems } from '../../lib/rule-problems.ts';
import { AutomationEditor } from './AutomationEditor.tsx';
import { InputField } from './Field.tsx';
import { OfflineAlertFields } from './OfflineAlertFields.tsx';
import { RangeAlertFields } from './RangeAlertFields.tsx';
import { ThermostatFields } from './ThermostatFields.tsx';

interface Props {
  initial: RuleDraft;
  /** Editing this rule; null: a new one. */
  ruleId: string | null;
  onSaved(rule: RuleDto): void;
  onCancel(): void;
  /** Focus the name field: the kind chooser the user just pressed is gone. */
  autoFocus?: boolean;
}

/** The paths the form shows next to a field; anything else is listed at the end. */
const FIELD_PATHS: Record<KindDraft['kind'], string[]> = {
  thermostat: [
    '/room',
    '/heater_id',
    '/sensor',
    '/schedule',
    '/hysteresis_c',
    '/heater_setpoint_c',
    '/max_sensor_age_s',
  ],
  range_alert: ['/device_id', '/metric', '/min', '/max', '/hysteresis', '/for_s', '/severity'],
  offline_alert: ['/device_ids', '/after_s', '/severity'],
  automation: ['/trigger', '/conditions', '/actions', '/clear_actions'],
};

/**
 * Create or edit a rule: a form per kind (JSON for automations), checked with
 * the hub's own ruleProblems(). Problems show under their field once the user
 * has tried to save (automations: as they type); the hub has the last word.
 */
export function RuleForm({ initial, ruleId, onSaved, onCancel, autoFocus = false }: Props) {
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const { busy, error, run } = useAction();
  const devices = useDeviceOptions();
  const summaryId = useId();
  const kind = draft.kind;

  const { body, jsonError, problems } = useMemo(() => {
    const result = toBody(draft);
    if (!result.ok) return { body: null, jsonError: result.jsonError, problems: [] };
    let lines = [...result.problems, ...ruleProblems(result.body)];
    if (lines.length === 0) {
      // The hub refuses a rule naming a device it does not know: say so before it does.
      const unknown = ruleDeviceIds(result.body as RuleBody).filter(
        (id) => !devices.some((d) => d.id === id),
      );
      lines = unknown.map((id) => `unknown device: ${id}`);
    }
    return { body: result.body, jsonError: null, problems: toProblems(lines) };
  }, [draft, devices]);

  const show = tried || kind.kind === 'automation';
  const shown = show ? problems : [];
  const fieldPaths = ['/name', '/description', ...FIELD_PATHS[kind.kind]];
  const elsewhere = shown.filter((p) => !fieldPaths.some((f) => problemsAt([p], f).length > 0));
  const patchKind = <K extends KindDraft>(patch: Partial<K>) =>
    setDraft((d) => ({ ...d, kind: { ...d.kind, ...patch } as KindDraft }));
  const patchCommon = (patch: Partial<RuleDraft['common']>) =>
    setDraft((d) => ({ ...d, common: { ...d.common, ...patch } }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (busy || !body || jsonError !== null || problems.length > 0) return;
    const rule = body as RuleBody;
    run(() => (ruleId === null ? rulesApi.create(rule) : rulesApi.replace(ruleId, rule)), onSaved);
  };

  const kindProps = { problems: shown, devices };
  return (
    <form
      className="card form rule-form"
      onSubmit={submit}
      noValidate
      aria-label="Rule"
      data-kind={kind.kind}
    >
      <div className="fields">
        <InputField
          label="Name"
          path="/name"
          problems={shown}
          value={draft.common.name}
          onChange={(name) => patchCommon({ name })}
          maxLength={80}
          required
          autoFocus={autoFocus}
        />
        <InputField
          label="Description (optional)"
          path="/description"
          problems={shown}
          value={draft.common.description}
          onChange={(description) => patchCommon({ description })}
          maxLength={500}
        />
        {kind.kind === 'thermostat' && <ThermostatFields draft={kind} onChange={patchKind} {...kindProps} />}
        {kind.kind === 'range_alert' && <RangeAlertFields draft={kind} onChange={patchKind} {...kindProps} />}
        {kind.kind === 'offline_alert' && (
          <OfflineAlertFields draft={kind} onChange={patchKind} {...kindProps} />
        )}
        {kind.kind === 'automation' && (
          <AutomationEditor draft={kind} onChange={patchKind} problems={problems} jsonError={jsonError} />
        )}
        <label className="span-all check">
          <input
            type="checkbox"
            checked={draft.common.enabled}
            onChange={(e) => patchCommon({ enabled: e.target.checked })}
          />{' '}
          Enabled
        </label>
      </div>
      {tried && kind.kind !== 'automation' && (problems.length > 0 || jsonError) && (
        <div id={summaryId} className="error" role="alert">
          <p>
            Not saved: {problems.length} problem{problems.length === 1 ? '' : 's'} to fix
            {elsewhere.length > 0 ? ':' : ' (marked above).'}
          </p>
          {elsewhere.length > 0 && (
            <ul className="problem-list">
              {elsewhere.map((p) => (
                <li key={problemLine(p)}>{problemLine(p)}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          The hub refused the rule: {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Saving…' : ruleId === null ? 'Create rule' : 'Save rule'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
