import { type FormEvent, useId, useState } from 'react';
import type { CreatedIntegrationDto, IntegrationDto } from '../../../../shared/auth.ts';
import { accountApi } from '../../api/account-api.ts';
import { useAction } from '../../hooks/useAction.ts';
import { useLoader } from '../../hooks/useLoader.ts';
import { connectionDetails } from '../../lib/mqtt-url.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';
import { LoadState } from '../LoadState.tsx';
import { IntegrationFields, readIntegrationFields } from './IntegrationFields.tsx';
import { IntegrationRow } from './IntegrationRow.tsx';
import { SecretPanel } from './SecretPanel.tsx';

function CreateIntegrationForm({ onCreated }: { onCreated(c: CreatedIntegrationDto): void }) {
  const { busy, error, run } = useAction();
  const [patternError, setPatternError] = useState<string | null>(null);
  const ids = { username: useId(), hint: useId() };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    const { patterns, access, error: invalid } = readIntegrationFields(data);
    setPatternError(invalid);
    if (invalid) return;
    const username = String(data.get('username') ?? '').trim();
    run(
      () => accountApi.createIntegration({ username, patterns, access }),
      (created) => {
        form.reset();
        onCreated(created);
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} aria-labelledby="new-integration-title">
      <h3 id="new-integration-title" className="subhead">
        New integration account
      </h3>
      <div className="fields">
        <label htmlFor={ids.username}>Username</label>
        <input
          id={ids.username}
          name="username"
          required
          pattern="[a-z0-9][a-z0-9_.\-]{2,63}"
          placeholder="node-red"
          aria-describedby={ids.hint}
          autoComplete="off"
        />
        <p id={ids.hint} className="hint">
          Lowercase letters, digits, <code>.</code> <code>-</code> <code>_</code>; at least 3 characters.
        </p>
        <IntegrationFields patternError={patternError} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not create the account: {error}
        </p>
      )}
    </form>
  );
}

/** MQTT accounts for Node-RED, Home Assistant and scripts: topic patterns, read or read-write. */
export function IntegrationsCard() {
  const [list, setList] = useState<IntegrationDto[]>([]);
  const [reload, setReload] = useState(0);
  const [load, retry] = useLoader(async () => setList(await accountApi.integrations()), [reload]);
  const [secret, setSecret] = useState<{ created: CreatedIntegrationDto; rotated: boolean } | null>(null);
  const [rotating, setRotating] = useState<IntegrationDto | null>(null);
  const [removing, setRemoving] = useState<IntegrationDto | null>(null);
  const refresh = () => setReload((r) => r + 1);

  return (
    <section className="card" aria-labelledby="integrations-title">
      <h2 id="integrations-title">MQTT integrations</h2>
      <p className="hint">
        Accounts for other MQTT clients, limited to the topics you give them. Devices get their own
        credentials when they are added.
      </p>
      {secret ? (
        <SecretPanel
          title={`${secret.rotated ? 'New password' : 'Connection details'} for ${secret.created.integration.username}`}
          text={connectionDetails(
            secret.created.mqtt_url,
            secret.created.integration.username,
            secret.created.password,
            secret.created.integration.patterns,
          )}
          copyLabel="Copy connection details"
          onDone={() => setSecret(null)}
        >
          <p className="hint">
            Password alone: <code data-secret="password">{secret.created.password}</code>
          </p>
        </SecretPanel>
      ) : (
        <CreateIntegrationForm
          onCreated={(created) => {
            setSecret({ created, rotated: false });
            refresh();
          }}
        />
      )}
      {list.length === 0 ? (
        <LoadState state={load} retry={retry} empty="No integration accounts yet." />
      ) : (
        <ul className="admin-list" aria-label="Integration accounts">
          {list.map((i) => (
            <IntegrationRow
              key={i.id}
              integration={i}
              onSaved={(saved) => setList((l) => l.map((x) => (x.id === saved.id ? saved : x)))}
              onRotate={setRotating}
              onRemove={setRemoving}
            />
          ))}
        </ul>
      )}
      {rotating && (
        <ConfirmDialog
          title={`New password for ${rotating.username}?`}
          confirmLabel="Make a new password"
          busyLabel="Rotating…"
          onConfirm={async () =>
            setSecret({ created: await accountApi.rotateIntegration(rotating.id), rotated: true })
          }
          onClose={() => setRotating(null)}
        >
          <p>The old password stops working at once: clients using it are refused until you update them.</p>
        </ConfirmDialog>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.username}?`}
          confirmLabel="Remove"
          busyLabel="Removing…"
          onConfirm={async () => {
            await accountApi.removeIntegration(removing.id);
            setList((l) => l.filter((x) => x.id !== removing.id));
            refresh();
          }}
          onClose={() => setRemoving(null)}
        >
          <p>Its clients are refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
