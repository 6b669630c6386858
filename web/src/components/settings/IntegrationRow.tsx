import { type FormEvent, useState } from 'react';
import type { IntegrationDto } from '../../../../shared/auth.ts';
import { accountApi } from '../../api/account-api.ts';
import { useAction } from '../../hooks/useAction.ts';
import { EditActions } from '../EditActions.tsx';
import { RelativeTime } from '../RelativeTime.tsx';
import { IntegrationFields, readIntegrationFields } from './IntegrationFields.tsx';

interface Props {
  integration: IntegrationDto;
  onSaved(i: IntegrationDto): void;
  onRotate(i: IntegrationDto): void;
  onRemove(i: IntegrationDto): void;
}

const ACCESS_LABEL = { read: 'read', readwrite: 'read and write' } as const;

/** One integration account: its patterns and access, edited in place; rotate and remove ask first. */
export function IntegrationRow({ integration: i, onSaved, onRotate, onRemove }: Props) {
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAction();
  const [patternError, setPatternError] = useState<string | null>(null);

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const { patterns, access, error: invalid } = readIntegrationFields(new FormData(e.currentTarget));
    setPatternError(invalid);
    if (invalid) return;
    run(
      () => accountApi.updateIntegration(i.id, { patterns, access }),
      (saved) => {
        setEditing(false);
        onSaved(saved);
      },
    );
  };

  if (editing) {
    return (
      <li className="settings-row editing" data-integration={i.username}>
        <form className="form settings-edit" onSubmit={save} aria-label={`Edit ${i.username}`}>
          <div className="fields">
            <IntegrationFields patterns={i.patterns} access={i.access} patternError={patternError} />
          </div>
          <p className="hint">
            Saving disconnects the account's clients; they reconnect with the new rights.
          </p>
          <EditActions busy={busy} error={error} onCancel={() => setEditing(false)} />
        </form>
      </li>
    );
  }

  return (
    <li className="settings-row" data-integration={i.username}>
      <div className="admin-main">
        <span className="admin-name">
          <code>{i.username}</code>
        </span>
        <span className="muted small-text">
          {ACCESS_LABEL[i.access]} · created <RelativeTime ts={i.created_at} />
        </span>
        <span className="pattern-list">
          {i.patterns.map((p) => (
            <code key={p}>{p}</code>
          ))}
        </span>
      </div>
      <div className="admin-actions">
        <button type="button" className="button secondary small" onClick={() => setEditing(true)}>
          Edit<span className="visually-hidden"> {i.username}</span>
        </button>
        <button type="button" className="button secondary small" onClick={() => onRotate(i)}>
          New password<span className="visually-hidden"> for {i.username}</span>
        </button>
        <button type="button" className="button danger-outline small" onClick={() => onRemove(i)}>
          Remove<span className="visually-hidden"> {i.username}</span>
        </button>
      </div>
    </li>
  );
}
