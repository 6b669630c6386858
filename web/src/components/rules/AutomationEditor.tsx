import { useId } from 'react';
import { ACTION_SCHEMAS, CONDITION_SCHEMAS, TRIGGER_SCHEMAS } from '../../../../shared/rules.ts';
import type { AutomationDraft } from '../../lib/rule-drafts.ts';
import { type Problem, problemLine } from '../../lib/rule-problems.ts';

interface Props {
  draft: AutomationDraft;
  onChange(patch: Partial<AutomationDraft>): void;
  /** Problems of the whole rule, checked live as the JSON is typed. */
  problems: Problem[];
  /** The JSON does not parse: why. */
  jsonError: string | null;
}

const names = (o: object) => Object.keys(o).join(', ');

/**
 * The generic automation as JSON (trigger, conditions, actions,
 * clear_actions), checked on every keystroke with the hub's own validation:
 * each problem names its exact field.
 */
export function AutomationEditor({ draft, onChange, problems, jsonError }: Props) {
  const ids = { json: useId(), status: useId(), help: useId() };
  const ok = jsonError === null && problems.length === 0;
  return (
    <div className="span-all automation-editor">
      <label htmlFor={ids.json}>Trigger, conditions and actions (JSON)</label>
      <textarea
        id={ids.json}
        className="json-editor"
        rows={16}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        value={draft.json}
        onChange={(e) => onChange({ json: e.target.value })}
        aria-invalid={!ok}
        aria-describedby={`${ids.status} ${ids.help}`}
      />
      <div id={ids.status} className="json-status" data-valid={ok} aria-live="polite">
        {jsonError !== null ? (
          <p className="error">Not valid JSON: {jsonError}</p>
        ) : ok ? (
          <p className="ok-text">Valid.</p>
        ) : (
          <>
            <p className="error">
              {problems.length} problem{problems.length === 1 ? '' : 's'}:
            </p>
            <ul className="problem-list">
              {problems.map((p) => (
                <li key={problemLine(p)} data-path={p.path}>
                  <code>{p.path || '/'}</code> {p.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <details id={ids.help} className="json-help">
        <summary>What can go in it</summary>
        <p>
          <code>trigger</code> (one): {names(TRIGGER_SCHEMAS)}. <code>conditions</code> (all must hold):{' '}
          {names(CONDITION_SCHEMAS)}. <code>actions</code> and <code>clear_actions</code> (run when a
          threshold resets): {names(ACTION_SCHEMAS)}. Each item has a <code>type</code>; messages may use{' '}
          <code>{'{device}'}</code>, <code>{'{value}'}</code>, <code>{'{metric}'}</code>. Times are the hub's
          local time, <code>HH:MM</code>.
        </p>
      </details>
    </div>
  );
}
