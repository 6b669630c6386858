import type { RuleDto } from '../../../../shared/rules.ts';
import { rulesApi } from '../../api/rules-api.ts';
import { useAction } from '../../hooks/useAction.ts';

/** Enables or disables a rule; shows the state the hub confirmed, never the one merely asked for. */
export function RuleEnabledSwitch({ rule, onChanged }: { rule: RuleDto; onChanged(rule: RuleDto): void }) {
  const { busy, error, run } = useAction();
  const toggle = () => {
    if (busy) return;
    run(() => rulesApi.setEnabled(rule.id, !rule.enabled), onChanged);
  };
  return (
    <span className="rule-switch">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={rule.enabled}
        aria-busy={busy}
        aria-label={`${rule.name} enabled`}
        onClick={toggle}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-text">{rule.enabled ? 'Enabled' : 'Disabled'}</span>
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
